import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { readImagePin } from '../lib/kube/image-pin';
import { kustomizeSync } from '../lib/kube/kubectl';
import {
  applyChanges,
  formatChanges,
  parseImageReference,
  planPromotion,
  planSetImage,
  PromotionContext,
} from '../lib/release/promotion';
import { fleetTagTable } from '../lib/release/cluster-pins';
import { bazaar } from './fixtures/platforms/bazaar';
import { readTree, synthBazaar, tempDir, writeFixtureEntry } from './support';

const DIGEST = 'sha256:' + 'd'.repeat(64);

function setup(): PromotionContext {
  const rootDir = tempDir();
  synthBazaar(rootDir);
  return { platform: bazaar(new App()), rootDir };
}

/** The overlays of a tree: what promotion writes (synth then refreshes ENVIRONMENTS.md). */
function overlays(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(readTree(root)).filter(([file]) => file.startsWith('overlays/')));
}

function pin(ctx: PromotionContext, env: string, service: string) {
  return readImagePin(path.join(ctx.rootDir, 'overlays', env, service, 'kustomization.yaml'), `bazaar/${service}`);
}

describe('set-image and promote rules', () => {
  test('set-image pins a tag in one overlay; promote copies it to the next stage', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    const changes = planPromotion(ctx, { from: 'dev', to: 'staging' });
    expect(formatChanges(changes)).toBe('SERVICE    ENV      CHANGE\ncatalogue  staging  1.4.2 -> 1.5.0\n');
    applyChanges(ctx, changes);
    expect(pin(ctx, 'staging', 'catalogue')).toEqual({ newTag: '1.5.0' });
    expect(pin(ctx, 'prod', 'catalogue')).toEqual({ newTag: '1.4.2' });
  });

  test('promotion is idempotent: a second run has nothing to change', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'voting', '2.2.0'));
    applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging' }));
    expect(planPromotion(ctx, { from: 'dev', to: 'staging' })).toEqual([]);
  });

  test('digests travel with tags, and --only limits the services', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'voting', `2.2.0@${DIGEST}`));
    applyChanges(ctx, planSetImage(ctx, 'dev', 'frontend', '1.9.0'));
    const changes = planPromotion(ctx, { from: 'dev', to: 'staging', only: ['voting'] });
    expect(changes.map((c) => [c.service, c.after])).toEqual([['voting', { newTag: '2.2.0', digest: DIGEST }]]);
    applyChanges(ctx, changes);
    expect(pin(ctx, 'staging', 'voting')).toEqual({ newTag: '2.2.0', digest: DIGEST });
    expect(pin(ctx, 'staging', 'frontend')).toEqual({ newTag: '1.8.0' });
  });

  test('promotion writes exactly what synth would write: digests, number-like tags, back to plain', () => {
    const ctx = setup();
    for (const reference of [`2.2.0@${DIGEST}`, '1.10', '1.11.0', DIGEST, '2.3.0']) {
      applyChanges(ctx, planSetImage(ctx, 'dev', 'voting', reference));
      applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging' }));
      const written = overlays(ctx.rootDir);
      synthBazaar(ctx.rootDir);
      expect(overlays(ctx.rootDir)).toEqual(written);
    }
  });

  test('number-like tags stay strings', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.10'));
    applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging' }));
    const text = fs.readFileSync(path.join(ctx.rootDir, 'overlays/staging/catalogue/kustomization.yaml'), 'utf8');
    expect(text).toContain('    newTag: "1.10"\n');
    expect(pin(ctx, 'staging', 'catalogue')).toEqual({ newTag: '1.10' });
  });

  test('fails when the environment or service is unknown', () => {
    const ctx = setup();
    expect(() => planSetImage(ctx, 'qa', 'catalogue', '1.0.0')).toThrow(
      '[environments] unknown environment "qa"; allowed: dev, staging, prod',
    );
    expect(() => planSetImage(ctx, 'dev', 'cart', '1.0.0')).toThrow(
      'unknown service "cart"; allowed: catalogue, voting, recommendation, frontend',
    );
    expect(() => planPromotion(ctx, { from: 'dev', to: 'staging', only: ['cart'] })).toThrow('unknown service "cart"');
  });

  test('fails when the tag or digest is not valid', () => {
    expect(() => parseImageReference('-bad')).toThrow(
      `"-bad" is not a valid image tag: use 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'`,
    );
    expect(() => parseImageReference('x'.repeat(129))).toThrow('is not a valid image tag');
    expect(() => parseImageReference('sha256:abc')).toThrow(
      '"sha256:abc" is not a valid image digest: use sha256: followed by 64 hex digits',
    );
    expect(parseImageReference(DIGEST)).toEqual({ digest: DIGEST });
  });

  test('fails when latest is pinned anywhere but dev', () => {
    const ctx = setup();
    expect(planSetImage(ctx, 'dev', 'catalogue', 'latest')).toHaveLength(1);
    // kind-headless runs no services, so it takes no image at all (command-refusals.test.ts).
    expect(() => planSetImage(ctx, 'kind-headless', 'catalogue', 'latest')).toThrow(
      'cannot set-image into kind-headless: it runs no services in the cluster',
    );
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', 'latest'));
    expect(() => planPromotion(ctx, { from: 'dev', to: 'staging' })).toThrow(
      'catalogue: tag "latest" is not allowed in staging',
    );
  });

  test('fails when promotion skips a stage, unless --skip-stage; the order comes from the table', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    expect(() => planPromotion(ctx, { from: 'dev', to: 'prod' })).toThrow(
      'cannot promote dev -> prod: it skips staging (promotion order: dev -> staging -> prod); promote stage by stage or pass --skip-stage',
    );
    expect(planPromotion(ctx, { from: 'dev', to: 'prod', skipStage: true })).toHaveLength(1);
    expect(() => planPromotion(ctx, { from: 'prod', to: 'dev' })).toThrow(
      'cannot promote prod -> dev: dev is not downstream of prod (promotion order: dev -> staging -> prod)',
    );
  });

  test('fails when the source overlay pins no tag', () => {
    const ctx = setup();
    const file = path.join(ctx.rootDir, 'overlays/dev/voting/kustomization.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    newTag: 2.1.0\n', ''));
    expect(() => planPromotion(ctx, { from: 'dev', to: 'staging' })).toThrow(
      'overlays/dev/voting/kustomization.yaml: no tag pinned for bazaar/voting, nothing to promote from dev',
    );
  });

  test('fails when a target overlay is malformed, naming the file, and writes nothing', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    applyChanges(ctx, planSetImage(ctx, 'dev', 'voting', '2.2.0'));
    fs.writeFileSync(
      path.join(ctx.rootDir, 'overlays/staging/voting/kustomization.yaml'),
      'kind: Kustomization\nimages: [\n',
    );
    const before = readTree(ctx.rootDir);
    expect(() => planPromotion(ctx, { from: 'dev', to: 'staging' })).toThrow(
      'overlays/staging/voting/kustomization.yaml: not valid YAML: ',
    );
    expect(readTree(ctx.rootDir)).toEqual(before);
    fs.writeFileSync(path.join(ctx.rootDir, 'overlays/staging/voting/kustomization.yaml'), 'kind: Component\n');
    expect(() => planPromotion(ctx, { from: 'dev', to: 'staging' })).toThrow(
      'overlays/staging/voting/kustomization.yaml: not a kustomization (expected kind: Kustomization)',
    );
  });

  test('refuses a pin the context refuses (the rollback blocklist)', () => {
    const ctx = {
      ...setup(),
      refuse: (_: unknown, p: { newTag?: string }) => (p.newTag === '9.9.9' ? 'rolled back' : undefined),
    };
    expect(() => planSetImage(ctx, 'dev', 'catalogue', '9.9.9')).toThrow('catalogue: 9.9.9 is refused: rolled back');
  });

  test('the tag table marks where environments differ', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'frontend', '1.9.0'));
    expect(fleetTagTable(ctx)).toBe(
      [
        'SERVICE         DEV    STAGING  PROD   KIND',
        'catalogue       1.4.2  1.4.2    1.4.2  local',
        'voting          2.1.0  2.1.0    2.1.0  local',
        'recommendation  1.2.5  1.2.5    1.2.5  local',
        'frontend        1.9.0  1.8.0    1.8.0  local  differs',
        'not compared, outside the promotion chain: kind (local)',
        '',
      ].join('\n'),
    );
  });

  test('round trip: set-image -> promote -> synth keeps the tag -> Kustomize renders the new image', () => {
    const ctx = setup();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'recommendation', '1.3.0'));
    applyChanges(ctx, planPromotion(ctx, { from: 'dev', to: 'staging' }));
    applyChanges(ctx, planPromotion(ctx, { from: 'staging', to: 'prod' }));
    const promoted = overlays(ctx.rootDir);
    synthBazaar(ctx.rootDir);
    // Synth keeps the promoted tags and rewrites nothing promotion wrote.
    expect(overlays(ctx.rootDir)).toEqual(promoted);
    for (const env of ['dev', 'staging', 'prod']) {
      const objects = kustomizeSync(path.join(ctx.rootDir, 'overlays', env, 'recommendation'));
      const deployment = objects.find((o) => o.kind === 'Deployment') as any;
      expect(deployment.spec.template.spec.containers[0].image).toBe('bazaar/recommendation:1.3.0');
    }
  });
});

