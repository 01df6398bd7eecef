import * as path from 'path';
import { toYaml } from '../core/yaml';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { SECRET_STORE_DIR } from './secret-store';

/**
 * `overlays/<env>/kustomization.yaml`: the shared objects, the secret store synth writes, and
 * every service of the environment, composed and nothing more. Each sub-overlay already sets the namespace, so this level sets
 * none: a kustomization that only lists directories renders to their concatenation, which lets
 * the validation gate reuse their renders instead of rendering every object twice (see
 * lib/kube/render-cache.ts).
 */
export const environmentOverlay: Generator = (view, files) => {
  for (const { env, dir } of view.environments.environments.flatMap((e) => view.placementsOf(e))) {
    const store = env.secrets.external?.provider ? [SECRET_STORE_DIR] : [];
    const resources = ['shared', ...store, ...view.servicesIn(env).map((s) => s.name)].sort();
    files.add(path.posix.join(dir, 'kustomization.yaml'), toYaml(kustomization({ resources })));
  }
};
