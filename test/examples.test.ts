import { validate } from '../lib/gate/gate';
import { loadApp } from '../lib/synth/load-app';
import { exampleEntries } from '../scripts/examples';

/** Every example platform passes the same validation gate as Craftista, parity included. */
describe.each(Object.entries(exampleEntries()))('examples/%s', (_name, entry) => {
  test('validates clean with the gate (schema, unknown fields, cross-references, policy, parity)', async () => {
    const app = loadApp(entry);
    const result = await validate({ rootDir: entry.rootDir, platform: app.platform, cacheDir: false });
    expect(result.findings).toEqual([]);
    expect(result.summary.length).toBeGreaterThan(1);
  });
});
