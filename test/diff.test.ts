import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Microservice, synth } from '../lib';
import { diffAgainst, renderRef, renderTree } from '../lib/review/diff';
import { diffTrees, formatMarkdown, formatText } from '../lib/review/diff';
import { unifiedDiff } from '../lib/review/line-diff';
import { bazaar } from './fixtures/platforms/bazaar';
import { gitInit, synthShop, tempDir, tempDirsRemovedAfterEach, writeFixtureEntry } from './support';

const repo = path.resolve(__dirname, '..');
const removedTempDir = tempDirsRemovedAfterEach();

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

/** Synthesizes the bazaar fixture (plus `extra` services) into `dir`. */
function synthInto(dir: string, extra: string[] = []): void {
  const platform = bazaar(new App());
  for (const name of extra)
    new Microservice(platform, name, { image: `bazaar/${name}`, port: 8080, initialTag: '0.1.0' });
  synth(platform, { rootDir: dir, outdir: 'dist' });
}

/** A git repo with the synthesized platform committed on main. */
function baseRepo(extra: string[] = []): string {
  const dir = tempDir();
  synthInto(dir, extra);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'ci@example.com');
  git(dir, 'config', 'user.name', 'CI');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

async function diffAgainstMain(dir: string): Promise<string> {
  const [before, after] = await Promise.all([renderRef(dir, 'main'), renderTree(dir)]);
  const envs = [...new Set([...before.keys(), ...after.keys()])].sort();
  return formatText(diffTrees(before, after), envs);
}

const summary = (text: string) => text.split('\n\n')[0];

