import * as fs from 'fs';
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

/**
 * The directories under `overlaysRoot` that each render one whole deployment target, relative
 * to it and sorted: every environment (`prod`) and every cluster of an environment that spans
 * several (`prod/clusters/prod-eu`). Each holds a kustomization.yaml composing its shared
 * objects, datastores and services; the gate and the diff treat each as one unit.
 */
export function deploymentUnits(overlaysRoot: string): string[] {
  const hasKustomization = (dir: string) => fs.existsSync(path.join(overlaysRoot, dir, 'kustomization.yaml'));
  const subdirs = (dir: string) =>
    fs.existsSync(path.join(overlaysRoot, dir))
      ? fs
          .readdirSync(path.join(overlaysRoot, dir), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
      : [];
  const envs = subdirs('').filter(hasKustomization);
  const clusters = envs.flatMap((env) =>
    subdirs(path.posix.join(env, CLUSTERS_DIR))
      .map((c) => path.posix.join(env, CLUSTERS_DIR, c))
      .filter(hasKustomization),
  );
  return [...envs, ...clusters].sort();
}

/** The environment a deployment unit belongs to (`prod` for `prod/clusters/prod-eu`). */
export function unitEnvironment(unit: string): string {
  return unit.split('/')[0];
}
