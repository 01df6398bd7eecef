import { gitInit, readTree, synthFixture, tempDirsRemovedAfterEach, runCommand as run } from './support';

const tempDir = tempDirsRemovedAfterEach();

const ALLOWED = 'allowed: dev, staging, prod, kind, kind-headless';

describe('commands refuse an unknown environment with the allowed names', () => {
  // diff used to print "no changes" and exit 0 for a misspelt environment; validate named a
  // missing directory; parity reported "every difference is explained".
  test.each(['diff', 'validate', 'parity'])('fails when %s gets --env prdo', (command) => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const before = readTree(root);
    expect(run(root, command, '--env', 'prdo')).toEqual({
      status: 1,
      stdout: '',
      stderr: `${command}: [--env] unknown environment "prdo"; ${ALLOWED}\n`,
    });
    expect(readTree(root)).toEqual(before);
  });
});

describe('local environments get messages that make sense', () => {
  test('set-image into an environment that runs no services says so and where it can go', () => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const before = readTree(root);
    expect(run(root, 'set-image', 'kind-headless', 'catalogue', '1.5.0')).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'set-image: cannot set-image into kind-headless: it runs no services in the cluster (runServices: false, they run on the host); set-image into dev or kind\n',
    });
    expect(readTree(root)).toEqual(before);
  });

  test('tags compares the promotion chain only: kind pins its own tag and is named as not compared', () => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const result = run(root, 'tags');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('differs');
    expect(result.stdout.trimEnd().split('\n').pop()).toBe('not compared, outside the promotion chain: kind (local)');
    expect(run(root, 'set-image', 'dev', 'catalogue', '1.5.0').status).toBe(0);
    const changed = run(root, 'tags').stdout.split('\n');
    expect(changed.find((line) => line.startsWith('catalogue'))).toMatch(/^catalogue +1\.5\.0 .* differs$/);
    // --json: the same facts, clean JSON on stdout.
    const json = run(root, 'tags', '--json');
    expect(json.stderr).toBe('');
    const tags = JSON.parse(json.stdout);
    expect(tags.columns).toEqual(['dev', 'staging', 'prod', 'kind']);
    expect(tags.compared).toEqual(['dev', 'staging', 'prod']);
    const catalogue = tags.services.find((row: { service: string }) => row.service === 'catalogue');
    expect(catalogue).toMatchObject({
      differs: true,
      pins: { dev: { pin: '1.5.0', wave: false }, kind: { pin: 'local' } },
    });
    const history = JSON.parse(run(root, 'history', 'dev', 'catalogue', '--json').stdout);
    expect(history[0]).toMatchObject({ pin: { newTag: '1.5.0' }, commit: '(work tree)' });
  });
});

describe('parity --json', () => {
  test('prints the findings, and with --tags the lag lines, as clean JSON', () => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const findings = run(root, 'parity', '--json');
    expect(findings.stderr).toBe('');
    expect(JSON.parse(findings.stdout)).toEqual([]);
    expect(JSON.parse(run(root, 'parity', '--tags', '--json').stdout)).toEqual([
      'staging is level with dev',
      'prod is level with staging',
    ]);
  });
});

describe('diff --json', () => {
  test('prints clean JSON: the base commit, counts per environment and the changed objects', () => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const clean = run(root, 'diff', '--json');
    expect(clean.status).toBe(0);
    const parsed = JSON.parse(clean.stdout);
    expect(parsed.base).toMatch(/^[0-9a-f]{40}$/);
    expect(parsed.changes).toEqual([]);
    expect(parsed.summary).toContainEqual({ env: 'prod', added: 0, removed: 0, changed: 0 });
    expect(run(root, 'set-image', 'dev', 'catalogue', '1.5.0').status).toBe(0);
    const changed = JSON.parse(run(root, 'diff', '--json', '--env', 'dev').stdout);
    expect(changed.summary).toEqual([{ env: 'dev', added: 0, removed: 0, changed: 1 }]);
    expect(changed.changes).toEqual([expect.objectContaining({ env: 'dev', change: 'changed' })]);
    expect(changed.changes[0].id).toContain('Deployment');
  });

  test('refuses --markdown with --json', () => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    expect(run(root, 'diff', '--json', '--markdown')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'diff: --markdown and --json: choose one\n',
    });
  });
});
