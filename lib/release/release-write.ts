import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { FileSet } from '../core/file-set';
import { ImagePin } from '../kube/image-pin';
import { LoadedApp } from '../synth/load-app';
import { renderKeepingPins } from '../synth/synth';
import { PinChange } from './promotion';

/**
 * Writes pin changes and everything that follows from them (the overlays, ENVIRONMENTS.md, the
 * local tier) as one transaction, with `extraFiles` (the blocklist) in it; returns the paths that
 * changed. Before anything is written it checks that the tree equals a fresh synth: a file that
 * differs (a hand patch, a model change not synthesized yet) would be reverted, so it refuses,
 * naming the files and fields, and the committed diff of a promotion is its pin lines only.
 */
export function writeRelease(
  app: LoadedApp,
  changes: readonly PinChange[],
  extraFiles: Readonly<Record<string, string>> = {},
): string[] {
  const { platform, options } = app;
  const rootDir = options.rootDir ?? process.cwd();
  const fresh = renderKeepingPins(platform, options);
  const drifted = driftOf(rootDir, fresh.files, fresh.owned);
  if (drifted.length > 0) {
    const shown = drifted.slice(0, 3).join('; ') + (drifted.length > 3 ? `; and ${drifted.length - 3} more` : '');
    throw new Error(
      `refusing to write: ${drifted.length} generated file(s) differ from a fresh synth and would be reverted: ${shown}; put the change in the model and run npm run synth (or restore the files with git checkout), then retry`,
    );
  }
  const after = new Map<string, ImagePin | null>(changes.map((c) => [c.file, c.clearsOwnPin ? null : c.after]));
  const next = renderKeepingPins(platform, options, (file) => after.get(file));
  const files = new FileSet();
  for (const [file, content] of next.files.entries()) files.add(file, content);
  for (const [file, content] of Object.entries(extraFiles)) files.add(file, content);
  return files.commit(rootDir, next.owned);
}

/** `file (field, field)` for every file the fresh render would change or remove below the root. */
function driftOf(rootDir: string, fresh: FileSet, owned: readonly string[]): string[] {
  const rendered = new Map(fresh.entries());
  const drifted: string[] = [];
  for (const [file, content] of rendered) {
    let disk: string;
    try {
      disk = fs.readFileSync(path.join(rootDir, file), 'utf8');
    } catch {
      drifted.push(`${file} (missing)`);
      continue;
    }
    if (disk !== content)
      drifted.push(`${file} (${differingFields(disk, content).slice(0, 3).join(', ') || 'formatting'})`);
  }
  const walk = (dir: string) => {
    const absolute = path.join(rootDir, dir);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (!rendered.has(relative)) drifted.push(`${relative} (not generated)`);
    }
  };
  for (const dir of owned) walk(dir);
  return drifted.sort();
}

/** Dotted paths of the values that differ between two YAML texts (documents compared in order). */
function differingFields(a: string, b: string): string[] {
  let left: unknown[];
  let right: unknown[];
  try {
    left = parseAllDocuments(a).map((d) => d.toJS());
    right = parseAllDocuments(b).map((d) => d.toJS());
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, at: string) => {
    if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
      for (const key of keys) {
        walk(
          (x as Record<string, unknown>)[key],
          (y as Record<string, unknown>)[key],
          at === '' ? key : `${at}.${key}`,
        );
      }
    } else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(at === '' ? '(document)' : at);
  };
  for (let i = 0; i < Math.max(left.length, right.length); i++)
    walk(left[i], right[i], left.length > 1 ? `[${i}]` : '');
  return out;
}
