import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { parse } from 'yaml';
import { bazaar } from './fixtures/platforms/bazaar';
import { readImagePin } from '../lib/kube/image-pin';
import { editImagePin } from '../lib/kube/image-pin-edit';
import { findKustomizations } from '../lib/kube/overlays';
import { scanImagePin, ScannedPins, UNSURE } from '../lib/kube/pin-scan';
import { render } from '../lib/synth/render';
import { synth } from '../lib/synth/synth';
import { synthBazaar, tempDir } from './support';

const REPO = path.resolve(__dirname, '..');

/** Every kustomization.yaml below the overlays of `root`. */
function kustomizations(root: string): string[] {
  return findKustomizations(path.join(root, 'overlays')).map((d) => path.join(d, 'kustomization.yaml'));
}

/** The image names a kustomization lists (by a full parse), and one it does not. */
function imagesOf(file: string): string[] {
  const images = (parse(fs.readFileSync(file, 'utf8'))?.images ?? []) as { name: string }[];
  return [...images.map((i) => i.name), 'not-listed/image'];
}

/** Asserts the scan is sure and reads what the full parse reads, for every image of every file; returns the count. */
function expectScanEqualsParse(files: readonly string[]): number {
  let pins = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const image of imagesOf(file)) {
      const scanned = scanImagePin(text, image);
      expect({ file, image, scanned }).toEqual({ file, image, scanned: readImagePin(file, image) });
      if (scanned !== undefined) pins++;
    }
  }
  return pins;
}

describe('scanImagePin', () => {
  test('reads what the full parse reads from every kustomization of the committed trees of main and every example', () => {
    const roots = [REPO, ...fs.readdirSync(path.join(REPO, 'examples')).map((e) => path.join(REPO, 'examples', e))];
    const files = roots.flatMap(kustomizations);
    expect(files.length).toBeGreaterThan(100);
    // Every service overlay pins its image (the scan is never unsure of a file synth wrote).
    expect(expectScanEqualsParse(files)).toBeGreaterThan(40);
  });

  test('reads what the full parse reads from a fresh bazaar tree, also after set-image wrote quoted tags and digests', () => {
    const root = tempDir();
    synthBazaar(root);
    const files = kustomizations(root);
    expect(expectScanEqualsParse(files)).toBeGreaterThan(10);
    const file = path.join(root, 'overlays/staging/catalogue/kustomization.yaml');
    const digest = `sha256:${'b'.repeat(64)}`;
    fs.writeFileSync(
      file,
      editImagePin(fs.readFileSync(file, 'utf8'), file, 'bazaar/catalogue', { newTag: '1.10', digest }),
    );
    expect(scanImagePin(fs.readFileSync(file, 'utf8'), 'bazaar/catalogue')).toEqual({ newTag: '1.10', digest });
    expectScanEqualsParse([file]);
  });

  const base = [
    '# header',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'namespace: shop-dev',
    'images:',
    '  - name: shop/cart',
    '    newTag: 1.4.2',
    'patches:',
    '  - path: deployment-patch.yaml',
    '',
  ].join('\n');

  test('reads a tag and a digest; is unsure of two entries of one image (the full parse refuses them)', () => {
    expect(scanImagePin(base, 'shop/cart')).toEqual({ newTag: '1.4.2' });
    expect(scanImagePin(base, 'shop/checkout')).toBeUndefined();
    const two = base.replace('    newTag: 1.4.2', "    digest: 'sha256:abc'\n  - name: shop/cart\n    newTag: '2'");
    expect(scanImagePin(two, 'shop/cart')).toBe(UNSURE);
    expect(scanImagePin(base.replace(/images:\n[^]*?patches/, 'images: []\npatches'), 'shop/cart')).toBeUndefined();
    expect(scanImagePin(base.replace('images:', 'resources: []'), 'shop/cart')).toBeUndefined();
  });

  test.each([
    ['a tab', base.replace('  - name', '\t- name')],
    ['CRLF line endings', base.replace(/\n/g, '\r\n')],
    [
      'a flow list of images',
      base.replace(/images:\n {2}- name: shop\/cart\n {4}newTag: 1.4.2/, 'images: [{name: shop/cart, newTag: 1.4.2}]'),
    ],
    ['an anchor', base.replace('newTag: 1.4.2', 'newTag: &t 1.4.2')],
    ['a comment after a value', base.replace('newTag: 1.4.2', 'newTag: 1.4.2 # pinned')],
    ['a duplicate top-level key', `${base}namespace: other\n`],
    ['a duplicate field in an image entry', base.replace('newTag: 1.4.2', 'newTag: 1.4.2\n    newTag: 1.4.3')],
    ['no kind', base.replace('kind: Kustomization\n', '')],
    ['another kind', base.replace('kind: Kustomization', 'kind: Component')],
    ['a null tag', base.replace('newTag: 1.4.2', 'newTag: ~')],
    ['a name YAML reads as a number', base.replace('name: shop/cart', 'name: 1.10')],
    ['a field the scan does not know', base.replace('newTag: 1.4.2', 'newTag: 1.4.2\n    tag: x')],
    ['a field at another indentation', base.replace('    newTag: 1.4.2', '      newTag: 1.4.2')],
    ['an images key with nothing under it', base.replace(/ {2}- name: shop\/cart\n {4}newTag: 1.4.2\n/, '')],
    ['a block scalar', base.replace('patches:\n  - path: deployment-patch.yaml', 'patches:\n  - patch: |-\n      x')],
    ['a document marker', `---\n${base}`],
    ['a double-quoted escape', base.replace('newTag: 1.4.2', 'newTag: "1.4\\u0032"')],
  ])('is unsure, leaving the file to the full parse, with %s', (_, text) => {
    expect(scanImagePin(text, 'shop/cart')).toBe(UNSURE);
  });

  test('is unsure or reads what the full parse reads, for random kustomizations', () => {
    const dir = tempDir();
    const file = path.join(dir, 'kustomization.yaml');
    const token = fc.stringMatching(/^[A-Za-z0-9._/:@~+=-]{1,12}$/);
    const special = fc.constantFrom('1.10', '1', '0x1F', 'true', 'null', '~', '-rc', '1e3', '.5', 'a:', '@x', '');
    const scalar = fc
      .tuple(fc.oneof(token, special), fc.constantFrom('plain', 'double', 'single'))
      .map(([text, style]) => (style === 'double' ? `"${text}"` : style === 'single' ? `'${text}'` : text));
    const field = fc.tuple(fc.constantFrom('name', 'newName', 'newTag', 'digest', 'name', 'newTag'), scalar);
    const entry = fc.array(field, { minLength: 1, maxLength: 4 });
    const name = fc.constantFrom('shop/cart', 'shop/checkout', '"shop/cart"', "'shop/cart'");
    const images = fc.array(fc.tuple(name, entry), { maxLength: 4 });
    const indent = fc.constantFrom('', '  ', '    ');
    const extra = fc.array(fc.tuple(fc.constantFrom('namespace', 'nameSuffix', 'kind', 'images'), scalar), {
      maxLength: 2,
    });
    let sure = 0;
    let runs = 0;
    fc.assert(
      fc.property(images, indent, extra, fc.boolean(), fc.boolean(), (list, pad, more, comments, quotedKind) => {
        const lines = [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          `kind: ${quotedKind ? '"Kustomization"' : 'Kustomization'}`,
        ];
        if (comments) lines.unshift('# generated');
        lines.push(list.length === 0 ? 'images: []' : 'images:');
        for (const [n, fields] of list) {
          lines.push(`${pad}- name: ${n}`);
          for (const [key, value] of fields) lines.push(`${pad}  ${key}: ${value}`);
          if (comments) lines.push(`${pad}  # note`);
        }
        for (const [key, value] of more) lines.push(`${key}: ${value}`);
        const text = `${lines.join('\n')}\n`;
        fs.writeFileSync(file, text);
        let full: unknown;
        try {
          full = readImagePin(file, 'shop/cart');
        } catch {
          full = 'error';
        }
        const scanned = scanImagePin(text, 'shop/cart');
        runs++;
        if (scanned === UNSURE) return;
        sure++;
        expect({ text, scanned }).toEqual({ text, scanned: full });
      }),
      { numRuns: 2000, seed: 22 },
    );
    // The scan is sure of a good share of them, so this checks it rather than its fallback.
    expect(sure / runs).toBeGreaterThan(0.1);
  });
});

