import { LoadedApp } from '../synth/load-app';
import { refuseBlocked } from './blocklist';
import { PromotionContext } from './promotion';

/**
 * Where the release commands work for an app entry: its platform, the root and overlays
 * directory its synth writes, and its blocklist, which refuses rolled-back tags.
 */
export function releaseContext(app: LoadedApp): PromotionContext {
  const { rootDir, overlaysDir } = app.options;
  return { platform: app.platform, rootDir, overlaysDir, refuse: refuseBlocked(rootDir) };
}
