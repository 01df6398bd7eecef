import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { checkParity } from '../lib/review/parity';
import { readImagePin } from '../lib/kube/image-pin';
import { findBlock, readBlocklist, writeBlocklist } from '../lib/release/blocklist';
import { pinHistory } from '../lib/release/history';
import { applyChanges, planPromotion, planSetImage, PromotionContext } from '../lib/release/promotion';
import { applyRollback, planRollback, planUnblock } from '../lib/release/rollback';
import { tagLag } from '../lib/review/parity';
import { bazaar } from './fixtures/platforms/bazaar';
import { readTree, synthBazaar, tempDir, writeFixtureEntry } from './support';

const repo = path.resolve(__dirname, '..');
const FILE = 'overlays/dev/catalogue/kustomization.yaml';

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

/** A git repo where dev catalogue went 1.4.2 -> 1.5.0 -> 1.6.0, one commit each. */
function repoWithHistory(): PromotionContext {
  const rootDir = tempDir();
  synthBazaar(rootDir);
  fs.symlinkSync(path.join(repo, '.tools'), path.join(rootDir, '.tools'));
  fs.writeFileSync(path.join(rootDir, '.gitignore'), '.tools\n');
  writeFixtureEntry(rootDir, 'bazaar');
  git(rootDir, 'init', '-q', '-b', 'main');
  git(rootDir, 'config', 'user.email', 'ci@example.com');
  git(rootDir, 'config', 'user.name', 'CI');
  git(rootDir, 'add', '-A');
  git(rootDir, 'commit', '-qm', 'base');
  const ctx: PromotionContext = { platform: bazaar(new App()), rootDir };
  for (const tag of ['1.5.0', '1.6.0']) {
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', tag));
    synthBazaar(rootDir); // what set-image writes besides the overlay (ENVIRONMENTS.md, local/)
    git(rootDir, 'commit', '-qam', `dev catalogue ${tag}`);
  }
  return ctx;
}

const pin = (ctx: PromotionContext, env = 'dev', service = 'catalogue') =>
  readImagePin(path.join(ctx.rootDir, 'overlays', env, service, 'kustomization.yaml'), `bazaar/${service}`);