describe('ScannedPins', () => {
  test('reads every pin of an unchanged tree by the scan, and the render confirms them', () => {
    const root = tempDir();
    synthBazaar(root);
    const pins = new ScannedPins((file) => path.join(root, file));
    const files = render(bazaar(new App()), { outdir: 'dist' }, pins.read);
    expect(pins.confirm(new Map(files.entries()))).toBe(true);
    const serviceOverlays = kustomizations(root).filter((f) => imagesOf(f).length > 1);
    expect(pins.scannedFiles).toBe(serviceOverlays.length);
  });

  test('falls back to the full parse when a file synth changes reads differently', () => {
    const root = tempDir();
    synthBazaar(root);
    const pins = new ScannedPins((file) => path.join(root, file));
    const files = render(bazaar(new App()), { outdir: 'dist' }, pins.read);
    // The model changed this file, and the file now reads differently from what the scan read.
    const file = 'overlays/prod/catalogue/kustomization.yaml';
    const rendered = new Map(files.entries());
    expect(pins.confirm(rendered)).toBe(true);
    rendered.set(file, `${rendered.get(file)}# changed\n`);
    const absolute = path.join(root, file);
    fs.writeFileSync(absolute, fs.readFileSync(absolute, 'utf8').replace(/newTag: .*/, 'newTag: "9.9"'));
    expect(pins.confirm(rendered)).toBe(false);
  });

  test('synth keeps a tag written by hand in a style the scan leaves to the full parse', () => {
    const root = tempDir();
    synthBazaar(root);
    const file = path.join(root, 'overlays/dev/catalogue/kustomization.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/newTag: .*/, 'newTag: 2.0.1 # hotfix'));
    synthBazaar(root);
    expect(readImagePin(file, 'bazaar/catalogue')).toEqual({ newTag: '2.0.1' });
  });

  test('fails when a kustomization synth scanned is not valid YAML outside its images, naming the file and writing nothing', () => {
    const root = tempDir();
    synthBazaar(root);
    const file = path.join(root, 'overlays/dev/catalogue/kustomization.yaml');
    const broken = fs.readFileSync(file, 'utf8').replace('kind: Kustomization\n', 'kind: Kustomization\n  extra: x\n');
    fs.writeFileSync(file, broken);
    expect(scanImagePin(broken, 'bazaar/catalogue')).not.toBe(UNSURE);
    expect(() => synth(bazaar(new App()), { rootDir: root, outdir: 'dist' })).toThrow(
      `${file}: not valid YAML: Nested mappings are not allowed in compact mappings at line 4, column 7:`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(broken);
  });
});
