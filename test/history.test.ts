import * as path from 'path';
import { applyChanges, planSetImage, PromotionContext } from '../lib/release/promotion';
import { formatHistory, serviceHistory } from '../lib/release/history';
import { git, gitInit, synthShop, tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

/** The shop fixture in `platforms/shop/` of a git repository, dev cart pinned 1.0.0 -> 1.1.0 -> 1.2.0. */
function shopInSubdirectory(): { root: string; ctx: PromotionContext } {
  const root = tempDir();
  const dir = path.join(root, 'platforms', 'shop');
  const ctx = { platform: synthShop(dir).platform, rootDir: dir };
  gitInit(root);
  for (const tag of ['1.1.0', '1.2.0']) {
    applyChanges(ctx, planSetImage(ctx, 'dev', 'cart', tag));
    git(root, 'commit', '-qam', `dev cart ${tag}`);
  }
  return { root, ctx };
}

describe('history of a service', () => {
  test('lists the pins of an overlay below the top of the repository, newest first', () => {
    const { ctx } = shopInSubdirectory();
    expect(serviceHistory(ctx, 'dev', 'cart').map((h) => [h.pin.newTag, h.subject])).toEqual([
      ['1.2.0', 'dev cart 1.2.0'],
      ['1.1.0', 'dev cart 1.1.0'],
      ['1.0.0', 'base'],
    ]);
  });

  test('an uncommitted pin comes first', () => {
    const { ctx } = shopInSubdirectory();
    applyChanges(ctx, planSetImage(ctx, 'dev', 'cart', '1.3.0'));
    expect(serviceHistory(ctx, 'dev', 'cart')[0]).toEqual({
      pin: { newTag: '1.3.0' },
      commit: '(work tree)',
      date: '',
      subject: 'uncommitted',
    });
  });

  test('prints tag, commit, date and subject', () => {
    const entries = [
      { pin: { newTag: '1.2.0' }, commit: 'abc1234', date: '2026-11-24T10:00:00+00:00', subject: 'dev cart 1.2.0' },
    ];
    expect(formatHistory(entries)).toBe(
      'TAG    COMMIT   DATE                       SUBJECT\n1.2.0  abc1234  2026-11-24T10:00:00+00:00  dev cart 1.2.0\n',
    );
  });

  test('fails when the environment or service is unknown', () => {
    const { ctx } = shopInSubdirectory();
    expect(() => serviceHistory(ctx, 'staging', 'cart')).toThrow(
      new Error('[environments] unknown environment "staging"; allowed: dev, prod'),
    );
    expect(() => serviceHistory(ctx, 'dev', 'catalogue')).toThrow(
      new Error('unknown service "catalogue"; allowed: cart, checkout'),
    );
  });
});
