import * as path from 'path';
import { NamespaceBundle } from '../constructs/namespace-bundle';
import { StagecraftError } from '../core/errors';
import { toYaml, toYamlAll } from '../core/yaml';
import { bundleNamespaceObjects } from './bundle-namespace';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { PlatformView } from './platform-view';
import { Environment } from '../model/environment';
import { environmentsByCluster } from './shared-clusters';
import { chartJson } from '../constructs/chart-json';

/**
 * Each namespace bundle's base `dist/<bundle>/` and its overlay `overlays/<env>/<bundle>/`, which
 * sets no namespace (the bundle's objects keep their own), pins the bundle's images and adds
 * the bundle's Namespace, quota, limits and network policies as the environment sets them.
 */
export const namespaceBundles: Generator = (view, files) => {
  const { outdir, overlaysDir } = view.layout;
  const environments = view.environments.environments;
  const labels = { 'app.kubernetes.io/part-of': view.name, 'app.kubernetes.io/managed-by': 'stagecraft' };
  for (const bundle of view.bundles) {
    bundle.check(environments);
    checkOneEnvironmentPerCluster(view, bundle);
    const baseDir = path.posix.join(outdir, bundle.name);
    const manifests = chartJson(bundle.chart);
    const names = manifests.map((m) => `${String(m.kind).toLowerCase()}-${m.metadata.name}.yaml`);
    manifests.forEach((m, i) => files.add(path.posix.join(baseDir, names[i]), toYaml(m)));
    files.add(path.posix.join(baseDir, 'kustomization.yaml'), toYaml(kustomization({ resources: [...names].sort() })));
    const initialTags = bundle.initialTagsByImage;
    const images = Object.keys(initialTags).sort();
    for (const env of environments) {
      const dir = path.posix.join(overlaysDir, env.name, bundle.name);
      const file = path.posix.join(dir, 'kustomization.yaml');
      const objects = bundleNamespaceObjects(bundle, env, labels);
      checkClustersAgree(view, bundle, env, objects, labels);
      for (const [name, docs] of Object.entries(objects)) files.add(path.posix.join(dir, name), toYamlAll(docs));
      files.add(
        file,
        toYaml(
          kustomization({
            resources: [...Object.keys(objects).sort(), path.posix.relative(dir, baseDir)],
            labels: { environment: env.name },
            images: images.map((name) => ({ name, ...(view.readPin(file, name) ?? { newTag: initialTags[name] }) })),
          }),
        ),
      );
    }
  }
};

/**
 * A bundle's namespace has one name in every environment, so two environments Argo CD deploys
 * to one cluster would own (and prune) the same Namespace and objects: refused.
 */
function checkOneEnvironmentPerCluster(view: PlatformView, bundle: NamespaceBundle): void {
  for (const [cluster, envs] of environmentsByCluster(view)) {
    if (envs.length < 2) continue;
    throw new StagecraftError(
      bundle.node.path,
      `namespace ${JSON.stringify(bundle.namespace)} would be shared by environments ${envs.map((e) => e.name).join(', ')} on one cluster (${cluster}); allowed: one environment per cluster for a namespace bundle (give each environment its own cluster)`,
    );
  }
}

/**
 * Every cluster of an environment syncs the one overlay `overlays/<env>/<bundle>/`, so a
 * cluster whose values would change the bundle's objects (its container size, or an endpoint
 * of the Jobs moved outside the cluster) is refused rather than given the row's objects.
 */
function checkClustersAgree(
  view: PlatformView,
  bundle: NamespaceBundle,
  env: Environment,
  objects: Record<string, object[]>,
  labels: Record<string, string>,
): void {
  const expected = JSON.stringify(objects);
  for (const placement of view.placementsOf(env).filter((p) => p.layered && p.cluster)) {
    if (JSON.stringify(bundleNamespaceObjects(bundle, placement.env, labels)) === expected) continue;
    throw new StagecraftError(
      bundle.node.path,
      `cluster ${JSON.stringify(placement.cluster!.name)} of environment ${JSON.stringify(env.name)} changes the bundle's namespace objects (its resources, or datastores.external of an endpoint the Jobs reach); allowed: cluster values that leave them as the environment's, as every cluster syncs ${path.posix.join(view.layout.overlaysDir, env.name, bundle.name)}`,
    );
  }
}
