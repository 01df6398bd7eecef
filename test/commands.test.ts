import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  git,
  gitInit,
  synthFixture,
  synthShop,
  tempDirsRemovedAfterEach,
  writeFixtureEntry,
  runCommand as run,
} from './support';

const repo = path.resolve(__dirname, '..');
const tempDir = tempDirsRemovedAfterEach();
const SHOP = 'platforms/shop/platform.ts';

/**
 * A git repository whose top holds a `main.ts` of the bazaar fixture (what a command would use
 * without --app) and whose `platforms/shop/` holds the synthesized shop fixture, all committed.
 */
function shopRepo(): string {
  const root = tempDir();
  writeFixtureEntry(root, 'bazaar');
  synthShop(path.join(root, 'platforms', 'shop'));
  gitInit(root);
  return root;
}

/** `git status --porcelain` of the repository: paths relative to its top. */
const status = (root: string) =>
  spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], {
    cwd: root,
    encoding: 'utf8',
  }).stdout.trimEnd();

describe('commands on the platform given by --app', () => {
  test("tags and set-image work on the entry's tree, not on the default main.ts", () => {
    const root = shopRepo();
    expect(run(root, 'tags', '--app', SHOP)).toEqual({
      status: 0,
      stdout: 'SERVICE   DEV    PROD\ncart      1.0.0  1.0.0\ncheckout  2.0.0  2.0.0\n',
      stderr: '',
    });
    expect(run(root, 'set-image', 'dev', 'cart', '1.1.0', '--app', SHOP)).toEqual({
      status: 0,
      stdout: 'SERVICE  ENV  CHANGE\ncart     dev  1.0.0 -> 1.1.0\n',
      stderr: '',
    });
    // The overlay and what synth regenerates from it, all below the entry's directory.
    expect(status(root).split('\n')).toEqual([
      ' M platforms/shop/ENVIRONMENTS.md',
      ' M platforms/shop/local/.env.example',
      ' M platforms/shop/local/docker-compose.yaml',
      ' M platforms/shop/overlays/dev/cart/kustomization.yaml',
    ]);
    expect(run(root, 'tags', '--app', SHOP).stdout).toBe(
      'SERVICE   DEV    PROD\ncart      1.1.0  1.0.0  differs\ncheckout  2.0.0  2.0.0\n',
    );
  });

  test("promote asks approval of the entry's table, commits its tree only and tags the release", () => {
    const root = shopRepo();
    run(root, 'set-image', 'dev', 'cart', '1.1.0', '--app', SHOP);
    git(root, 'commit', '-qam', 'dev cart 1.1.0');
    expect(run(root, 'promote', 'dev', 'prod', '--commit', '--app', SHOP)).toEqual({
      status: 1,
      stdout: 'SERVICE  ENV   CHANGE\ncart     prod  1.0.0 -> 1.1.0\n',
      stderr: 'promote: promotion to prod requires approval: pass --approve (or answer yes on a terminal)\n',
    });
    expect(status(root)).toBe('');
    const promoted = run(root, 'promote', 'dev', 'prod', '--commit', '--approve', '--app', SHOP);
    expect([promoted.status, promoted.stderr]).toEqual([0, '']);
    expect(promoted.stdout).toMatch(
      /^SERVICE {2}ENV {3}CHANGE\ncart {5}prod {2}1\.0\.0 -> 1\.1\.0\npromoted 1 service\(s\) dev -> prod\ncommitted [0-9a-f]+\ntagged release\/prod\/\d{4}-\d{2}-\d{2}\.1\n$/,
    );
    expect(git(root, 'log', '-1', '--format=%B')).toBe(
      'promote dev -> prod: cart\n\n- cart: 1.0.0 -> 1.1.0\n\nApproved-by: CI <ci@example.com> (--approve)',
    );
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual([
      'platforms/shop/ENVIRONMENTS.md',
      'platforms/shop/overlays/prod/cart/kustomization.yaml',
    ]);
    expect(git(root, 'tag', '--list', 'release/prod/*')).toMatch(/^release\/prod\/\d{4}-\d{2}-\d{2}\.1$/);
    expect(status(root)).toBe('');
  });

  test("history, rollback, unblock and diff read and write the entry's tree and blocklist", () => {
    const root = shopRepo();
    run(root, 'set-image', 'dev', 'cart', '1.1.0', '--app', SHOP);
    git(root, 'commit', '-qam', 'dev cart 1.1.0');
    expect(
      run(root, 'history', 'dev', 'cart', '--app', SHOP)
        .stdout.split('\n')
        .map((l) => l.split(/\s{2,}/)[0]),
    ).toEqual(['TAG', '1.1.0', '1.0.0', '']);
    const rollback = run(
      root,
      'rollback',
      'dev',
      'cart',
      '--reason',
      'memory leak',
      '--date',
      '2026-11-24',
      '--commit',
      '--app',
      SHOP,
    );
    expect([rollback.status, rollback.stderr]).toEqual([0, '']);
    expect(rollback.stdout).toMatch(
      /^SERVICE {2}ENV {2}CHANGE\ncart {5}dev {2}1\.1\.0 -> 1\.0\.0\nblocked cart 1\.1\.0: memory leak\ncommitted [0-9a-f]+\n$/,
    );
    expect(git(root, 'log', '-1', '--format=%B')).toBe(
      'rollback dev: cart\n\nReason: memory leak\n\n- cart: 1.1.0 -> 1.0.0',
    );
    expect(fs.existsSync(path.join(root, 'platforms/shop/releases/blocklist.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'releases'))).toBe(false);
    expect(run(root, 'set-image', 'dev', 'cart', '1.1.0', '--app', SHOP)).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'set-image: cart: 1.1.0 is refused: blocked on 2026-11-24 (memory leak); run npm run unblock -- cart 1.1.0 to allow it again\n',
    });
    expect(run(root, 'unblock', 'cart', '1.1.0', '--app', SHOP)).toEqual({
      status: 0,
      stdout: 'unblocked cart 1.1.0\n',
      stderr: '',
    });
    expect(status(root)).toBe(' M platforms/shop/releases/blocklist.yaml');
    expect(run(root, 'diff', '--app', SHOP)).toEqual({ status: 0, stdout: 'no changes\n', stderr: '' });
    const diff = run(root, 'diff', '--base', 'HEAD~1', '--app', SHOP);
    expect(diff.stdout.split('\n\n')[0]).toBe(
      'ENV   ADDED  REMOVED  CHANGED\ndev   0      0        1\nprod  0      0        0',
    );
  });

  test("validate and parity check the entry's tree against its own table", () => {
    const root = shopRepo();
    const validate = run(root, 'validate', '--no-cache', '--app', SHOP);
    expect([validate.status, validate.stderr]).toEqual([0, '']);
    expect(validate.stdout).toMatch(
      // Polaris's advisory warnings (no PriorityClass, one replica in dev) come first.
      /^(?:[^\n]*\(warning\)[^\n]*\n)*\nENV +OVERLAYS +OBJECTS +ERRORS +WARNINGS +WAIVED\ndev +4 +\d+ +0 +\d+ +0\nprod +4 +\d+ +0 +\d+ +0\n\n0 error\(s\)/,
    );
    expect(run(root, 'parity', '--app', SHOP)).toEqual({
      status: 0,
      stdout: 'parity: every difference between environments is explained by the environment table\n',
      stderr: '',
    });
    expect(run(root, 'parity', '--tags', '--app', SHOP)).toEqual({
      status: 0,
      stdout: 'prod is level with dev\n',
      stderr: '',
    });
  });

  test('an example works as the entry: tags and validate --app examples/ha-soranu/platform.ts exit 0', () => {
    const tags = run(repo, 'tags', '--app', 'examples/ha-soranu/platform.ts');
    expect([tags.status, tags.stderr]).toEqual([0, '']);
    expect(tags.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual([
      'SERVICE',
      'auth-service',
      'restaurant-service',
      'notification-service',
      'api-gateway',
      '',
    ]);
    const validate = run(repo, 'validate', '--no-cache', '--app', 'examples/ha-soranu/platform.ts');
    expect([validate.status, validate.stderr]).toEqual([0, '']);
    expect(validate.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(
      expect.arrayContaining(['ENV', 'dev', 'prod']),
    );
    expect(validate.stdout).not.toMatch(/^staging /m);
  });
});

describe('validate --all', () => {
  /** A repository with a default app (shop, main.ts) and one example (bazaar); a directory without platform.ts is no example. */
  function repositoryWithExamples(): string {
    const root = tempDir();
    synthFixture(root, 'shop');
    synthFixture(path.join(root, 'examples', 'bazaar'), 'bazaar', 'platform.ts');
    fs.mkdirSync(path.join(root, 'examples', 'notes'));
    fs.writeFileSync(path.join(root, 'examples', 'notes', 'README.md'), 'not a platform\n');
    return root;
  }
  const headings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('== '));
  const lastLine = (stdout: string) => stdout.trimEnd().split('\n').pop();

  test('validates the default app and every example, each under its own heading', () => {
    const root = repositoryWithExamples();
    const result = run(root, 'validate', '--all', '--no-cache');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(headings(result.stdout)).toEqual(['== main.ts', '== examples/bazaar/platform.ts']);
    expect(result.stdout).toMatch(
      /^== main\.ts\n(?:[^\n]*\(warning\)[^\n]*\n)*\nENV +OVERLAYS +OBJECTS +ERRORS +WARNINGS +WAIVED\ndev +4 /,
    );
    expect(result.stdout).toMatch(
      /\n== examples\/bazaar\/platform\.ts\n(?:[^\n]*\(warning\)[^\n]*\n)*\nENV +OVERLAYS[^\n]*\ndev +9 /,
    );
    expect(lastLine(result.stdout)).toBe('validated 2 platform(s): no errors');
  });

  test('fails when one platform has an error: exit 1, the finding under its heading, the platform named last', () => {
    const root = repositoryWithExamples();
    const patch = path.join(root, 'examples/bazaar/overlays/prod/frontend/deployment-patch.yaml');
    fs.writeFileSync(
      patch,
      fs.readFileSync(patch, 'utf8').replace(/(limits:\n\s+cpu: 500m\n)\s+memory: 512Mi\n/, '$1'),
    );
    const result = run(root, 'validate', '--all', '--no-cache');
    expect([result.status, result.stderr]).toEqual([1, '']);
    const example = result.stdout.slice(result.stdout.indexOf('== examples/bazaar/platform.ts'));
    expect(example).toContain(
      '\noverlays/prod/frontend  Deployment/frontend  resources  container frontend has no limits.memory\n',
    );
    expect(result.stdout.slice(0, result.stdout.indexOf('== examples/'))).toContain('\n0 error(s)');
    expect(lastLine(result.stdout)).toBe('validated 2 platform(s): errors in examples/bazaar/platform.ts');
    const json = run(root, 'validate', '--all', '--no-cache', '--json');
    expect(json.status).toBe(1);
    const reports = JSON.parse(json.stdout);
    expect(Object.keys(reports)).toEqual(['main.ts', 'examples/bazaar/platform.ts']);
    expect(reports['main.ts'].findings.filter((f: any) => f.severity === 'error')).toEqual([]);
    expect(reports['examples/bazaar/platform.ts'].findings.map((f: any) => f.check)).toContain('resources');
  });

  test('fails when --all is given with --app or --env: one line, exit 1', () => {
    const root = repositoryWithExamples();
    const usage =
      'usage: npm run validate [-- --app <file.ts> | --all] [--env <env>]... [--json] [--no-cache] [--quiet]';
    expect(run(root, 'validate', '--all', '--app', 'main.ts')).toEqual({
      status: 1,
      stdout: '',
      stderr: `validate: --all validates the default app and every example, so it takes no --app; ${usage}\n`,
    });
    expect(run(root, 'validate', '--all', '--env', 'prod')).toEqual({
      status: 1,
      stdout: '',
      stderr: `validate: --env cannot be combined with --all: each platform has its own environments; ${usage}\n`,
    });
  });
});

describe('command lines', () => {
  const commands = ['promote', 'set-image', 'rollback', 'unblock', 'history', 'tags', 'validate', 'diff', 'parity'];

  test.each(commands)('fails when %s gets an unknown option: one line naming it and the allowed options', (command) => {
    const result = run(tempDir(), command, '--bogus');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^${command}: unknown option --bogus; allowed: --app(, --[a-z-]+)*; usage: npm run ${command} [^\\n]*--app <file\\.ts>[^\\n]*\\n$`,
      ),
    );
  });

  test('fails when examples gets an option: it takes only --quiet', () => {
    expect(run(tempDir(), 'examples', '--app', 'x.ts')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'examples: unknown option --app; allowed: --quiet; usage: npm run examples [-- --quiet]\n',
    });
  });

  test('fails when --app names no file, or a rollback has no reason', () => {
    const cwd = tempDir();
    expect(run(cwd, 'tags', '--app', 'nope.ts')).toEqual({
      status: 1,
      stdout: '',
      stderr: `tags: --app "nope.ts": no such file in ${cwd}; pass --app <file.ts>\n`,
    });
    expect(run(cwd, 'rollback', 'prod', 'cart').stderr).toBe(
      'rollback: --reason is required; usage: npm run rollback -- <env> [<service>...] --reason "<why>" [--cluster <name>] [--app <file.ts>] [--to <tag>] [--date YYYY-MM-DD] [--commit] [--approve]\n',
    );
  });
});
