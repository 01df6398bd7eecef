import * as path from 'path';
import { App } from 'cdk8s';
import { Platform, runMain } from '../lib';
import { celeryPlatform } from '../examples/celery-platform/platform';
import { visionPlatform } from '../examples/vision-platform/platform';

/** Every example platform, by its directory under `examples/`. */
export const EXAMPLES: Record<string, (app: App) => Platform> = {
  'celery-platform': celeryPlatform,
  'vision-platform': visionPlatform,
};

if (require.main === module) {
  runMain('examples', () => {
    for (const [name, build] of Object.entries(EXAMPLES)) {
      build(new App()).synth({ rootDir: path.resolve(__dirname, '..', 'examples', name), outdir: 'dist' });
    }
  });
}