describe('npm run diff', () => {
  test('a replica change shows as one changed Deployment in that environment', async () => {
    const dir = baseRepo();
    const patch = path.join(dir, 'overlays/staging/voting/deployment-patch.yaml');
    fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const text = await diffAgainstMain(dir);
    expect(summary(text)).toBe(
      [
        'ENV            ADDED  REMOVED  CHANGED',
        'argocd         0      0        0',
        'dev            0      0        0',
        'kind           0      0        0',
        'kind-headless  0      0        0',
        'prod           0      0        0',
        'staging        0      0        1',
      ].join('\n'),
    );
    expect(text).toContain('== staging: changed apps/Deployment bazaar-staging/voting\n');
    expect(text).toContain('-  replicas: 2\n+  replicas: 3\n');
  });

  test('a tag change shows the new image', async () => {
    const dir = baseRepo();
    const kustomization = path.join(dir, 'overlays/dev/catalogue/kustomization.yaml');
    fs.writeFileSync(kustomization, fs.readFileSync(kustomization, 'utf8').replace('newTag: 1.4.2', 'newTag: 1.5.0'));
    const text = await diffAgainstMain(dir);
    expect(summary(text)).toBe(
      [
        'ENV            ADDED  REMOVED  CHANGED',
        'argocd         0      0        0',
        'dev            0      0        1',
        'kind           0      0        0',
        'kind-headless  0      0        0',
        'prod           0      0        0',
        'staging        0      0        0',
      ].join('\n'),
    );
    expect(text).toContain('-          image: bazaar/catalogue:1.4.2\n+          image: bazaar/catalogue:1.5.0\n');
  });

  test('adding a service adds its objects everywhere and resizes the quotas', async () => {
    const dir = baseRepo();
    synthInto(dir, ['payments']);
    expect(summary(await diffAgainstMain(dir))).toBe(
      [
        'ENV            ADDED  REMOVED  CHANGED',
        'argocd         3      0        0',
        'dev            4      0        1',
        'kind           4      0        1',
        'kind-headless  0      0        0',
        'prod           7      0        1',
        'staging        6      0        1',
      ].join('\n'),
    );
  });

  test('removing a service removes its objects everywhere', async () => {
    const dir = baseRepo(['payments']);
    synthInto(dir);
    expect(summary(await diffAgainstMain(dir))).toBe(
      [
        'ENV            ADDED  REMOVED  CHANGED',
        'argocd         0      3        0',
        'dev            0      4        1',
        'kind           0      4        1',
        'kind-headless  0      0        0',
        'prod           0      7        1',
        'staging        0      6        1',
      ].join('\n'),
    );
  });

  test('markdown wraps each environment in a collapsible section for the PR comment', async () => {
    const dir = baseRepo();
    const patch = path.join(dir, 'overlays/staging/voting/deployment-patch.yaml');
    fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const [before, after] = await Promise.all([renderRef(dir, 'main'), renderTree(dir)]);
    const markdown = formatMarkdown(diffTrees(before, after), ['dev', 'prod', 'staging']);
    expect(markdown).toContain(
      '<!-- stagecraft-diff -->\n### Rendered manifests\n\n| Environment | Added | Removed | Changed |\n',
    );
    expect(markdown).toContain('| staging | 0 | 0 | 1 |');
    expect(markdown).toContain('<details><summary><b>staging</b>: 1 object(s)</summary>');
    expect(markdown).toContain('```diff\n--- base/staging/apps/Deployment bazaar-staging/voting\n');
  });

  test('secret values are never printed, but a change is still visible', () => {
    const secret = (value: string) =>
      new Map([
        [
          'staging',
          new Map([
            [
              'core/Secret x/db',
              { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'x' }, data: { password: value } },
            ],
          ]),
        ],
      ]);
    const [change] = diffTrees(secret('aHVudGVyMg=='), secret('c3dvcmRmaXNo'));
    expect(change.change).toBe('changed');
    expect(change.diff).not.toContain('aHVudGVyMg==');
    expect(change.diff).not.toContain('c3dvcmRmaXNo');
    expect(change.diff).toMatch(/-  password: <secret [0-9a-f]{12}>\n\+  password: <secret [0-9a-f]{12}>\n/);
  });

  test('no changes prints "no changes" and exits 0; an unknown base ref is one clear line', () => {
    const dir = baseRepo();
    writeFixtureEntry(dir, 'bazaar');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(repo, 'scripts/diff.ts'), ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
    const clean = run();
    expect([clean.status, clean.stdout, clean.stderr]).toEqual([0, 'no changes\n', '']);
    const bad = run('--base', 'release-9.9');
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([
      1,
      '',
      'diff: unknown git ref "release-9.9": pass --base with a branch, tag or commit that exists\n',
    ]);
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  test('diffAgainst compares a tree below the top of the repository with the same tree at the base', async () => {
    const root = removedTempDir();
    const shop = path.join(root, 'platforms', 'shop');
    synthShop(shop);
    gitInit(root);
    const patch = path.join(shop, 'overlays/prod/cart/deployment-patch.yaml');
    fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const { changes, envs } = await diffAgainst(shop, { base: 'main' });
    expect(envs).toEqual(['dev', 'prod']);
    expect(changes.map((c) => [c.env, c.change, c.id])).toEqual([
      ['prod', 'changed', 'apps/Deployment shop-prod/cart'],
    ]);
    expect(changes[0].diff).toContain('-  replicas: 2\n+  replicas: 3\n');
    expect(git(root, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  test('unified diff hunks carry line numbers and context', () => {
    expect(unifiedDiff('a\nb\nc\nd\n', 'a\nb\nX\nd\n', ['old', 'new'], 1)).toBe(
      '--- old\n+++ new\n@@ -2,3 +2,3 @@\n b\n-c\n+X\n d\n',
    );
    expect(unifiedDiff('same\n', 'same\n', ['a', 'b'])).toBe('');
  });
});

describe('the CI workflow', () => {
  const workflow = require('yaml').parse(fs.readFileSync(path.join(repo, '.github/workflows/ci.yml'), 'utf8'));
  const scripts = Object.keys(require(path.join(repo, 'package.json')).scripts);

  test('names only npm scripts that exist', () => {
    const runs: string[] = Object.values(workflow.jobs).flatMap((job: any) =>
      job.steps.map((s: any) => s.run).filter(Boolean),
    );
    const named = runs.flatMap((run) =>
      [...run.matchAll(/npm (?:run(?: -s| --silent)? )?([\w:-]+)/g)].map((m) => m[1]),
    );
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) if (!['ci', 'test', 'run'].includes(name)) expect(scripts).toContain(name);
    expect(runs.join('\n')).toContain('npm test');
  });

  test('pins third-party actions to full commit SHAs and grants least privilege per job', () => {
    for (const job of Object.values(workflow.jobs) as any[]) {
      expect(job.permissions).toBeDefined();
      for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    }
    expect(workflow.permissions).toEqual({});
  });
});
