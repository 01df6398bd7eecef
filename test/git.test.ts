import * as fs from 'fs';
import * as path from 'path';
import { changedPaths, commitPaths, requireCleanWorkTree } from '../lib/core/git';
import { git, gitInit, tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

/** A repository with `a.txt` at the top and `sub/b.txt`, committed. */
function repo(): { root: string; sub: string } {
  const root = tempDir();
  const sub = path.join(root, 'sub');
  fs.mkdirSync(sub);
  fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(sub, 'b.txt'), 'b\n');
  gitInit(root);
  return { root, sub };
}

describe('git helpers', () => {
  test('changed paths are relative to the directory asked, and only below it', () => {
    const { root, sub } = repo();
    fs.writeFileSync(path.join(root, 'a.txt'), 'changed\n');
    fs.writeFileSync(path.join(sub, 'b.txt'), 'changed\n');
    fs.mkdirSync(path.join(sub, 'new'));
    fs.writeFileSync(path.join(sub, 'new', 'c.txt'), 'c\n');
    expect(changedPaths(root)).toEqual(['a.txt', 'sub/b.txt', 'sub/new/c.txt']);
    expect(changedPaths(sub)).toEqual(['b.txt', 'new/c.txt']);
  });

  test('commits the changes of a subdirectory and nothing else', () => {
    const { root, sub } = repo();
    fs.writeFileSync(path.join(root, 'a.txt'), 'changed\n');
    fs.writeFileSync(path.join(sub, 'b.txt'), 'changed\n');
    commitPaths(sub, changedPaths(sub), 'sub only');
    expect(git(root, 'show', '--name-only', '--format=%s', 'HEAD')).toBe('sub only\n\nsub/b.txt');
    expect(changedPaths(root)).toEqual(['a.txt']);
    expect(() => requireCleanWorkTree(sub, 'commit')).not.toThrow();
  });

  test('fails when the work tree below the directory has an uncommitted change', () => {
    const { sub } = repo();
    fs.writeFileSync(path.join(sub, 'b.txt'), 'changed\n');
    expect(() => requireCleanWorkTree(sub, 'commit the promotion')).toThrow(
      new Error(
        'refusing to commit the promotion: the work tree has 1 uncommitted change(s) (first: b.txt); commit or stash them first',
      ),
    );
  });
});
