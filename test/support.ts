import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { bazaar } from './fixtures/platforms/bazaar';
import { synth } from '../lib';
import { FileSet } from '../lib/core/file-set';
import { resolveAppEntry } from '../lib/synth/app-entry';
import { LoadedApp, loadApp } from '../lib/synth/load-app';

/** Every directory `tempDir` made in this test file and has not removed yet. */
const madeInThisFile = new Set<string>();

// Jest loads this module once per test file, at its top level: the hook removes what the file made.
afterAll(() => {
  for (const dir of madeInThisFile) fs.rmSync(dir, { recursive: true, force: true });
  madeInThisFile.clear();
});

/**
 * A fresh temp directory, removed (with everything in it) when the test file that made it is
 * done, whether its tests passed or not. Every temp directory of a test comes from here;
 * `test/temp-root/teardown.js` fails the run when one is left behind.
 */
export function tempDir(prefix = 'stagecraft-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeInThisFile.add(dir);
  return dir;
}

/** A `tempDir` per call, each removed already after the test that made it (call once per file, at the top). */
export function tempDirsRemovedAfterEach(): (prefix?: string) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
      madeInThisFile.delete(dir);
    }
  });
  return (prefix) => {
    const dir = tempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/** A cdk8s Chart for construct tests (unlike `Testing.chart()`, it creates no temp directory). */
export function testChart(): Chart {
  return new Chart(new App(), 'test');
}

/** Runs git in `dir` (identity set) and returns its trimmed stdout; throws on failure. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Makes `dir` a git repository (with an identity, for commands that commit) with everything in it committed as `base`. */
export function gitInit(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'CI');
  git(dir, 'config', 'user.email', 'ci@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
}

/** The fixture platforms of the library tests, each an app entry module in test/fixtures/platforms/. */
export type FixtureName = 'bazaar' | 'fleet' | 'relay' | 'relay-fleet' | 'shop';

/**
 * Writes `<dir>/<file>`, an app entry that re-exports the fixture platform `name` (its factory and
 * synth options), so a command run in `dir` (default entry `main.ts`) or with `--app` works on it.
 */
export function writeFixtureEntry(dir: string, name: FixtureName, file = 'main.ts'): string {
  fs.mkdirSync(dir, { recursive: true });
  const fixture = path.resolve(__dirname, 'fixtures', 'platforms', name);
  const entry = path.join(dir, file);
  fs.writeFileSync(entry, `export * from ${JSON.stringify(fixture)};\n`);
  return entry;
}

/** Writes an app entry `<dir>/<file>` for fixture `name` and synthesizes it as `npm run synth --app` would. */
export function synthFixture(dir: string, name: FixtureName, file = 'main.ts'): LoadedApp {
  const app = loadApp(resolveAppEntry({ app: writeFixtureEntry(dir, name, file) }));
  synth(app.platform, app.options);
  return app;
}

/**
 * Writes `<dir>/platform.ts`, an app entry for the shop fixture (test/fixtures/platforms/shop.ts:
 * cart and checkout, dev -> prod), synthesizes it into `dir` and returns it.
 */
export function synthShop(dir: string): LoadedApp {
  return synthFixture(dir, 'shop', 'platform.ts');
}

/**
 * Synthesizes Bazaar (test/fixtures/platforms/bazaar.ts, the full-size fixture) into `root`
 * (dist/ and overlays/, no entry file) and returns the file set.
 */
export function synthBazaar(root: string): FileSet {
  return synth(bazaar(new App()), { rootDir: root, outdir: 'dist' });
}

/** Every file below `root` by relative path. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/**
 * Runs `npm run <command> -- ...args` of this repository in `cwd`, with no terminal: through
 * scripts/command.mjs, the bundled launcher package.json runs.
 */
export function runCommand(
  cwd: string,
  command: string,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const launcher = path.resolve(__dirname, '..', 'scripts', 'command.mjs');
  const result = spawnSync(process.execPath, [launcher, command, ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The egress rule of `allow-dns-egress`, as every default-deny environment renders it: kube-dns
 * in kube-system, UDP and TCP 53 (a literal, so tests do not take it from the code under test).
 */
export const DNS_EGRESS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};
