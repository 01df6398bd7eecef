import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, tempDir } from './support';

const repo = path.resolve(__dirname, '..');

/** Runs `npm run synth`'s command on a tiny app entry (like main.ts) in `root`; returns its exit code and output. */
function runSynth(root: string, body: string) {
  const entry = path.join(root, 'entry.ts');
  fs.writeFileSync(
    entry,
    `import { App } from '${repo}/node_modules/cdk8s';\n` +
      `import { EnvironmentTable, Microservice, Platform, Scaling } from '${repo}/lib';\n` +
      `export function shop(app: App): Platform {\n${body}\n}\n`,
  );
  const result = spawnSync(process.execPath, [path.join(repo, 'scripts', 'synth.mjs'), '--app', entry], {
    cwd: root,
    encoding: 'utf8',
  });
  fs.rmSync(entry);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MODEL = (port: number) => `
  const environments = new EnvironmentTable([
    { name: 'dev', namespace: 'shop-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
  ]);
  const platform = new Platform(app, 'shop', { environments });
  new Microservice(platform, 'cart', { image: 'shop/cart', port: ${port}, initialTag: '1.0.0' });
  return platform;
`;

describe('synth as a command', () => {
  test('writes dist/ and overlays/ and exits 0', () => {
    const root = tempDir();
    const result = runSynth(root, MODEL(8080));
    // Every pin synth had to take from initialTag is named.
    const initial = 'overlays/dev/cart/kustomization.yaml: new overlay, shop/cart starts at initial tag 1.0.0\n';
    expect(result).toEqual({ status: 0, stdout: initial, stderr: '' });
    expect(Object.keys(readTree(root))).toContain('overlays/dev/cart/kustomization.yaml');
  });

  test('fails when the model is invalid: one line, exit 1, no file touched', () => {
    const root = tempDir();
    runSynth(root, MODEL(8080));
    const before = readTree(root);
    const result = runSynth(root, MODEL(0));
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'synth: [shop/cart] port must be an integer from 1 to 65535, got 0\n',
    });
    expect(readTree(root)).toEqual(before);
  });
});
