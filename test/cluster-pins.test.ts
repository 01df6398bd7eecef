import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synth } from '../lib';
import { readImagePin } from '../lib/kube/image-pin';
import { kustomizeSync } from '../lib/kube/kubectl';
import {
  clusterHistory,
  effectivePin,
  fleetTagTable,
  planClusterRollback,
  planClusterSetImage,
  planFleetPromotion,
  resolveAddress,
} from '../lib/release/cluster-pins';
import { applyChanges, formatChanges, planSetImage, PromotionContext } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { LoadedApp } from '../lib/synth/load-app';
import { render } from '../lib/synth/render';
import { git, gitInit, readTree, synthFixture, tempDir } from './support';

/** A synthesized fleet fixture (dev -> staging -> prod on prod-eu and prod-us) in its own directory. */
function setup(): { app: LoadedApp; ctx: PromotionContext } {
  const app = synthFixture(tempDir(), 'fleet');
  return { app, ctx: releaseContext(app) };
}

/** Writes `changes` and synthesizes again, as the commands do. */
function apply(app: LoadedApp, ctx: PromotionContext, changes: Parameters<typeof applyChanges>[1]) {
  applyChanges(ctx, changes);
  synth(app.platform, app.options);
}

/** The image the API's Deployment runs in one cluster of prod, rendered by Kustomize. */
function image(ctx: PromotionContext, cluster: string): string {
  const objects = kustomizeSync(path.join(ctx.rootDir, 'overlays/prod/clusters', cluster, 'api'));
  return (objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0].image;
}

const clusterFile = (ctx: PromotionContext, cluster: string) =>
  path.join(ctx.rootDir, 'overlays/prod/clusters', cluster, 'api/kustomization.yaml');

/** Brings 1.1.0 of the API to staging. */
function stage(app: LoadedApp, ctx: PromotionContext) {
  apply(app, ctx, planSetImage(ctx, 'dev', 'api', '1.1.0'));
  apply(app, ctx, planFleetPromotion(ctx, { from: 'dev', to: 'staging' }));
}

describe('promotion across clusters', () => {
  test('promote staging prod moves every prod cluster at once through the environment pin', () => {
    const { app, ctx } = setup();
    stage(app, ctx);
    const changes = planFleetPromotion(ctx, { from: 'staging', to: 'prod' });
    expect(formatChanges(changes)).toBe('SERVICE  ENV   CHANGE\napi      prod  1.0.0 -> 1.1.0\n');
    apply(app, ctx, changes);
    expect(image(ctx, 'prod-eu')).toBe('fleet/api:1.1.0');
    expect(image(ctx, 'prod-us')).toBe('fleet/api:1.1.0');
    expect(readImagePin(clusterFile(ctx, 'prod-eu'), 'fleet/api')).toBeUndefined();
  });

  test('a wave: --cluster prod-eu pins one cluster apart, prod-eu -> prod-us follows, the full promotion folds them back', () => {
    const { app, ctx } = setup();
    stage(app, ctx);
    apply(app, ctx, planFleetPromotion(ctx, { from: 'staging', to: 'prod', cluster: 'prod-eu' }));
    expect([image(ctx, 'prod-eu'), image(ctx, 'prod-us')]).toEqual(['fleet/api:1.1.0', 'fleet/api:1.0.0']);
    expect(fleetTagTable(ctx)).toBe(
      'SERVICE  DEV    STAGING  PROD/PROD-EU  PROD/PROD-US\n' +
        'api      1.1.0  1.1.0    1.1.0 (wave)  1.0.0         differs\n' +
        'web      2.0.0  2.0.0    2.0.0         2.0.0\n',
    );
    // synth keeps the wave pin it finds, like every pin.
    expect(readImagePin(clusterFile(ctx, 'prod-eu'), 'fleet/api')).toEqual({ newTag: '1.1.0' });
    const next = planFleetPromotion(ctx, { from: 'prod-eu', to: 'prod-us' });
    expect(formatChanges(next)).toBe('SERVICE  ENV           CHANGE\napi      prod/prod-us  1.0.0 -> 1.1.0\n');
    apply(app, ctx, next);
    expect(image(ctx, 'prod-us')).toBe('fleet/api:1.1.0');
    apply(app, ctx, planFleetPromotion(ctx, { from: 'staging', to: 'prod' }));
    expect(readImagePin(path.join(ctx.rootDir, 'overlays/prod/api/kustomization.yaml'), 'fleet/api')).toEqual({
      newTag: '1.1.0',
    });
    for (const cluster of ['prod-eu', 'prod-us']) {
      expect(readImagePin(clusterFile(ctx, cluster), 'fleet/api')).toBeUndefined();
      expect(image(ctx, cluster)).toBe('fleet/api:1.1.0');
    }
    // What the promotion left is what synth writes for those pins: nothing half-edited remains.
    const fresh = render(app.platform, app.options, (file, img) => readImagePin(path.join(ctx.rootDir, file), img));
    const tree = readTree(ctx.rootDir);
    for (const [file, content] of fresh.entries()) expect([file, tree[file]]).toEqual([file, content]);
  });

  test('all or nothing: when one service cannot move, no cluster and no file changes', () => {
    const { app, ctx } = setup();
    stage(app, ctx);
    // set-image writes only into the chain's first stage: web reaches staging by promotion.
    apply(app, ctx, planSetImage(ctx, 'dev', 'web', '2.1.0'));
    apply(app, ctx, planFleetPromotion(ctx, { from: 'dev', to: 'staging', only: ['web'] }));
    const before = readTree(ctx.rootDir);
    const refusing = { ...ctx, refuse: (s: { name: string }) => (s.name === 'web' ? 'rolled back' : undefined) };
    expect(() => planFleetPromotion(refusing, { from: 'staging', to: 'prod', cluster: 'prod-eu' })).toThrow(
      'web: 2.1.0 is refused: rolled back',
    );
    expect(() => planFleetPromotion(refusing, { from: 'staging', to: 'prod' })).toThrow('web: 2.1.0 is refused');
    expect(readTree(ctx.rootDir)).toEqual(before);
  });

  test('set-image --cluster pins one cluster; the other keeps the environment pin', () => {
    const { app, ctx } = setup();
    apply(app, ctx, planClusterSetImage(ctx, 'prod', 'prod-us', 'api', '1.0.1'));
    expect([image(ctx, 'prod-eu'), image(ctx, 'prod-us')]).toEqual(['fleet/api:1.0.0', 'fleet/api:1.0.1']);
    expect(effectivePin(ctx, resolveAddress(ctx, 'prod', 'prod-us'), app.platform.services[0])).toEqual({
      newTag: '1.0.1',
    });
  });

  test('fails when a cluster is unknown, belongs to a single-cluster environment, or two addresses are one stage', () => {
    const { ctx } = setup();
    expect(() => planFleetPromotion(ctx, { from: 'staging', to: 'prod', cluster: 'prod-ap' })).toThrow(
      '[environments/prod] unknown cluster "prod-ap"; allowed: prod-eu, prod-us',
    );
    expect(() => planFleetPromotion(ctx, { from: 'dev', to: 'staging', cluster: 'staging' })).toThrow(
      "--cluster staging: staging deploys to one cluster (staging), its pin is the cluster's; drop --cluster",
    );
    expect(() => planFleetPromotion(ctx, { from: 'prod-eu', to: 'prod' })).toThrow(
      'cannot promote prod/prod-eu into prod: name two clusters of prod',
    );
    expect(() => planFleetPromotion(ctx, { from: 'prod-eu', to: 'prod-us', cluster: 'prod-eu' })).toThrow(
      'prod-us is a cluster of prod; --cluster prod-eu names another',
    );
    expect(() => planFleetPromotion(ctx, { from: 'dev', to: 'prod' })).toThrow(
      'cannot promote dev -> prod: it skips staging (promotion order: dev -> staging -> prod); promote stage by stage or pass --skip-stage',
    );
  });
});

