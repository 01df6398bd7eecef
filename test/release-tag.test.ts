import * as path from 'path';
import { EnvironmentTable, Scaling } from '../lib';
import { isIsoDay, isoDay } from '../lib/core/day';
import { isReleaseEnvironment, releaseTagPrefix, tagRelease } from '../lib/release/release-tag';
import { git, gitInit, synthShop, tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();
const table = new EnvironmentTable([
  { name: 'dev', namespace: 'shop-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
  {
    name: 'prod',
    namespace: 'shop-prod',
    promotedFrom: 'dev',
    requiresApproval: true,
    scaling: Scaling.fixed(2),
    resources: { cpu: '100m', memory: '128Mi' },
  },
]);

describe('release tags', () => {
  test('are named release/<env>/<day>; only environments that require approval get them', () => {
    expect(releaseTagPrefix('prod', '2026-11-24')).toBe('release/prod/2026-11-24');
    expect(isReleaseEnvironment(table.get('prod'))).toBe(true);
    expect(isReleaseEnvironment(table.get('dev'))).toBe(false);
  });

  test('the day is the UTC calendar day', () => {
    expect(isoDay(new Date('2026-11-24T23:59:59Z'))).toBe('2026-11-24');
    expect(isoDay(new Date('2026-11-25T00:00:00+01:00'))).toBe('2026-11-24');
    expect(isIsoDay(isoDay())).toBe(true);
    expect(isIsoDay('24.11.2026')).toBe(false);
  });

  test('fails when the day is not YYYY-MM-DD', () => {
    expect(() => releaseTagPrefix('prod', '2026-1-2')).toThrow(
      new Error('release tag day must be YYYY-MM-DD, got "2026-1-2"'),
    );
  });

  test('tagRelease creates annotated tags .1, .2, ... in a release environment and none elsewhere', () => {
    const root = tempDir();
    const shop = path.join(root, 'platforms', 'shop');
    synthShop(shop);
    gitInit(root);
    expect(tagRelease(shop, table.get('prod'), 'promote dev -> prod: cart\n', '2026-11-24')).toBe(
      'release/prod/2026-11-24.1',
    );
    expect(tagRelease(shop, table.get('prod'), 'again\n', '2026-11-24')).toBe('release/prod/2026-11-24.2');
    expect(tagRelease(shop, table.get('dev'), 'promote\n', '2026-11-24')).toBeUndefined();
    expect(git(root, 'tag', '--list')).toBe('release/prod/2026-11-24.1\nrelease/prod/2026-11-24.2');
    expect(git(root, 'cat-file', '-t', 'release/prod/2026-11-24.1')).toBe('tag');
    expect(git(root, 'tag', '--list', '--format=%(contents)', 'release/prod/2026-11-24.1')).toBe(
      'promote dev -> prod: cart',
    );
  });
});