describe('rollback', () => {
  test('history lists the tags an environment had, newest first, with commit and date', () => {
    const ctx = repoWithHistory();
    const history = pinHistory(ctx.rootDir, FILE, 'bazaar/catalogue');
    expect(history.map((h) => [h.pin.newTag, h.subject])).toEqual([
      ['1.6.0', 'dev catalogue 1.6.0'],
      ['1.5.0', 'dev catalogue 1.5.0'],
      ['1.4.2', 'base'],
    ]);
    expect(history[0].commit).toMatch(/^[0-9a-f]{7,}$/);
    expect(history[0].date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('pins the previous tag from git history and blocks the bad one, with reason and date', () => {
    const ctx = repoWithHistory();
    const plan = planRollback(ctx, {
      env: 'dev',
      services: ['catalogue'],
      reason: 'HTTP 500 on /api/products',
      date: '2026-11-24',
    });
    applyRollback(ctx, plan);
    expect(pin(ctx)).toEqual({ newTag: '1.5.0' });
    expect(readBlocklist(ctx.rootDir)).toEqual([
      { service: 'catalogue', tag: '1.6.0', reason: 'HTTP 500 on /api/products', date: '2026-11-24' },
    ]);
    // Only the tag changed in the overlay.
    expect(git(ctx.rootDir, 'diff', '--numstat', '--', 'overlays')).toBe(
      '1\t1\toverlays/dev/catalogue/kustomization.yaml',
    );
  });

  test('set-image and promote refuse a blocked tag until it is unblocked', () => {
    const ctx = repoWithHistory();
    applyRollback(
      ctx,
      planRollback(ctx, { env: 'dev', services: ['catalogue'], reason: 'bad build', date: '2026-11-24' }),
    );
    const blocklist = readBlocklist(ctx.rootDir);
    const guarded = {
      ...ctx,
      refuse: (s: { name: string }, p: { newTag?: string }) =>
        findBlock(blocklist, s.name, p) ? 'blocked' : undefined,
    };
    expect(() => planSetImage(guarded, 'dev', 'catalogue', '1.6.0')).toThrow('catalogue: 1.6.0 is refused: blocked');
    writeBlocklist(ctx.rootDir, planUnblock(ctx.rootDir, 'catalogue', '1.6.0'));
    expect(readBlocklist(ctx.rootDir)).toEqual([]);
    expect(() => planUnblock(ctx.rootDir, 'catalogue', '1.6.0')).toThrow('catalogue 1.6.0 is not blocked');
  });

  test('--to pins an explicit tag; a second rollback skips blocked tags', () => {
    const ctx = repoWithHistory();
    applyRollback(
      ctx,
      planRollback(ctx, { env: 'dev', services: ['catalogue'], to: '1.4.2', reason: 'regression', date: '2026-11-24' }),
    );
    expect(pin(ctx)).toEqual({ newTag: '1.4.2' });
  });

  test('fails when there is no reason, no earlier tag, or an unknown service; writes nothing', () => {
    const ctx = repoWithHistory();
    const before = readTree(ctx.rootDir);
    expect(() => planRollback(ctx, { env: 'dev', services: ['catalogue'], reason: ' ', date: '2026-11-24' })).toThrow(
      'a rollback needs a reason: pass --reason "<why>"',
    );
    expect(() => planRollback(ctx, { env: 'dev', services: ['voting'], reason: 'x', date: '2026-11-24' })).toThrow(
      'overlays/dev/voting/kustomization.yaml: no earlier tag of bazaar/voting in git history to roll back to; pass --to <tag>',
    );
    expect(() => planRollback(ctx, { env: 'dev', services: ['cart'], reason: 'x', date: '2026-11-24' })).toThrow(
      'unknown service "cart"',
    );
    expect(() => planRollback(ctx, { env: 'dev', reason: 'x', date: '24.11.2026' })).toThrow(
      '--date must be YYYY-MM-DD, got "24.11.2026"',
    );
    expect(readTree(ctx.rootDir)).toEqual(before);
  });

  test('npm run rollback --commit and npm run history work from the command line', () => {
    const ctx = repoWithHistory();
    const run = (script: string, ...args: string[]) =>
      spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(repo, 'scripts', script), ...args], {
        cwd: ctx.rootDir,
        encoding: 'utf8',
      });
    const rollback = run(
      'rollback.ts',
      'dev',
      'catalogue',
      '--reason',
      'memory leak',
      '--date',
      '2026-11-24',
      '--commit',
    );
    expect(rollback.stderr).toBe('');
    expect(rollback.stdout).toContain('catalogue  dev  1.6.0 -> 1.5.0\n');
    expect(rollback.stdout).toContain('blocked catalogue 1.6.0: memory leak\n');
    expect(git(ctx.rootDir, 'log', '-1', '--format=%B')).toBe(
      'rollback dev: catalogue\n\nReason: memory leak\n\n- catalogue: 1.6.0 -> 1.5.0',
    );
    expect(git(ctx.rootDir, 'status', '--porcelain')).toBe('');
    const history = run('history.ts', 'dev', 'catalogue');
    expect(history.stdout.split('\n').map((l) => l.split(/\s{2,}/)[0])).toEqual([
      'TAG',
      '1.5.0',
      '1.6.0',
      '1.5.0',
      '1.4.2',
      '',
    ]);
    const refused = run('set-image.ts', 'dev', 'catalogue', '1.6.0');
    expect([refused.status, refused.stderr]).toEqual([
      1,
      'set-image: catalogue: 1.6.0 is refused: blocked on 2026-11-24 (memory leak); run npm run unblock -- catalogue 1.6.0 to allow it again\n',
    ]);
  });
});

describe('parity contract', () => {
  test('a tree whose environments differ only by promoted tags has no unexplained difference', async () => {
    const ctx = { platform: bazaar(new App()), rootDir: tempDir() };
    synthBazaar(ctx.rootDir);
    fs.symlinkSync(path.join(repo, '.tools'), path.join(ctx.rootDir, '.tools'));
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging' }));
    expect(await checkParity(ctx)).toEqual([]);
  });

  test('a hand-made patch in one overlay is reported with the exact field path and file', async () => {
    const rootDir = tempDir();
    synthBazaar(rootDir);
    fs.symlinkSync(path.join(repo, '.tools'), path.join(rootDir, '.tools'));
    const k = path.join(rootDir, 'overlays/staging/voting/kustomization.yaml');
    fs.writeFileSync(k, fs.readFileSync(k, 'utf8').replace('patches:\n', 'patches:\n  - path: hotfix.yaml\n'));
    fs.writeFileSync(
      path.join(rootDir, 'overlays/staging/voting/hotfix.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: voting\nspec:\n  template:\n    spec:\n      containers:\n        - name: voting\n          env:\n            - name: JAVA_OPTS\n              value: -Xmx1g\n',
    );
    const findings = await checkParity({ rootDir, platform: bazaar(new App()) });
    expect(findings).toEqual([
      {
        overlay: 'overlays/staging/voting',
        object: 'Deployment/voting',
        message:
          'spec.template.spec.containers[name=voting].env[name=JAVA_OPTS]: model (absent), overlay {"name":"JAVA_OPTS","value":"-Xmx1g"} ' +
          'is not explained by the environment table (files differing from the model: overlays/staging/voting/hotfix.yaml, overlays/staging/voting/kustomization.yaml)',
      },
    ]);
  });

  test('--tags reports how far each environment lags the one it is promoted from', () => {
    const ctx = { platform: bazaar(new App()), rootDir: tempDir() };
    synthBazaar(ctx.rootDir);
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    applyChanges(ctx, planSetImage(ctx, 'dev', 'voting', '2.2.0'));
    applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging', only: ['voting'] }));
    expect(tagLag(ctx.rootDir, ctx.platform)).toEqual([
      'dev is ahead of staging by 1 service(s): catalogue 1.4.2 -> 1.5.0',
      'staging is ahead of prod by 1 service(s): voting 2.1.0 -> 2.2.0',
    ]);
  });
});
