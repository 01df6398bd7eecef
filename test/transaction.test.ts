import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { JOURNAL_FILE, Transaction } from '../lib/core/transaction';
import { readImagePin } from '../lib/kube/image-pin';
import { gitInit, readTree, synthShop, tempDir, writeFixtureEntry } from './support';

const repo = path.resolve(__dirname, '..');

/** Runs `fn` with STAGECRAFT_FAULT set (the transaction's fault hook), restoring it after. */
function withFault<T>(spec: string, fn: () => T): T {
  const old = process.env.STAGECRAFT_FAULT;
  process.env.STAGECRAFT_FAULT = spec;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env.STAGECRAFT_FAULT;
    else process.env.STAGECRAFT_FAULT = old;
  }
}

function seeded(root: string): void {
  fs.mkdirSync(path.join(root, 'a'), { recursive: true });
  for (const name of ['1', '2', '3']) fs.writeFileSync(path.join(root, 'a', name), `old ${name}`);
  fs.writeFileSync(path.join(root, 'gone'), 'old gone');
}

function bigTransaction(root: string): Transaction {
  const t = new Transaction(root);
  for (const name of ['1', '2', '3']) t.write(`a/${name}`, `new ${name}`);
  t.write('b/c/new', 'new dir');
  t.write('a/added', 'new file');
  t.remove('gone');
  return t;
}

describe('Transaction', () => {
  test('commits writes, new directories and removals, returns what changed, and leaves nothing behind', () => {
    const root = tempDir();
    seeded(root);
    expect(bigTransaction(root).commit()).toEqual(['a/1', 'a/2', 'a/3', 'a/added', 'b/c/new', 'gone']);
    expect(readTree(root)).toEqual({
      'a/1': 'new 1',
      'a/2': 'new 2',
      'a/3': 'new 3',
      'a/added': 'new file',
      'b/c/new': 'new dir',
    });
  });

  test('a failure at any step leaves the old tree exactly, temp files included', () => {
    for (let step = 1; step <= 14; step++) {
      const root = tempDir();
      seeded(root);
      const before = readTree(root);
      let failed = false;
      try {
        withFault(`throw:${step}`, () => bigTransaction(root).commit());
      } catch (error) {
        expect((error as Error).message).toBe(`injected fault at transaction step ${step}`);
        failed = true;
      }
      if (!failed) break; // past the last step: the transaction committed
      expect(readTree(root)).toEqual(before);
      expect(fs.readdirSync(root).sort()).toEqual(['a', 'gone']);
      fs.rmSync(root, { recursive: true });
    }
  });

  test('fails when a path goes through a symbolic link, writing nothing (not even outside the root)', () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'outside');
    fs.mkdirSync(path.join(root, 'overlays', 'dev'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'overlays', 'dev', 'cart'));
    const t = new Transaction(root);
    t.write('overlays/dev/other.yaml', 'x');
    t.write('overlays/dev/cart/kustomization.yaml', 'new');
    expect(() => t.commit()).toThrow(
      'overlays/dev/cart: is a symbolic link; refusing to write overlays/dev/cart/kustomization.yaml through it (replace the link with a real directory)',
    );
    expect(fs.readFileSync(path.join(outside, 'kustomization.yaml'), 'utf8')).toBe('outside');
    expect(fs.existsSync(path.join(root, 'overlays/dev/other.yaml'))).toBe(false);
  });

  test('temp files are unpredictable and created exclusively: a planted link at the old name is not followed', () => {
    const root = tempDir();
    const victim = path.join(tempDir(), 'victim');
    fs.writeFileSync(victim, 'precious');
    fs.writeFileSync(path.join(root, 'f'), 'old');
    // The old implementation wrote `<file>.tmp-<pid>`: plant links at every name it could pick.
    fs.symlinkSync(victim, path.join(root, `f.tmp-${process.pid}`));
    const t = new Transaction(root);
    t.write('f', 'new');
    t.commit();
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.readFileSync(path.join(root, 'f'), 'utf8')).toBe('new');
  });
});

describe('kill injection', () => {
  /** A shop repository with an entry, committed; dev pins cart 1.0.0 and checkout 2.0.0. */
  function shopRepo(): string {
    const root = tempDir();
    synthShop(root);
    writeFixtureEntry(root, 'shop', 'platform.ts');
    fs.symlinkSync(path.join(repo, '.tools'), path.join(root, '.tools'));
    fs.writeFileSync(path.join(root, '.gitignore'), '.tools\n');
    gitInit(root);
    return root;
  }

  function run(root: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    return spawnSync(
      process.execPath,
      ['--import', require.resolve('tsx'), path.join(repo, 'scripts', script), ...args, '--app', 'platform.ts'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } },
    );
  }

  const pins = (root: string) =>
    ['cart', 'checkout'].map((s) =>
      readImagePin(path.join(root, 'overlays', 'prod', s, 'kustomization.yaml'), `shop/${s}`),
    );

  test('SIGKILL at random steps of a promotion: the next command finds every target old or every target new', () => {
    // Promoting two services is 9 steps (3 temp files, the apply journal, 3 renames, the done
    // journal, after it). Fixed points over all phases: mid-prepare, before apply, mid-apply, done.
    const outcomes: string[] = [];
    const killAt = [2, 4, 6, 9];
    for (const step of killAt) {
      const root = shopRepo();
      expect(run(root, 'set-image.ts', ['dev', 'cart', '1.1.0']).status).toBe(0);
      expect(run(root, 'set-image.ts', ['dev', 'checkout', '2.1.0']).status).toBe(0);
      const oldPins = pins(root);
      const killed = run(root, 'promote.ts', ['dev', 'prod', '--approve'], { STAGECRAFT_FAULT: `kill:${step}` });
      expect(killed.signal).toBe('SIGKILL');
      // The next command settles the interrupted transaction before it reads anything.
      const tags = run(root, 'tags.ts', []);
      expect(tags.status).toBe(0);
      expect(fs.existsSync(path.join(root, JOURNAL_FILE))).toBe(false);
      const after = pins(root);
      const newPins = [{ newTag: '1.1.0' }, { newTag: '2.1.0' }];
      expect([oldPins, newPins]).toContainEqual(after);
      outcomes.push(JSON.stringify(after) === JSON.stringify(oldPins) ? 'old' : 'new');
      const leftovers = Object.keys(readTree(root)).filter((f) => f.includes('stagecraft'));
      expect(leftovers).toEqual([]);
      // The tree is consistent with its pins: the promotion runs again (its drift check passes)
      // and ends with every target new.
      const again = run(root, 'promote.ts', ['dev', 'prod', '--approve']);
      expect([again.status, again.stderr]).toEqual([0, '']);
      expect(pins(root)).toEqual(newPins);
    }
    // Killed before the done journal the promotion is undone; after it, finished.
    expect(outcomes).toEqual(['old', 'old', 'old', 'new']);
  }, 120_000);
});