describe('promotion commands', () => {
  const repo = path.resolve(__dirname, '..');
  const tsx = require.resolve('tsx');

  /** A temp git repo holding a synthesized platform, committed. */
  function gitRepo(): string {
    const root = tempDir();
    synthBazaar(root);
    writeFixtureEntry(root, 'bazaar');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'CI');
    git('add', '-A');
    git('commit', '-qm', 'base');
    return root;
  }

  function run(root: string, script: string, args: string[]) {
    const result = spawnSync(process.execPath, ['--import', tsx, path.join(repo, 'scripts', script), ...args], {
      cwd: root,
      encoding: 'utf8',
      input: '',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  const gitOut = (root: string, ...args: string[]) =>
    spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();

  test('promote to prod needs approval, commits with old -> new tags and creates an annotated release tag', () => {
    const root = gitRepo();
    // Staging takes images only by promotion: set-image into dev, then promote.
    expect(run(root, 'set-image.ts', ['staging', 'catalogue', '1.5.0']).stderr).toBe(
      'set-image: cannot set-image into staging: it takes images only by promotion (promotion order: dev -> staging -> prod); set-image into dev or kind and promote\n',
    );
    expect(run(root, 'set-image.ts', ['dev', 'catalogue', '1.5.0']).status).toBe(0);
    expect(run(root, 'promote.ts', ['dev', 'staging']).status).toBe(0);
    // A dirty work tree is refused before anything is written.
    expect(run(root, 'promote.ts', ['staging', 'prod', '--commit', '--approve'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'promote: refusing to commit the promotion: the work tree has 5 uncommitted change(s) (first: ENVIRONMENTS.md); commit or stash them first\n',
    });
    spawnSync('git', ['commit', '-qam', 'staging catalogue 1.5.0'], { cwd: root });
    const refused = run(root, 'promote.ts', ['staging', 'prod', '--commit']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      'promote: promotion to prod requires approval: pass --approve (or answer yes on a terminal)\n',
    );
    expect(gitOut(root, 'status', '--porcelain')).toBe('');

    const result = run(root, 'promote.ts', ['staging', 'prod', '--commit', '--approve']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('catalogue  prod  1.4.2 -> 1.5.0\n');
    expect(gitOut(root, 'log', '-1', '--format=%B')).toBe(
      'promote staging -> prod: catalogue\n\n- catalogue: 1.4.2 -> 1.5.0\n\nApproved-by: CI <ci@example.com> (--approve)',
    );
    expect(
      gitOut(root, 'show', '--stat', '--format=', 'HEAD')
        .split('\n')
        .map((l) => l.split('|')[0].trim()),
    ).toEqual([
      'ENVIRONMENTS.md',
      'overlays/prod/catalogue/kustomization.yaml',
      '2 files changed, 2 insertions(+), 2 deletions(-)',
    ]);
    const tag = gitOut(root, 'tag', '--list', 'release/prod/*');
    expect(tag).toMatch(/^release\/prod\/\d{4}-\d{2}-\d{2}\.1$/);
    expect(gitOut(root, 'cat-file', '-t', tag)).toBe('tag');
    expect(run(root, 'promote.ts', ['staging', 'prod', '--approve']).stdout).toBe(
      'nothing to promote: prod already pins what staging pins\n',
    );
  });

  test('--dry-run prints the plan and writes nothing', () => {
    const root = gitRepo();
    run(root, 'set-image.ts', ['dev', 'voting', '2.2.0']);
    spawnSync('git', ['commit', '-qam', 'dev voting'], { cwd: root });
    const result = run(root, 'promote.ts', ['dev', 'staging', '--dry-run']);
    expect(result).toEqual({
      status: 0,
      stdout: 'SERVICE  ENV      CHANGE\nvoting   staging  2.1.0 -> 2.2.0\ndry run: nothing written\n',
      stderr: '',
    });
    expect(gitOut(root, 'status', '--porcelain')).toBe('');
  });

  test('fails when a tag is invalid: one line, exit 1', () => {
    const root = gitRepo();
    expect(run(root, 'set-image.ts', ['dev', 'voting', 'bad tag'])).toEqual({
      status: 1,
      stdout: '',
      stderr: `set-image: "bad tag" is not a valid image tag: use 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'\n`,
    });
  });
});
