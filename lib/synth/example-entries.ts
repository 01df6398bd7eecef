import * as fs from 'fs';
import * as path from 'path';
import { AppEntry, resolveAppEntry } from './app-entry';

/** Every example under `examplesDir` by name: each directory with a `platform.ts` app entry, sorted. */
export function exampleEntries(examplesDir: string): Record<string, AppEntry> {
  return Object.fromEntries(
    fs
      .readdirSync(examplesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(examplesDir, e.name, 'platform.ts')))
      .map((e) => e.name)
      .sort()
      .map((name) => [name, resolveAppEntry({ app: path.join(examplesDir, name, 'platform.ts') })]),
  );
}
