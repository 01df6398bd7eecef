import * as path from 'path';
import { StagecraftError } from '../core/errors';
import { toYaml } from '../core/yaml';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { PlatformView } from './platform-view';
import { environmentsByCluster } from './shared-clusters';

/** Directory of the store beside `shared/` in each overlay directory. */
export const SECRET_STORE_DIR = 'secret-store';

/**
 * `overlays/<env>/secret-store/` (and each cluster's) where the environment's secret source has
 * a provider: the ClusterSecretStore its ExternalSecrets read, admitting only the environment's
 * namespace. It is cluster-scoped, so it sits beside `shared/`, whose namespace transformer
 * would give it a namespace; the environment's kustomization lists it.
 */
export const secretStores: Generator = (view, files) => {
  checkOneStorePerCluster(view);
  const labels = { 'app.kubernetes.io/part-of': view.name, 'app.kubernetes.io/managed-by': 'stagecraft' };
  for (const { env, dir } of view.environments.environments.flatMap((e) => view.placementsOf(e))) {
    const store = env.secrets.clusterSecretStore(env.namespace, labels);
    if (!store) continue;
    const storeDir = path.posix.join(dir, SECRET_STORE_DIR);
    files.add(path.posix.join(storeDir, 'clustersecretstore.yaml'), toYaml(store));
    files.add(
      path.posix.join(storeDir, 'kustomization.yaml'),
      toYaml(kustomization({ resources: ['clustersecretstore.yaml'], labels: { environment: env.name } })),
    );
  }
};

/** Two environments on one cluster cannot both own a ClusterSecretStore of one name. */
function checkOneStorePerCluster(view: PlatformView): void {
  for (const [cluster, envs] of environmentsByCluster(view)) {
    const owners = new Map<string, string>();
    for (const env of envs) {
      const external = env.secrets.external;
      if (!external?.provider) continue;
      const owner = owners.get(external.storeName);
      if (owner !== undefined) {
        throw new StagecraftError(
          `environments/${env.name}/secrets`,
          `ClusterSecretStore ${JSON.stringify(external.storeName)} is written by environments ${owner} and ${env.name} on one cluster (${cluster}); allowed: a storeName of its own per environment on a shared cluster`,
        );
      }
      owners.set(external.storeName, env.name);
    }
  }
}
