import * as path from 'path';
import { DEFAULT_SEVERITIES } from '../lib/gate/findings';
import { validate } from '../lib/gate/gate';
import { exampleEntries, repositoryEntries } from '../lib/synth/example-entries';
import { loadApp } from '../lib/synth/load-app';

const repo = path.resolve(__dirname, '..');
const examples = exampleEntries(path.join(repo, 'examples'));

test('every directory of examples/ with a platform.ts is an example, its own root', () => {
  expect(Object.entries(examples).map(([name, e]) => [name, path.relative(e.rootDir, e.file)])).toEqual([
    ['celery-platform', 'platform.ts'],
    ['ha-soranu', 'platform.ts'],
    ['otel-demo', 'platform.ts'],
    ['she2pookie', 'platform.ts'],
    ['vision-platform', 'platform.ts'],
  ]);
});

test('the platforms of the repository (validate --all) are the default app, then every example', () => {
  expect(Object.keys(repositoryEntries(repo))).toEqual([
    'main.ts',
    ...Object.keys(examples).map((name) => `examples/${name}/platform.ts`),
  ]);
  expect(repositoryEntries(repo)['main.ts'].rootDir).toBe(repo);
});

/** Every example platform passes the same validation gate as Craftista, parity included. */
describe.each(Object.entries(examples))('examples/%s', (_name, entry) => {
  test('validates clean with the gate (schema, unknown fields, cross-references, policy, parity)', async () => {
    const app = loadApp(entry);
    const result = await validate({ rootDir: entry.rootDir, platform: app.platform, cacheDir: false });
    // Only Polaris's advisory warnings (a PriorityClass outside prod, single replicas, ...) may remain.
    expect(result.findings.filter((f) => f.severity === 'error' || !(f.check in DEFAULT_SEVERITIES))).toEqual([]);
    expect(result.summary.length).toBeGreaterThan(1);
  });
});
