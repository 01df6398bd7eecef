import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { craftista } from '../main';
import { synth } from '../lib';
import { FileSet } from '../lib/core/file-set';

/** A fresh temp directory for one test. */
export function tempDir(prefix = 'stagecraft-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Synthesizes Craftista into `root` (dist/ and overlays/) and returns the file set. */
export function synthCraftista(root: string): FileSet {
  return synth(craftista(new App()), { rootDir: root, outdir: 'dist' });
}

/** Every file below `root` by relative path. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}
