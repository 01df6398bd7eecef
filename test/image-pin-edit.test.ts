import fc from 'fast-check';
import { parse } from 'yaml';
import { editImagePin, formatScalar } from '../lib/kube/image-pin-edit';

const FILE = 'overlays/staging/catalogue/kustomization.yaml';
const BLOCK = [
  '# promoted by hand once',
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  '',
  'images:',
  '  - name: craftista/frontend',
  "    newTag: '1.0.0' # keep quotes",
  '  - name: craftista/catalogue # the one we edit',
  '    newTag: 1.4.2',
  '',
].join('\n');

describe('editImagePin', () => {
  test('changes only the tag value, keeping comments, quotes and blank lines', () => {
    const out = editImagePin(BLOCK, FILE, 'craftista/catalogue', { newTag: '1.5.0' });
    expect(out).toBe(BLOCK.replace('newTag: 1.4.2', 'newTag: 1.5.0'));
  });

  test('keeps the quote style of the old value', () => {
    const out = editImagePin(BLOCK, FILE, 'craftista/frontend', { newTag: '2.0.0' });
    expect(out).toBe(BLOCK.replace("newTag: '1.0.0'", "newTag: '2.0.0'"));
  });

  test('a value quoted only because YAML needed it gets the canonical form back', () => {
    const synthStyle = BLOCK.replace('newTag: 1.4.2', 'newTag: "1.10"');
    expect(editImagePin(synthStyle, FILE, 'craftista/catalogue', { newTag: '1.11.0' })).toBe(
      BLOCK.replace('1.4.2', '1.11.0'),
    );
  });

  test('quotes a tag YAML would read as a number', () => {
    const out = editImagePin(BLOCK, FILE, 'craftista/catalogue', { newTag: '1.10' });
    expect(out).toContain('    newTag: "1.10"\n');
    expect(parse(out).images[1].newTag).toBe('1.10');
  });

  test('adds a digest after the tag, as synth writes it, and removes it again', () => {
    const digest = 'sha256:' + 'b'.repeat(64);
    const added = editImagePin(BLOCK, FILE, 'craftista/catalogue', { newTag: '1.4.2', digest });
    expect(added).toBe(BLOCK.replace('    newTag: 1.4.2\n', `    newTag: 1.4.2\n    digest: ${digest}\n`));
    expect(editImagePin(added, FILE, 'craftista/catalogue', { newTag: '1.4.2' })).toBe(BLOCK);
  });

  test('edits flow style and CRLF files in place', () => {
    const flow = 'kind: Kustomization\r\nimages: [{name: craftista/catalogue, newTag: "1.4.2"}]\r\n';
    expect(editImagePin(flow, FILE, 'craftista/catalogue', { newTag: '1.5.0' })).toBe(
      flow.replace('"1.4.2"', '"1.5.0"'),
    );
    const withDigest = editImagePin(flow, FILE, 'craftista/catalogue', {
      newTag: '1.4.2',
      digest: 'sha256:' + 'c'.repeat(64),
    });
    expect(withDigest).toBe(flow.replace('"1.4.2"}', `"1.4.2", digest: sha256:${'c'.repeat(64)}}`));
    expect(editImagePin(withDigest, FILE, 'craftista/catalogue', { newTag: '1.4.2' })).toBe(flow);
  });

  test('fails when the file is not YAML, not a kustomization, or lacks the image', () => {
    expect(() => editImagePin('images: [\n', FILE, 'x', { newTag: '1' })).toThrow(`${FILE}: not valid YAML: `);
    expect(() => editImagePin('kind: Deployment\n', FILE, 'x', { newTag: '1' })).toThrow(
      `${FILE}: not a kustomization (expected kind: Kustomization)`,
    );
    expect(() => editImagePin(BLOCK, FILE, 'craftista/voting', { newTag: '1' })).toThrow(
      `${FILE}: no images entry named craftista/voting`,
    );
  });
});

