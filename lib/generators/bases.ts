import * as path from 'path';
import { ApiObjectJson } from '../constructs/microservice';
import { FileSet } from '../core/file-set';
import { toYaml } from '../core/yaml';
import { DatastoreTopology } from '../model/datastore-settings';
import { Generator } from './generator';
import { kustomization, kustomizeComponent } from './kustomization';
import { chartJson } from '../constructs/chart-json';

/** File names of the kinds a base holds once; other objects are `<kind>-<name>.yaml`. */
const FILE_NAMES: Record<string, string> = {
  Deployment: 'deployment.yaml',
  StatefulSet: 'statefulset.yaml',
  Service: 'service.yaml',
  ConfigMap: 'configmap.yaml',
  ServiceAccount: 'serviceaccount.yaml',
  PodDisruptionBudget: 'pdb.yaml',
};

/** `dist/<service>/` and its PodDisruptionBudget component `dist/<service>/components/pdb/`. */
export const serviceBases: Generator = (view, files) => {
  for (const service of view.services) {
    const baseDir = path.posix.join(view.layout.outdir, service.name);
    addManifests(files, baseDir, service.baseManifests(), 'Kustomization');
    addManifests(
      files,
      path.posix.join(baseDir, 'components', 'pdb'),
      chartJson(service.disruptionBudget),
      'Component',
    );
  }
};

/** `dist/<datastore>/`: the single-instance base, for datastores that run single somewhere. */
export const datastoreBases: Generator = (view, files) => {
  for (const datastore of view.datastores) {
    if (view.environments.environments.some((e) => datastore.topologyIn(e) === DatastoreTopology.SINGLE)) {
      addManifests(
        files,
        path.posix.join(view.layout.outdir, datastore.name),
        datastore.baseManifests(),
        'Kustomization',
        datastore.name,
      );
    }
  }
};

function addManifests(
  files: FileSet,
  dir: string,
  manifests: ApiObjectJson[],
  kind: 'Kustomization' | 'Component',
  owner?: string,
): void {
  const names = manifests.map((m) =>
    FILE_NAMES[m.kind] && (owner === undefined || m.metadata.name === owner)
      ? FILE_NAMES[m.kind]
      : `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`,
  );
  manifests.forEach((m, i) => files.add(path.posix.join(dir, names[i]), toYaml(m)));
  files.add(
    path.posix.join(dir, 'kustomization.yaml'),
    toYaml(kind === 'Component' ? kustomizeComponent(names) : kustomization({ resources: [...names].sort() })),
  );
}