describe('rollback and history per cluster', () => {
  test('rollback --cluster puts one cluster back on the tag it ran before; the other keeps the environment pin', () => {
    const { app, ctx } = setup();
    gitInit(ctx.rootDir);
    stage(app, ctx);
    apply(app, ctx, planFleetPromotion(ctx, { from: 'staging', to: 'prod' }));
    git(ctx.rootDir, 'commit', '-qam', 'promote api 1.1.0');
    const changes = planClusterRollback(ctx, { env: 'prod', cluster: 'prod-us', services: ['api'] });
    expect(formatChanges(changes)).toBe('SERVICE  ENV           CHANGE\napi      prod/prod-us  1.1.0 -> 1.0.0\n');
    apply(app, ctx, changes);
    expect([image(ctx, 'prod-eu'), image(ctx, 'prod-us')]).toEqual(['fleet/api:1.1.0', 'fleet/api:1.0.0']);
    const history = clusterHistory(ctx, resolveAddress(ctx, 'prod', 'prod-us'), app.platform.services[0]);
    expect(history.map((h) => [h.pin.newTag, h.subject])).toEqual([
      ['1.0.0', 'uncommitted'],
      ['1.1.0', 'promote api 1.1.0'],
      ['1.0.0', 'base'],
    ]);
    expect(() => planClusterRollback(ctx, { env: 'prod', cluster: 'prod-us', services: ['web'] })).toThrow(
      'prod/prod-us: no earlier tag of fleet/web in git history to roll back to; pass --to <tag>',
    );
  });

  test('npm run tags shows environment x cluster x service', () => {
    const { ctx } = setup();
    const tsx = require.resolve('tsx');
    const script = path.resolve(__dirname, '..', 'scripts', 'tags.ts');
    const result = spawnSync(process.execPath, ['--import', tsx, script], { cwd: ctx.rootDir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'SERVICE  DEV    STAGING  PROD/PROD-EU  PROD/PROD-US\n' +
        'api      1.0.0  1.0.0    1.0.0         1.0.0\n' +
        'web      2.0.0  2.0.0    2.0.0         2.0.0\n',
    );
    expect(fs.existsSync(path.join(ctx.rootDir, 'main.ts'))).toBe(true);
  });
});
