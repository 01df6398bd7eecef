import * as fs from 'fs';
import * as path from 'path';
import { FileSet } from '../lib/core/file-set';
import { readTree, tempDir } from './support';

function set(files: Record<string, string>): FileSet {
  const s = new FileSet();
  for (const [file, content] of Object.entries(files)) s.add(file, content);
  return s;
}

/** Every path below `root`, hidden ones included. */
function allPaths(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

describe('FileSet.commit', () => {
  test('writes a fresh tree whole, with no temp file or staging directory left', () => {
    const root = path.join(tempDir(), 'repo');
    set({ 'dist/a/x.yaml': 'x\n', 'dist/b/y.yaml': 'y\n', 'overlays/dev/a/k.yaml': 'k\n' }).commit(root, [
      'dist',
      'overlays',
    ]);
    expect(readTree(root)).toEqual({ 'dist/a/x.yaml': 'x\n', 'dist/b/y.yaml': 'y\n', 'overlays/dev/a/k.yaml': 'k\n' });
    expect(allPaths(root).filter((p) => p.includes('.tmp-'))).toEqual([]);
  });

  test('leaves unchanged files untouched, replaces changed ones, adds new directories, removes stale files and emptied directories', () => {
    const root = tempDir();
    set({
      'dist/a/x.yaml': 'x\n',
      'dist/a/old.yaml': 'old\n',
      'dist/gone/z.yaml': 'z\n',
      'dist/b/y.yaml': 'y\n',
    }).commit(root, ['dist']);
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(path.join(root, 'dist/a/x.yaml'), past, past);
    set({ 'dist/a/x.yaml': 'x\n', 'dist/b/y.yaml': 'y2\n', 'dist/c/d/w.yaml': 'w\n' }).commit(root, ['dist']);
    expect(readTree(root)).toEqual({ 'dist/a/x.yaml': 'x\n', 'dist/b/y.yaml': 'y2\n', 'dist/c/d/w.yaml': 'w\n' });
    expect(fs.statSync(path.join(root, 'dist/a/x.yaml')).mtime).toEqual(past);
    expect(fs.existsSync(path.join(root, 'dist/gone'))).toBe(false);
    expect(allPaths(root).filter((p) => p.includes('.tmp-'))).toEqual([]);
  });

  test('fails with nothing changed when a file cannot be written', () => {
    // GIVEN a committed tree, and a new set whose file would need a directory where a file is
    const root = tempDir();
    set({ 'dist/a/x.yaml': 'x\n', 'dist/blocker': 'file\n' }).commit(root, ['dist']);
    const before = readTree(root);
    const next = set({ 'dist/a/x.yaml': 'x2\n', 'dist/aa-new/n.yaml': 'n\n', 'dist/blocker/inside.yaml': 'i\n' });
    // WHEN it is committed THEN it throws, and the tree is as it was, with no temp or staging left
    expect(() => next.commit(root, ['dist'])).toThrow(/ENOTDIR|EEXIST/);
    expect(readTree(root)).toEqual(before);
    expect(allPaths(root).filter((p) => p.includes('.tmp-'))).toEqual([]);
  });
});
