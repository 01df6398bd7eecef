import { runMain } from '../core/run-main';
import { AppEntry } from './app-entry';
import { withRepositoryLock } from '../core/repo-lock';
import { AppModule, buildApp, commandLine } from './load-app';
import { synth } from './synth';

/** What the synth command changes over the entry's own options. */
export interface SynthCommandOptions {
  /**
   * Directory the files are written under (`--root`).
   * @default - the entry's directory
   */
  readonly rootDir?: string;
  /**
   * Start overlays at the initial tag even where that loses a pin (`--accept-initial-tags`).
   * @default false
   */
  readonly acceptInitialTags?: boolean;
}

/**
 * What `npm run synth` runs once scripts/synth.mjs has bundled the entry: builds the platform
 * from the entry's module (loaded inside, so an error the entry throws is one line too) and writes it, errors as one line and exit code 1.
 */
export function runSynthCommand(entry: AppEntry, load: () => AppModule, overrides: SynthCommandOptions = {}): void {
  runMain('synth', () => {
    const app = buildApp(entry, load());
    const rootDir = overrides.rootDir ?? app.options.rootDir;
    withRepositoryLock(rootDir, commandLine(), () =>
      synth(app.platform, {
        ...app.options,
        rootDir,
        acceptInitialTags: overrides.acceptInitialTags ?? false,
        log: (line) => console.log(line),
      }),
    );
  });
}
