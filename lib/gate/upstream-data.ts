import * as fs from 'fs';
import * as path from 'path';
import { deriveCrdSchemas, serializeCrdData } from './crd-derivation';

/** Where the derived CRD data is committed, relative to the repository root. */
export const CRD_DATA_FILE = 'imports/upstream/crd-schemas.json';

/**
 * The standards directory beside the repository (`../shared`), which CI may not have;
 * `STAGECRAFT_SHARED` names another (a git worktree's `..` is not the main checkout's).
 */
export function sharedDirOf(repoRoot: string): string {
  return path.resolve(process.env.STAGECRAFT_SHARED ?? path.resolve(repoRoot, '..', 'shared'));
}

/** The derived CRD data of `<shared>/crds/`, serialized as the committed file holds it. */
export function deriveCrdFile(sharedDir: string): string {
  const dir = path.join(sharedDir, 'crds');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
  if (files.length === 0) throw new Error(`${dir}: no CRD files (*.yaml)`);
  return serializeCrdData(deriveCrdSchemas(files, fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8')));
}
