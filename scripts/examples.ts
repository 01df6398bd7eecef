import * as path from 'path';
import { App } from 'cdk8s';
import { Platform, renderSkaffold, runMain, SynthOptions } from '../lib';
import { celeryPlatform } from '../examples/celery-platform/platform';
import { haSoranu } from '../examples/ha-soranu/platform';
import { she2pookie, SKAFFOLD_IMAGES, SKAFFOLD_PROFILES } from '../examples/she2pookie/platform';
import { visionPlatform } from '../examples/vision-platform/platform';

/** Every example platform, by its directory under `examples/`. */
export const EXAMPLES: Record<string, (app: App) => Platform> = {
  'celery-platform': celeryPlatform,
  'vision-platform': visionPlatform,
  she2pookie,
  'ha-soranu': haSoranu,
};

/** Extra synth options per example (files beside the manifests). */
export const EXAMPLE_OPTIONS: Record<string, SynthOptions> = {
  she2pookie: {
    extraFiles: { 'skaffold.yaml': renderSkaffold('she2pookie', SKAFFOLD_PROFILES, SKAFFOLD_IMAGES, 'overlays') },
  },
};

if (require.main === module) {
  runMain('examples', () => {
    for (const [name, build] of Object.entries(EXAMPLES)) {
      build(new App()).synth({
        rootDir: path.resolve(__dirname, '..', 'examples', name),
        outdir: 'dist',
        makefileRepoTargets: false,
        ...EXAMPLE_OPTIONS[name],
      });
    }
  });
}
