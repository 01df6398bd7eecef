import * as fs from 'fs';
import * as path from 'path';
import { runMain, synth } from '../lib';
import { AppEntry, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const EXAMPLES_DIR = path.resolve(__dirname, '..', 'examples');

/** Every example under `examples/`: a directory with a `platform.ts` app entry. */
export function exampleEntries(): Record<string, AppEntry> {
  return Object.fromEntries(
    fs
      .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(EXAMPLES_DIR, e.name, 'platform.ts')))
      .map((e) => e.name)
      .sort()
      .map((name) => [name, resolveAppEntry({ app: path.join(EXAMPLES_DIR, name, 'platform.ts') })]),
  );
}

if (require.main === module) {
  runMain('examples', () => {
    for (const entry of Object.values(exampleEntries())) {
      const app = loadApp(entry);
      synth(app.platform, app.options);
    }
  });
}
