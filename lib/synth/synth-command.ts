import * as path from 'path';
import { runMain } from '../core/run-main';
import { AppEntry } from './app-entry';
import { withRepositoryLock } from '../core/repo-lock';
import { AppModule, buildApp, commandLine } from './load-app';
import { synthWithSummary } from './synth';
import { describeWrites } from '../core/write-summary';

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
  /**
   * Leave out the summary of what was written per directory (`--quiet`); notes about pins still print.
   * @default false
   */
  readonly quiet?: boolean;
}

/**
 * What `npm run synth` runs once scripts/synth.mjs has bundled the entry: builds the platform
 * from the entry's module (loaded inside, so an error the entry throws is one line too) and writes it, errors as one line and exit code 1.
 */
export function runSynthCommand(entry: AppEntry, load: () => AppModule, overrides: SynthCommandOptions = {}): void {
  runMain('synth', () => {
    const app = buildApp(entry, load());
    const rootDir = overrides.rootDir ?? app.options.rootDir;
    const quiet = overrides.quiet ?? false;
    const { written } = withRepositoryLock(rootDir, commandLine(), () =>
      synthWithSummary(app.platform, {
        ...app.options,
        rootDir,
        acceptInitialTags: overrides.acceptInitialTags ?? false,
        log: (line) => console.log(line),
      }),
    );
    if (!quiet) {
      const name = path.relative(process.cwd(), entry.file) || entry.file;
      for (const line of describeWrites(`synth ${name}`, written, performance.now() / 1000)) console.log(line);
    }
  });
}