// Random valid kustomizations and tags: only the tag's characters may change.
const tagArb = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const nameArb = fc.stringMatching(/^[a-z][a-z0-9]{0,8}\/[a-z][a-z0-9-]{0,8}$/);
const quoteArb = fc.constantFrom<'plain' | 'single' | 'double'>('plain', 'single', 'double');

type Quote = 'plain' | 'single' | 'double';

/** How a value is written for a requested style; plain falls back to double quotes when needed. */
function quoted(value: string, quote: Quote): string {
  if (quote === 'single') return `'${value}'`;
  if (quote === 'double') return JSON.stringify(value);
  return formatScalar(value);
}

interface Spec {
  names: string[];
  tags: string[];
  quotes: Quote[];
  flow: boolean;
  crlf: boolean;
  comments: boolean;
  blankLines: boolean;
}

function render({ names, tags, quotes, flow, crlf, comments, blankLines }: Spec): string {
  const c = (text: string) => (comments ? ` # ${text}` : '');
  const lines = [
    comments ? '# header comment' : '',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
  ];
  if (blankLines) lines.push('');
  if (flow) {
    const items = names.map((n, i) => `{name: ${n}, newTag: ${quoted(tags[i], quotes[i])}}`);
    lines.push(`images: [${items.join(', ')}]${c('flow')}`);
  } else {
    lines.push(`images:${c('images')}`);
    names.forEach((n, i) => {
      lines.push(`  - name: ${n}${c(`image ${i}`)}`, `    newTag: ${quoted(tags[i], quotes[i])}${c('tag')}`);
      if (blankLines) lines.push('');
    });
  }
  lines.push('resources:', '  - ../../../dist/x', '');
  return lines.join(crlf ? '\r\n' : '\n');
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  names: fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }),
  tags: fc.array(tagArb, { minLength: 4, maxLength: 4 }),
  quotes: fc.array(quoteArb, { minLength: 4, maxLength: 4 }),
  flow: fc.boolean(),
  crlf: fc.boolean(),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
});

test('property: only the tag changes, in its old quote style, and reads back as the new string', () => {
  fc.assert(
    fc.property(specArb, fc.nat(), tagArb, (spec, pick, tag) => {
      const i = pick % spec.names.length;
      const text = render(spec);
      const out = editImagePin(text, FILE, spec.names[i], { newTag: tag });
      // A style chosen by hand is kept; a value quoted only because YAML needed it (how synth
      // writes "1.10") is rewritten in canonical form, exactly as synth would write the new one.
      const neededQuotes = quoted(spec.tags[i], 'plain') !== spec.tags[i];
      const style: Quote = neededQuotes ? 'plain' : spec.quotes[i];
      spec.quotes[i] === 'plain' && quoted(spec.tags[i], 'plain') !== spec.tags[i] ? 'double' : spec.quotes[i];
      // Setting the tag a pin already holds is no edit at all: the text stays byte for byte, even
      // where a hand-chosen quote is not the canonical one (seed 333249941: '1' -> '1').
      const expected =
        tag === spec.tags[i]
          ? text
          : render({
              ...spec,
              tags: spec.tags.map((t, j) => (j === i ? tag : t)),
              quotes: spec.quotes.map((q, j) => (j === i ? style : q)),
            });
      expect(out).toBe(expected);
      const entry = parse(out).images[i];
      expect(entry).toEqual({ name: spec.names[i], newTag: tag });
    }),
    { numRuns: 500 },
  );
});

test('property: the counterexample of seed 333249941 (an unchanged hand-quoted tag) keeps its text', () => {
  const text = render({
    names: ['a/a'],
    tags: ['1', '_', '0', '0'],
    quotes: ['single', 'plain', 'plain', 'plain'],
    flow: false,
    crlf: false,
    comments: false,
    blankLines: false,
  });
  expect(editImagePin(text, FILE, 'a/a', { newTag: '1' })).toBe(text);
});
