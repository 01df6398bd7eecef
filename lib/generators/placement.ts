import * as path from 'path';
import { clusterOverlayDir } from '../kube/cluster-overlays';
import { Cluster } from '../model/cluster';
import { Environment } from '../model/environment';

/**
 * One directory of overlays for one environment: the environment's own `overlays/<env>/`, or
 * `overlays/<env>/clusters/<cluster>/` for each cluster of an environment that spans several.
 * Both have the same shape (`shared/`, one directory per datastore and service, a
 * kustomization listing them), so every generator writes either the same way.
 */
export interface Placement {
  /** The environment's row, or its view in `cluster` (the cluster's values merged in). */
  readonly env: Environment;
  /** The directory, relative to the repository root. */
  readonly dir: string;
  /** The cluster these overlays deploy to, when the environment names one. */
  readonly cluster: Cluster | undefined;
  /**
   * Whether the service overlays are layered over the environment's (`../../../<service>`),
   * which keep the pins the clusters share.
   */
  readonly layered: boolean;
  /** Whether Argo CD deploys this directory (the environment's own is not, where it spans clusters). */
  readonly deployed: boolean;
}

/**
 * The overlay directories of `env`: its own, with its single cluster's values merged in, or
 * its own (the pins, never deployed as such) plus one layered directory per cluster.
 */
export function placementsOf(env: Environment, overlaysDir: string): Placement[] {
  const own = path.posix.join(overlaysDir, env.name);
  if (!env.spansClusters) {
    const cluster = env.clusters[0];
    return [{ env: cluster ? env.inCluster(cluster) : env, dir: own, cluster, layered: false, deployed: true }];
  }
  return [
    { env, dir: own, cluster: undefined, layered: false, deployed: false },
    ...env.clusters.map((cluster) => ({
      env: env.inCluster(cluster),
      dir: clusterOverlayDir(overlaysDir, env.name, cluster.name),
      cluster,
      layered: true,
      deployed: true,
    })),
  ];
}
