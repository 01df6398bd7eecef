import * as fs from 'fs';
import * as path from 'path';
import {
  appendVerifications,
  readVerifications,
  renderVerifications,
  VerificationRecord,
} from '../lib/release/verification-record';
import { tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();
const record = (over: Partial<VerificationRecord> = {}): VerificationRecord => ({
  environment: 'staging',
  service: 'api',
  tag: '1.1.0',
  result: 'passed',
  time: '2026-12-01T11:00:00.000Z',
  by: 'CI <ci@example.com>',
  ...over,
});
const write = (root: string, text: string) => {
  fs.mkdirSync(path.join(root, 'releases'), { recursive: true });
  fs.writeFileSync(path.join(root, 'releases', 'verified.yaml'), text);
};

describe('releases/verified.yaml', () => {
  it('reads nothing when the file does not exist', () => {
    expect(readVerifications(tempDir())).toEqual([]);
  });

  it('appends in the order made and reads back exactly what was written', () => {
    const root = tempDir();
    appendVerifications(root, [record()]);
    appendVerifications(root, [record({ service: 'ledger', tag: undefined, digest: `sha256:${'a'.repeat(64)}` })]);
    expect(readVerifications(root)).toEqual([
      record(),
      {
        environment: 'staging',
        service: 'ledger',
        digest: `sha256:${'a'.repeat(64)}`,
        result: 'passed',
        time: '2026-12-01T11:00:00.000Z',
        by: 'CI <ci@example.com>',
      },
    ]);
    expect(fs.readdirSync(path.join(root, 'releases'))).toEqual(['verified.yaml']);
  });

  it('renders the same records to the same bytes', () => {
    expect(renderVerifications([record()])).toBe(renderVerifications([record()]));
    expect(renderVerifications([record()])).toContain('verifications:\n  - environment: staging\n    service: api\n');
  });

  it('fails when another writer holds the lock, leaving the file as it was', () => {
    const root = tempDir();
    appendVerifications(root, [record()]);
    const before = fs.readFileSync(path.join(root, 'releases', 'verified.yaml'), 'utf8');
    fs.writeFileSync(path.join(root, 'releases', '.verified.lock'), '');
    expect(() => appendVerifications(root, [record({ service: 'ledger' })])).toThrow(
      'releases/.verified.lock exists: another verify or promote is writing releases/verified.yaml (remove the lock if none runs)',
    );
    expect(fs.readFileSync(path.join(root, 'releases', 'verified.yaml'), 'utf8')).toBe(before);
  });

  it.each([
    ['is not YAML', 'verifications: [', /^releases\/verified\.yaml: not valid YAML: /],
    [
      'has an unknown top-level key',
      'verifications: []\nextra: 1\n',
      'releases/verified.yaml: unknown key extra; allowed: verifications',
    ],
    ['holds a list at the top', '- a\n', 'releases/verified.yaml: must be a mapping with a verifications list'],
    [
      'has a record with an unknown key',
      'verifications:\n  - { environment: staging, service: api, tag: "1", result: passed, time: "2026-12-01T11:00:00Z", by: me, colour: red }\n',
      'releases/verified.yaml: verifications[0] has unknown key colour; allowed: environment, service, result, time, by, cluster, tag, digest, deployedAt, successRatio, objectivePercent, reason, promotedTo',
    ],
    [
      'has a record with an unknown result',
      'verifications:\n  - { environment: staging, service: api, tag: "1", result: ok, time: "2026-12-01T11:00:00Z", by: me }\n',
      'releases/verified.yaml: verifications[0].result must be one of passed, failed, skipped, got "ok"',
    ],
    [
      'has a record whose time is not a time',
      'verifications:\n  - { environment: staging, service: api, tag: "1", result: passed, time: yesterday, by: me }\n',
      'releases/verified.yaml: verifications[0].time must be an ISO 8601 time, got "yesterday"',
    ],
    [
      'has a record without tag or digest',
      'verifications:\n  - { environment: staging, service: api, result: passed, time: "2026-12-01T11:00:00Z", by: me }\n',
      'releases/verified.yaml: verifications[0] must name a tag or a digest',
    ],
  ])('fails when the file %s, and append refuses to overwrite it', (_what, text, message) => {
    const root = tempDir();
    write(root, text);
    expect(() => readVerifications(root)).toThrow(message);
    expect(() => appendVerifications(root, [record()])).toThrow(message);
    expect(fs.readFileSync(path.join(root, 'releases', 'verified.yaml'), 'utf8')).toBe(text);
    expect(fs.existsSync(path.join(root, 'releases', '.verified.lock'))).toBe(false);
  });
});
