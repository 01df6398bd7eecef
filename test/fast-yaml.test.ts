import { App } from 'cdk8s';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { syntheticPlatform } from '../bench/synthetic';
import { bazaar } from './fixtures/platforms/bazaar';
import { Platform } from '../lib';
import { fastYaml } from '../lib/core/fast-yaml';
import { libraryYaml } from '../lib/core/yaml';
import { render } from '../lib/synth/render';

/** Every document of every file a platform generates, as plain data. */
function documents(platform: Platform): unknown[] {
  return render(platform)
    .entries()
    .flatMap(([, content]) => parseAllDocuments(content).map((d) => d.toJS()))
    .filter((v) => v !== null);
}

describe('fastYaml', () => {
  test('writes exactly what the yaml library writes for every document the bazaar fixture and a synthetic platform generate', () => {
    const docs = [
      ...documents(bazaar(new App())),
      ...documents(syntheticPlatform(new App(), { services: 8, envs: 3 })),
    ];
    let fast = 0;
    for (const doc of docs) {
      const out = fastYaml(doc);
      if (out === undefined) continue;
      fast++;
      expect(out).toBe(libraryYaml(doc));
    }
    // The fast path is what synth uses for nearly everything (the rest falls back to the library).
    expect(fast / docs.length).toBeGreaterThan(0.9);
  });

  test('writes exactly what the yaml library writes, or leaves the document to it, for random documents', () => {
    // Strings from an alphabet full of YAML's special characters, numbers and words of the core schema.
    const char = fc.constantFrom(...'aZ09 _-./:#&*!|>\'"%@`{}[],?~=+;$()^\\\n\t'.split(''));
    const word = fc.constantFrom(
      'true',
      'False',
      'null',
      '~',
      '-2',
      '0x1F',
      '0o17',
      '1e3',
      '.inf',
      '.NaN',
      '1.0',
      'yes',
      'on',
      'N',
      '1_000',
      '0b101',
      '007',
      '2001-12-14',
      '1:30',
      '',
    );
    // Mostly manifest-like names and values, so that nested documents reach the fast path too.
    const plain = fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}( [a-z0-9]{1,4})?$/);
    const text = fc.oneof(plain, plain, fc.string({ unit: char, maxLength: 12 }), word);
    const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('seq')),
      map: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      seq: fc.array(tie('value'), { maxLength: 4 }),
    }));
    let fast = 0;
    fc.assert(
      fc.property(value, (doc) => {
        const out = fastYaml(doc);
        if (out === undefined) return;
        fast++;
        expect(out).toBe(libraryYaml(doc));
      }),
      { numRuns: 5000 },
    );
    // Enough of them take the fast path for the comparison to mean something.
    expect(fast).toBeGreaterThan(1000);
  });

  test('leaves multi-line strings, quoted keys and exponent floats to the library', () => {
    expect(fastYaml({ script: 'a\nb' })).toBeUndefined();
    expect(fastYaml({ 'needs: quotes': 1 })).toBeUndefined();
    expect(fastYaml({ big: 1e21 })).toBeUndefined();
    expect(fastYaml({ port: 8080, wave: '-2', name: 'catalogue', empty: {}, list: [] })).toBe(
      'port: 8080\nwave: "-2"\nname: catalogue\nempty: {}\nlist: []\n',
    );
  });
});
