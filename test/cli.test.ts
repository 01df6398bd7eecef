import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, runCommand, synthShop, tempDir } from './support';

const repo = path.resolve(__dirname, '..');

/** Runs `npm run synth`'s command on a tiny app entry (like main.ts) in `root`; returns its exit code and output. */
function runSynth(root: string, body: string, ...args: string[]) {
  const entry = path.join(root, 'entry.ts');
  fs.writeFileSync(
    entry,
    `import { App } from '${repo}/node_modules/cdk8s';\n` +
      `import { EnvironmentTable, Microservice, Platform, Scaling } from '${repo}/lib';\n` +
      `export function shop(app: App): Platform {\n${body}\n}\n`,
  );
  const result = spawnSync(process.execPath, [path.join(repo, 'scripts', 'synth.mjs'), '--app', entry, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  fs.rmSync(entry);
  // The time is the one part of the summary that differs from run to run.
  const stdout = result.stdout.replace(/ in \d+\.\d\d s$/gm, ' in T s');
  return { status: result.status, stdout, stderr: result.stderr };
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
    expect(result).toEqual({
      status: 0,
      stdout:
        initial +
        'synth entry.ts: 19 files written (19 new, 0 changed), 0 removed, 0 unchanged in T s\n' +
        '  ENVIRONMENTS.md  1 new, 0 changed, 0 removed, 0 unchanged\n' +
        '  Makefile         1 new, 0 changed, 0 removed, 0 unchanged\n' +
        '  dist/            7 new, 0 changed, 0 removed, 0 unchanged\n' +
        '  local/           2 new, 0 changed, 0 removed, 0 unchanged\n' +
        '  overlays/        8 new, 0 changed, 0 removed, 0 unchanged\n',
      stderr: '',
    });
    expect(Object.keys(readTree(root))).toContain('overlays/dev/cart/kustomization.yaml');
  });

  test('says what it wrote per directory; nothing when nothing changed; --quiet leaves the summary out', () => {
    const root = tempDir();
    runSynth(root, MODEL(8080));
    expect(runSynth(root, MODEL(8080))).toEqual({
      status: 0,
      stdout: 'synth entry.ts: nothing changed, 19 files up to date in T s\n',
      stderr: '',
    });
    fs.writeFileSync(path.join(root, 'overlays', 'stray.yaml'), 'kind: Stray\n');
    expect(runSynth(root, MODEL(9090))).toEqual({
      status: 0,
      stdout:
        'synth entry.ts: 4 files written (0 new, 4 changed), 1 removed, 15 unchanged in T s\n' +
        '  ENVIRONMENTS.md  0 new, 1 changed, 0 removed, 0 unchanged\n' +
        '  dist/            0 new, 2 changed, 0 removed, 5 unchanged\n' +
        '  local/           0 new, 1 changed, 0 removed, 1 unchanged\n' +
        '  overlays/        0 new, 0 changed, 1 removed, 8 unchanged\n',
      stderr: '',
    });
    expect(fs.existsSync(path.join(root, 'overlays', 'stray.yaml'))).toBe(false);
    expect(runSynth(root, MODEL(8080), '--quiet')).toEqual({ status: 0, stdout: '', stderr: '' });
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

describe('commands through their bundle (scripts/command.mjs)', () => {
  const launcher = path.join(repo, 'scripts', 'command.mjs');
  const manifest = path.join(repo, '.cache', 'commands', 'tags.json');

  test('an edit of the app entry is loaded without rebuilding the bundle', () => {
    const root = tempDir();
    synthShop(root);
    const tags = 'SERVICE   DEV    PROD\ncart      1.0.0  1.0.0\ncheckout  2.0.0  2.0.0\n';
    expect(runCommand(root, 'tags', '--app', 'platform.ts')).toEqual({ status: 0, stdout: tags, stderr: '' });
    const built = fs.statSync(manifest).mtimeMs;
    // A model edit changes the entry, not the library the bundle holds.
    fs.appendFileSync(path.join(root, 'platform.ts'), '// edited\n');
    expect(runCommand(root, 'tags', '--app', 'platform.ts')).toEqual({ status: 0, stdout: tags, stderr: '' });
    expect(fs.statSync(manifest).mtimeMs).toBe(built);
  });

  test('synth loads an edited model without rebuilding its bundle', () => {
    const root = tempDir();
    expect(runSynth(root, MODEL(8080), '--quiet').status).toBe(0);
    const synthManifest = path.join(repo, '.cache', 'synth', 'synth.json');
    const built = fs.statSync(synthManifest).mtimeMs;
    expect(runSynth(root, MODEL(8081), '--quiet')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(root, 'dist/cart/deployment.yaml'), 'utf8')).toContain('containerPort: 8081');
    expect(fs.statSync(synthManifest).mtimeMs).toBe(built);
  });

  test('fails when the command is unknown: exit 2, naming the commands there are', () => {
    const result = spawnSync(process.execPath, [launcher, 'bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^command: unknown command "bogus"; allowed: derive-upstream, diff, docs, [a-z, -]*validate, verify; usage: node scripts\/command\.mjs <command> \[args\.\.\.\]\n$/,
    );
  });
});
