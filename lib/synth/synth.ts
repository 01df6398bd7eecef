import * as path from 'path';
import { Platform } from '../constructs/platform';
import { FileSet } from '../core/file-set';
import { readImagePin } from '../kube/image-pin';
import { ScannedPins } from '../kube/pin-scan';
import { layoutOf, render } from './render';
import { SynthOptions } from './synth-options';

/**
 * Renders `platform` and writes every file under `options.rootDir`, keeping the image pins the
 * overlays already hold; files synth owned before and no longer renders are removed.
 */
export function synth(platform: Platform, options: SynthOptions = {}): FileSet {
  const rootDir = options.rootDir ?? process.cwd();
  const absolute = (file: string) => path.join(rootDir, file);
  // Pins are scanned without a YAML parse where that is safe; if a file synth changes reads
  // differently in full, everything is rendered again from full parses (lib/kube/pin-scan.ts).
  const pins = new ScannedPins(absolute);
  let files = render(platform, options, pins.read);
  if (!pins.confirm(new Map(files.entries()))) {
    files = render(platform, options, (file, image) => readImagePin(absolute(file), image));
  }
  const layout = layoutOf(platform, options);
  const owned = [layout.outdir, layout.overlaysDir, ...(platform.gitops ? [layout.argocdDir] : [])];
  files.commit(rootDir, owned);
  return files;
}
