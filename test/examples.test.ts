import * as path from 'path';
import { App } from 'cdk8s';
import { validate } from '../lib';
import { EXAMPLES } from '../scripts/examples';

/** Every example platform passes the same validation gate as Craftista, parity included. */
describe.each(Object.entries(EXAMPLES))('examples/%s', (name, build) => {
  test('validates clean with the gate (schema, unknown fields, cross-references, policy, parity)', async () => {
    const result = await validate({
      rootDir: path.resolve(__dirname, '..', 'examples', name),
      platform: build(new App()),
      cacheDir: false,
    });
    expect(result.findings).toEqual([]);
    expect(result.summary.length).toBeGreaterThan(1);
  });
});
