import * as path from 'path';
import { Platform } from '../constructs/platform';
import { FileSet } from '../core/file-set';
import { readImagePin } from '../kube/image-pin';
import { layoutOf, render } from './render';
import { SynthOptions } from './synth-options';

/**
 * Renders `platform` and writes every file under `options.rootDir`, keeping the image pins the
 * overlays already hold; files synth owned before and no longer renders are removed.
 */
export function synth(platform: Platform, options: SynthOptions = {}): FileSet {
  const rootDir = options.rootDir ?? process.cwd();
  const files = render(platform, options, (file, image) => readImagePin(path.join(rootDir, file), image));
  const layout = layoutOf(platform, options);
  const owned = [layout.outdir, layout.overlaysDir, ...(platform.gitops ? [layout.argocdDir] : [])];
  files.commit(rootDir, owned);
  return files;
}
