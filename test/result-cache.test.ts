import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Microservice } from '../lib';
import { validate, ValidateOptions, ValidateResult } from '../lib/gate/gate';
import { bazaar } from './fixtures/platforms/bazaar';
import { synthBazaar, tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();
const UNITS = ['dev', 'kind', 'kind-headless', 'prod', 'staging'];

/** Bazaar synthesized into a fresh tree, with the repository's kubectl. */
function bazaarTree(): string {
  const dir = tempDir();
  synthBazaar(dir);
  fs.symlinkSync(path.resolve(__dirname, '../.tools'), path.join(dir, '.tools'));
  return dir;
}

/** What a run found, without what only says how it got there. */
const verdict = (r: ValidateResult) => ({ findings: r.findings, waivers: r.waivers, summary: r.summary });

describe('the gate reuses the findings of unchanged deployment units (lib/gate/result-cache.ts)', () => {
  const options = (rootDir: string): ValidateOptions => ({ rootDir, platform: bazaar(new App()) });

  test('a change in one environment renders and checks only that one; findings equal an uncached run', async () => {
    const dir = bazaarTree();
    const first = await validate(options(dir));
    expect(first.reused).toEqual([]);
    expect(first.summary.map((s) => s.env)).toEqual([...UNITS, 'argocd']);

    // A hand edit in prod: the memory limit of frontend removed.
    const patch = path.join(dir, 'overlays/prod/frontend/deployment-patch.yaml');
    fs.writeFileSync(
      patch,
      fs.readFileSync(patch, 'utf8').replace(/(limits:\n\s+cpu: 500m\n)\s+memory: 512Mi\n/, '$1'),
    );
    const second = await validate(options(dir));
    expect(second.reused).toEqual(UNITS.filter((u) => u !== 'prod'));
    // Only prod's overlays were looked at: frontend rendered, the rest of prod from the render cache.
    const prodOverlays = second.summary.find((s) => s.env === 'prod')!.overlays;
    expect([second.rendered, second.cached + second.composed]).toEqual([1, prodOverlays - 1]);
    const uncached = await validate({ ...options(dir), cacheDir: false });
    expect(uncached.reused).toEqual([]);
    expect(verdict(second)).toEqual(verdict(uncached));
    // The edit is found: the limit, and parity naming the file.
    expect(second.findings.filter((f) => f.overlay === 'overlays/prod/frontend' && f.severity === 'error')).toEqual([
      expect.objectContaining({ check: 'parity', object: 'Deployment/frontend' }),
      {
        overlay: 'overlays/prod/frontend',
        object: 'Deployment/frontend',
        check: 'resources',
        severity: 'error',
        message: 'container frontend has no limits.memory',
      },
    ]);

    // Nothing changed since: every unit reused, nothing rendered.
    const third = await validate(options(dir));
    expect([third.reused, third.rendered, third.cached, third.composed]).toEqual([UNITS, 0, 0, 0]);
    expect(verdict(third)).toEqual(verdict(uncached));
  });

  test('the same files under other settings are checked again: the model and its settings are in the key', async () => {
    const dir = bazaarTree();
    await validate(options(dir));
    // Without the model: default settings and no parity, so no stored result fits.
    expect((await validate({ rootDir: dir })).reused).toEqual([]);
    expect((await validate({ rootDir: dir })).reused).toEqual(UNITS);
    // The model's own results are still there.
    expect((await validate(options(dir))).reused).toEqual(UNITS);
    expect((await validate({ ...options(dir), parity: false })).reused).toEqual([]);
  });

  test('the same files against another model are checked again, with the findings of an uncached run', async () => {
    const dir = bazaarTree();
    await validate(options(dir));
    // A model with one more service than the committed tree: parity finds its objects missing.
    const platform = bazaar(new App());
    new Microservice(platform, 'extra', { image: 'bazaar/extra', initialTag: '1.0.0', port: 8080 });
    const changed = await validate({ rootDir: dir, platform });
    // Every unit: parity compares each with every base of the model, and the model has a new one.
    expect(changed.reused).toEqual([]);
    expect(changed.findings.some((f) => f.check === 'parity' && f.overlay === 'overlays/dev/extra')).toBe(true);
    expect(verdict(changed)).toEqual(verdict(await validate({ rootDir: dir, platform, cacheDir: false })));
    expect((await validate({ rootDir: dir, platform })).reused).toEqual(UNITS);
  });

  test('a stored result that cannot be read is recomputed, with the same findings', async () => {
    const dir = bazaarTree();
    const first = await validate(options(dir));
    const results = path.join(dir, '.cache/validate/results');
    const stored = fs.readdirSync(results);
    expect(stored).toHaveLength(UNITS.length);
    fs.writeFileSync(path.join(results, stored[0]), '{"findings": [');
    for (const file of stored.slice(1)) fs.writeFileSync(path.join(results, file), '{"findings": "none"}');
    const again = await validate(options(dir));
    expect(again.reused).toEqual([]);
    expect(verdict(again)).toEqual(verdict(first));
    // Rewritten whole: the next run reuses every unit.
    expect((await validate(options(dir))).reused).toEqual(UNITS);
  });

  test('an environment with an overlay that fails to render is never stored: each run renders it again', async () => {
    const dir = bazaarTree();
    fs.writeFileSync(path.join(dir, 'overlays/staging/voting/kustomization.yaml'), 'resources: [missing]\n');
    const first = await validate(options(dir));
    expect(first.findings.filter((f) => f.check === 'render').map((f) => f.overlay)).toEqual([
      'overlays/staging',
      'overlays/staging/voting',
    ]);
    const second = await validate(options(dir));
    expect(second.reused).toEqual(UNITS.filter((u) => u !== 'staging'));
    expect(verdict(second)).toEqual(verdict(first));
  });

  test('extra checks are never cached: each run calls them on every environment', async () => {
    const dir = bazaarTree();
    const seen: string[] = [];
    const extraChecks = [(env: string) => (seen.push(env), [])];
    await validate({ ...options(dir), extraChecks });
    await validate({ ...options(dir), extraChecks });
    expect(seen).toEqual([...UNITS, ...UNITS]);
  });
});
