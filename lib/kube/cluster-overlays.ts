import * as path from 'path';

/** Directory of the cluster overlays of an environment that spans several clusters. */
export const CLUSTERS_DIR = 'clusters';

/** `overlays/<env>/clusters/<cluster>`: one cluster's overlays, shaped like an environment's. */
export function clusterOverlayDir(overlaysDir: string, env: string, cluster: string): string {
  return path.posix.join(overlaysDir, env, CLUSTERS_DIR, cluster);
}

/**
 * Relative path of the kustomization that pins `service` in `env`, or in one `cluster` of it
 * (a wave's pin, layered over the environment's).
 */
export function pinFile(overlaysDir: string, env: string, service: string, cluster?: string): string {
  const dir = cluster === undefined ? path.posix.join(overlaysDir, env) : clusterOverlayDir(overlaysDir, env, cluster);
  return path.posix.join(dir, service, 'kustomization.yaml');
}
