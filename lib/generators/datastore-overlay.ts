import * as path from 'path';
import { toYaml } from '../core/yaml';
import { DatastoreTopology } from '../model/datastore-settings';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { datastoreMonitor, MONITOR_FILE } from './monitors';

/**
 * `overlays/<env>/<datastore>/`: patches over the single-instance base, or the operator's
 * resources for the other topologies, plus backups where the table asks (listed by the shared
 * overlay, so they sync with the namespace).
 */
export const datastoreOverlays: Generator = (view, files) => {
  const { outdir } = view.layout;
  for (const placement of view.environments.environments.flatMap((e) => view.placementsOf(e))) {
    const env = placement.env;
    for (const datastore of view.datastores) {
      const dir = path.posix.join(placement.dir, datastore.name);
      const { patches, resources } = datastore.overlayObjects(env);
      const monitor = datastoreMonitor(datastore, env);
      if (monitor) resources[MONITOR_FILE] = monitor;
      for (const [name, content] of [...Object.entries(patches), ...Object.entries(resources)]) {
        files.add(path.posix.join(dir, name), toYaml(content));
      }
      const single = datastore.topologyIn(env) === DatastoreTopology.SINGLE;
      files.add(
        path.posix.join(dir, 'kustomization.yaml'),
        toYaml(
          kustomization({
            namespace: env.namespace,
            resources: [
              ...(single ? [path.posix.relative(dir, path.posix.join(outdir, datastore.name))] : []),
              ...Object.keys(resources).sort(),
            ],
            labels: { environment: env.name },
            patches: Object.keys(patches).sort(),
          }),
        ),
      );
    }
  }
};
