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

/**
 * Every platform of the repository in `cwd`, each by its entry's path relative to `cwd`: the
 * default app (what a command uses without `--app`), then every example of `<cwd>/examples/`.
 */
export function repositoryEntries(cwd: string = process.cwd()): Record<string, AppEntry> {
  const main = resolveAppEntry({ cwd });
  const examplesDir = path.join(cwd, 'examples');
  const examples = fs.existsSync(examplesDir) ? Object.values(exampleEntries(examplesDir)) : [];
  return Object.fromEntries([main, ...examples].map((entry) => [path.relative(cwd, entry.file), entry]));
}
