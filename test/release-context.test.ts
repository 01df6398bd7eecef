import * as path from 'path';
import { writeBlocklist } from '../lib/release/blocklist';
import { planSetImage } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { buildApp } from '../lib/synth/load-app';
import * as fixture from './fixtures/platforms/shop';
import { tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

describe('release context of an app entry', () => {
  test("works on the entry's directory and overlays, with its blocklist", () => {
    const root = tempDir();
    const entry = { file: path.join(root, 'platform.ts'), rootDir: root };
    const ctx = releaseContext(buildApp(entry, { ...fixture, synthOptions: { overlaysDir: 'deploy' } }));
    expect([ctx.platform.name, ctx.rootDir, ctx.overlaysDir]).toEqual(['shop', root, 'deploy']);
    writeBlocklist(root, [{ service: 'cart', tag: '1.1.0', reason: 'memory leak', date: '2026-11-24' }]);
    expect(() => planSetImage(ctx, 'dev', 'cart', '1.1.0')).toThrow(
      new Error(
        'cart: 1.1.0 is refused: blocked on 2026-11-24 (memory leak); run npm run unblock -- cart 1.1.0 to allow it again',
      ),
    );
  });
});
