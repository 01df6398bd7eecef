import * as fs from 'fs';
import * as path from 'path';
import { diffAgainst, diffTrees, renderRef, renderTree } from '../lib/review/diff';
import { git, gitInit, synthBazaar, tempDir } from './support';

/** A git repository with the bazaar fixture committed on main, and a cache directory outside it. */
function repo(): { dir: string; cacheDir: string } {
  const dir = tempDir();
  synthBazaar(dir);
  gitInit(dir);
  return { dir, cacheDir: tempDir() };
}

function setReplicas(dir: string, env: string, from: number, to: number): void {
  const patch = path.join(dir, `overlays/${env}/catalogue/deployment-patch.yaml`);
  const text = fs.readFileSync(patch, 'utf8');
  expect(text).toContain(`replicas: ${from}\n`);
  fs.writeFileSync(patch, text.replace(`replicas: ${from}\n`, `replicas: ${to}\n`));
}

const ALL = ['dev', 'kind', 'kind-headless', 'prod', 'staging'];

describe('diff caches', () => {
  test('renders the base once per base commit: the second diff reads it from the cache, without a checkout', async () => {
    const { dir, cacheDir } = repo();
    const first = await diffAgainst(dir, { base: 'main', cacheDir });
    expect(first.work.baseFromCache).toBe(false);
    expect(first.changes).toEqual([]);
    const second = await diffAgainst(dir, { base: 'main', cacheDir });
    expect(second.work).toEqual({ ...first.work, baseFromCache: true });
    expect(second.work.baseCommit).toBe(git(dir, 'rev-parse', 'main'));
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    // The base really comes from the stored render: an object edited there shows as a change.
    const [file] = fs.readdirSync(path.join(cacheDir, 'diff'));
    const stored = path.join(cacheDir, 'diff', file);
    const base = JSON.parse(fs.readFileSync(stored, 'utf8'));
    const [, deployment] = base.rendered.staging.objects.find(([id]: [string]) =>
      id.endsWith('Deployment bazaar-staging/catalogue'),
    );
    deployment.spec.replicas = 99;
    // With another input hash, the work tree's staging is rendered rather than taken from the base.
    base.rendered.staging.inputHash = 'edited';
    fs.writeFileSync(stored, JSON.stringify(base));
    const third = await diffAgainst(dir, { base: 'main', cacheDir });
    expect(third.changes.map((c) => [c.env, c.id])).toEqual([['staging', 'apps/Deployment bazaar-staging/catalogue']]);
    expect(third.changes[0].diff).toContain('-  replicas: 99\n+  replicas: 2\n');
    expect(third.work.baseFromCache).toBe(true);
  });

  test('renders only the environments whose inputs changed, and reuses the base render for the rest', async () => {
    const { dir, cacheDir } = repo();
    await diffAgainst(dir, { base: 'main', cacheDir });
    setReplicas(dir, 'staging', 2, 3);
    const { changes, work } = await diffAgainst(dir, { base: 'main', cacheDir });
    expect(work.renderedEnvs).toEqual(['staging']);
    expect(work.unchangedEnvs).toEqual(ALL.filter((e) => e !== 'staging'));
    expect(changes.map((c) => [c.env, c.change, c.id])).toEqual([
      ['staging', 'changed', 'apps/Deployment bazaar-staging/catalogue'],
    ]);
    expect(changes[0].diff).toContain('-  replicas: 2\n+  replicas: 3\n');
  });

  test('an environment changed since the base but not since the last render is not rendered by kubectl again', async () => {
    const { dir, cacheDir } = repo();
    await diffAgainst(dir, { base: 'main', cacheDir });
    setReplicas(dir, 'staging', 2, 3);
    const first = await diffAgainst(dir, { base: 'main', cacheDir });
    // The catalogue overlay is new; staging's other overlays were rendered with the base, the environment is composed.
    expect([first.work.renderedEnvs, first.work.kubectlOverlays]).toEqual([['staging'], 1]);
    const second = await diffAgainst(dir, { base: 'main', cacheDir });
    expect([second.work.renderedEnvs, second.work.kubectlOverlays]).toEqual([['staging'], 0]);
    expect(second.changes).toEqual(first.changes);
  });

  test('a change to a base renders every environment that reads it, and only those', async () => {
    const { dir, cacheDir } = repo();
    await diffAgainst(dir, { base: 'main', cacheDir });
    const base = path.join(dir, 'dist/catalogue/deployment.yaml');
    fs.writeFileSync(base, fs.readFileSync(base, 'utf8').replace('containerPort: 5000', 'containerPort: 5001'));
    const { changes, work } = await diffAgainst(dir, { base: 'main', cacheDir });
    // kind-headless runs no services: it does not read the catalogue base.
    const running = ALL.filter((e) => e !== 'kind-headless');
    expect([work.renderedEnvs, work.unchangedEnvs]).toEqual([running, ['kind-headless']]);
    expect([...new Set(changes.map((c) => c.env))]).toEqual(running);
  });

  test('a new base commit is rendered again; an environment filter renders and stores only that environment', async () => {
    const { dir, cacheDir } = repo();
    const only = await diffAgainst(dir, { base: 'main', cacheDir, envs: ['staging'] });
    expect([only.work.baseFromCache, only.envs]).toEqual([false, ['staging']]);
    expect((await diffAgainst(dir, { base: 'main', cacheDir, envs: ['staging'] })).work.baseFromCache).toBe(true);
    // The full diff renders the environments the stored base lacks, once.
    expect((await diffAgainst(dir, { base: 'main', cacheDir })).work.baseFromCache).toBe(false);
    expect((await diffAgainst(dir, { base: 'main', cacheDir })).work.baseFromCache).toBe(true);
    setReplicas(dir, 'staging', 2, 5);
    git(dir, 'commit', '-qam', 'staging: 5 replicas');
    const moved = await diffAgainst(dir, { base: 'main', cacheDir });
    expect([moved.work.baseFromCache, moved.changes]).toEqual([false, []]);
    expect(fs.readdirSync(path.join(cacheDir, 'diff'))).toHaveLength(2);
  });

  test('equals a diff of two full renders, with the cache on and off', async () => {
    const { dir, cacheDir } = repo();
    setReplicas(dir, 'dev', 1, 2);
    const full = diffTrees(await renderRef(dir, 'main'), await renderTree(dir));
    const cached = await diffAgainst(dir, { base: 'main', cacheDir });
    const uncached = await diffAgainst(dir, { base: 'main', cacheDir: false });
    expect(uncached.work.baseFromCache).toBe(false);
    expect(cached.changes).toEqual(full);
    expect(uncached.changes).toEqual(full);
    expect(fs.readdirSync(dir)).not.toContain('.cache');
  });
});
