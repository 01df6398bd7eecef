import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { BLOCKLIST_FILE, refuseBlocked, writeBlocklist } from '../lib/release/blocklist';
import { shop } from './fixtures/platforms/shop';
import { tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();
const [cart, checkout] = shop(new App()).services;

describe('blocklist refusal', () => {
  test('refuses a blocked tag of that service, saying when, why and how to unblock it', () => {
    const root = tempDir();
    writeBlocklist(root, [{ service: 'cart', tag: '1.1.0', reason: 'memory leak', date: '2026-11-24' }]);
    const refuse = refuseBlocked(root);
    expect(refuse(cart, { newTag: '1.1.0' })).toBe(
      'blocked on 2026-11-24 (memory leak); run npm run unblock -- cart 1.1.0 to allow it again',
    );
    expect(refuse(cart, { newTag: '1.1.1' })).toBeUndefined();
    expect(refuse(checkout, { newTag: '1.1.0' })).toBeUndefined();
  });

  test('refuses nothing without a blocklist', () => {
    expect(refuseBlocked(tempDir())(cart, { newTag: '1.1.0' })).toBeUndefined();
  });

  test('fails when the blocklist is malformed, naming the file', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'releases'));
    fs.writeFileSync(path.join(root, BLOCKLIST_FILE), 'blocked:\n  - service: cart\n    tag: 1.1.0\n');
    expect(() => refuseBlocked(root)(cart, { newTag: '1.1.0' })).toThrow(
      new Error('releases/blocklist.yaml: blocked[0].reason must be a non-empty string'),
    );
  });
});
