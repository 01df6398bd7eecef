import * as path from 'path';
import { toYaml } from '../core/yaml';
import { Generator } from './generator';
import { kustomization } from './kustomization';

/**
 * Each namespace bundle's base `dist/<bundle>/` and its overlay `overlays/<env>/<bundle>/`, which
 * sets no namespace (the bundle's objects keep their own) and pins the bundle's images.
 */
export const namespaceBundles: Generator = (view, files) => {
  const { outdir, overlaysDir } = view.layout;
  const environments = view.environments.environments;
  for (const bundle of view.bundles) {
    bundle.check(environments);
    const baseDir = path.posix.join(outdir, bundle.name);
    const manifests = bundle.chart.toJson();
    const names = manifests.map((m) => `${String(m.kind).toLowerCase()}-${m.metadata.name}.yaml`);
    manifests.forEach((m, i) => files.add(path.posix.join(baseDir, names[i]), toYaml(m)));
    files.add(path.posix.join(baseDir, 'kustomization.yaml'), toYaml(kustomization({ resources: [...names].sort() })));
    const initialTags = bundle.initialTagsByImage;
    const images = Object.keys(initialTags).sort();
    for (const env of environments) {
      const dir = path.posix.join(overlaysDir, env.name, bundle.name);
      const file = path.posix.join(dir, 'kustomization.yaml');
      files.add(
        file,
        toYaml(
          kustomization({
            resources: [path.posix.relative(dir, baseDir)],
            labels: { environment: env.name },
            images: images.map((name) => ({ name, ...(view.readPin(file, name) ?? { newTag: initialTags[name] }) })),
          }),
        ),
      );
    }
  }
};
