import * as fs from 'fs';
import * as path from 'path';
import { renderOverlays } from '../lib/kube/render-cache';
import { kustomizeSync } from '../lib/kube/kubectl';
import { RENDER_SOURCE_ANNOTATION } from '../lib/kube/render-cache';
import { synthBazaar, synthFixture, tempDir } from './support';
import { K8sObject } from '../lib/kube/object';

const root = tempDir();
synthBazaar(root);
fs.symlinkSync(path.resolve(__dirname, '../.tools'), path.join(root, '.tools'));

const id = (o: K8sObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const sorted = (objects: readonly K8sObject[]) => [...objects].sort((a, b) => (id(a) < id(b) ? -1 : 1));

/** Every kustomization directory of an environment, the environment first. */
function overlayDirs(base: string, env: string): string[] {
  const envDir = `overlays/${env}`;
  const subs = fs
    .readdirSync(path.join(base, envDir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(base, envDir, e.name, 'kustomization.yaml')))
    .map((e) => `${envDir}/${e.name}`);
  return [envDir, ...subs.sort()];
}

/** A copy of the bazaar tree to break. */
function copyOfRoot(): string {
  const dir = tempDir();
  fs.cpSync(root, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

describe('renderOverlays', () => {
  test('batched renders equal one kubectl kustomize per overlay, object for object', async () => {
    // GIVEN every overlay of dev and prod (services, datastores, shared, the environment)
    const dirs = [...overlayDirs(root, 'dev'), ...overlayDirs(root, 'prod')];
    // WHEN they are rendered in batches of at most 4
    const results = await renderOverlays(root, dirs, { batchSize: 4, concurrency: 2 });
    // THEN each overlay's objects are exactly what Kustomize renders for it alone, and no marker is left
    expect(results.map((r) => [r.dir, r.error])).toEqual(dirs.map((d) => [d, undefined]));
    for (const r of results) {
      expect(sorted(r.objects!)).toEqual(sorted(kustomizeSync(path.join(root, r.dir))));
      expect(JSON.stringify(r.objects)).not.toContain(RENDER_SOURCE_ANNOTATION);
    }
    // AND the environments were composed from their parts, everything else rendered by kubectl
    expect(results.filter((r) => r.source === 'composed').map((r) => r.dir)).toEqual(['overlays/dev', 'overlays/prod']);
    expect(results.every((r) => r.source !== 'cache')).toBe(true);
  });

  test('cluster overlays layered on their environment overlays are batched with their siblings, and still right', async () => {
    // GIVEN the fleet fixture, whose prod spans prod-eu and prod-us (overlays/prod/clusters/<name>/<service>/
    // each includes overlays/prod/<service>/, which is rendered too)
    const fleetRoot = tempDir();
    synthFixture(fleetRoot, 'fleet');
    const prod = overlayDirs(fleetRoot, 'prod').filter((d) => d !== 'overlays/prod/clusters');
    const clusters = ['prod-eu', 'prod-us'].flatMap((c) => overlayDirs(fleetRoot, `prod/clusters/${c}`));
    const dirs = [...prod, ...clusters];
    const runs: string[][] = [];
    // WHEN every one of them is rendered in one call
    const results = await renderOverlays(fleetRoot, dirs, { concurrency: 1, onKubectlRun: (b) => runs.push([...b]) });
    // THEN each equals what Kustomize renders for it alone
    expect(results.map((r) => [r.dir, r.error])).toEqual(dirs.map((d) => [d, undefined]));
    for (const r of results) expect(sorted(r.objects!)).toEqual(sorted(kustomizeSync(path.join(fleetRoot, r.dir))));
    // AND a cluster's service and datastore overlays share one kubectl run (one per directory of
    // siblings); only each shared/ (its namespace reaches past its level) is rendered alone
    const parents = ['overlays/prod', 'overlays/prod/clusters/prod-eu', 'overlays/prod/clusters/prod-us'];
    const leaves = (parent: string) =>
      dirs.filter((d) => path.posix.dirname(d) === parent && !d.endsWith('/shared')).sort();
    expect(runs.map((b) => [...b].sort()).sort()).toEqual(
      [...parents.map(leaves), ...parents.map((p) => [`${p}/shared`])].sort(),
    );
    expect(results.filter((r) => r.source === 'composed').map((r) => r.dir)).toEqual([
      'overlays/prod',
      'overlays/prod/clusters/prod-eu',
      'overlays/prod/clusters/prod-us',
    ]);
  });

  test('an overlay with a rename is rendered alone and still right', async () => {
    // GIVEN a namePrefix in one service overlay: its renames are fixed up across the whole build
    const dir = copyOfRoot();
    const file = path.join(dir, 'overlays/staging/voting/kustomization.yaml');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}namePrefix: blue-\n`);
    const dirs = overlayDirs(dir, 'staging');
    // WHEN rendered with the rest in batches
    const results = await renderOverlays(dir, dirs, { batchSize: 25 });
    // THEN every overlay, and the environment (rendered, not composed), match Kustomize's own render
    for (const r of results) expect(sorted(r.objects!)).toEqual(sorted(kustomizeSync(path.join(dir, r.dir))));
    expect(results.find((r) => r.dir === 'overlays/staging')!.source).toBe('kubectl');
    expect(results.find((r) => r.dir === 'overlays/staging/voting')!.objects!.map((o) => o.metadata.name)).toContain(
      'blue-voting',
    );
  });

  test('a broken overlay fails alone, named, while its batch mates render; its environment reports Kustomize', async () => {
    const dir = copyOfRoot();
    fs.writeFileSync(path.join(dir, 'overlays/dev/voting/kustomization.yaml'), 'resources: [missing]\n');
    const results = await renderOverlays(dir, overlayDirs(dir, 'dev'), { batchSize: 25 });
    const failed = results.filter((r) => r.error !== undefined).map((r) => [r.dir, r.error!.split(':')[0]]);
    expect(failed).toEqual([
      ['overlays/dev', 'kubectl kustomize overlays/dev failed'],
      ['overlays/dev/voting', 'kubectl kustomize overlays/dev/voting failed'],
    ]);
    expect(results.find((r) => r.dir === 'overlays/dev/catalogue')!.objects!.length).toBeGreaterThan(0);
  });

  test('two parts defining the same object make the environment a real render, with Kustomize\u2019s error', async () => {
    const dir = copyOfRoot();
    const copy = path.join(dir, 'overlays/dev/catalogue-copy');
    fs.cpSync(path.join(dir, 'overlays/dev/catalogue'), copy, { recursive: true });
    const envFile = path.join(dir, 'overlays/dev/kustomization.yaml');
    fs.writeFileSync(
      envFile,
      fs.readFileSync(envFile, 'utf8').replace('  - catalogue\n', '  - catalogue\n  - catalogue-copy\n'),
    );
    const results = await renderOverlays(dir, overlayDirs(dir, 'dev'));
    const env = results.find((r) => r.dir === 'overlays/dev')!;
    expect(env.source).toBe('kubectl');
    expect(env.error).toMatch(/^kubectl kustomize overlays\/dev failed: .*already registered id/);
  });

  test('caches by input hash: unchanged overlays come from the cache, a changed base renders again', async () => {
    const dir = copyOfRoot();
    const cacheDir = path.join(dir, '.cache/render');
    const dirs = overlayDirs(dir, 'staging');
    const first = await renderOverlays(dir, dirs, { cacheDir });
    const service = path.join(dir, 'dist/voting/service.yaml');
    fs.writeFileSync(service, fs.readFileSync(service, 'utf8').replace('port: 8080', 'port: 8081'));
    const second = await renderOverlays(dir, dirs, { cacheDir });
    const count = (rs: typeof first, source: string) => rs.filter((r) => r.source === source).length;
    expect([count(first, 'kubectl'), count(first, 'cache'), count(first, 'composed')]).toEqual([8, 0, 1]);
    expect(second.filter((r) => r.source === 'kubectl').map((r) => r.dir)).toEqual(['overlays/staging/voting']);
    expect(count(second, 'cache')).toBe(7);
    const voting = second.find((r) => r.dir === 'overlays/staging/voting')!.objects!;
    expect(voting.find((o) => o.kind === 'Service')!.spec).toMatchObject({ ports: [{ port: 8081 }] });
  });
});
