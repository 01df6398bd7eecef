import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  git,
  gitInit,
  synthFixture,
  tempDir as tempDirOfFile,
  tempDirsRemovedAfterEach,
  runCommand as run,
} from './support';
import { renderVerifications, VerificationRecord } from '../lib/release/verification-record';

const tempDir = tempDirsRemovedAfterEach();

/** Synthesized and committed once for the file: the relay fixture with api 1.1.0 pinned in staging (prod still pins 1.0.0). */
let template = '';
beforeAll(() => {
  template = tempDirOfFile();
  synthFixture(template, 'relay');
  gitInit(template);
  // set-image writes only into a chain's first stage: staging gets 1.1.0 by promotion from dev.
  expect(run(template, 'set-image', 'dev', 'api', '1.1.0').status).toBe(0);
  git(template, 'commit', '-qam', 'dev api 1.1.0');
  expect(run(template, 'promote', 'dev', 'staging', '--only', 'api').status).toBe(0);
  git(template, 'commit', '-qam', 'staging api 1.1.0');
});

/** A copy of the template repository, with `records` committed as releases/verified.yaml. */
function relayRepo(records: readonly VerificationRecord[] = []): string {
  const root = tempDir();
  fs.cpSync(template, root, { recursive: true });
  if (records.length > 0) {
    fs.mkdirSync(path.join(root, 'releases'));
    fs.writeFileSync(path.join(root, 'releases', 'verified.yaml'), renderVerifications(records));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'verified');
  }
  return root;
}

const prodPin = (root: string) =>
  parse(fs.readFileSync(path.join(root, 'overlays', 'prod', 'api', 'kustomization.yaml'), 'utf8')).images[0].newTag;
const records = (root: string) =>
  parse(fs.readFileSync(path.join(root, 'releases', 'verified.yaml'), 'utf8')).verifications;
const verification = (over: Partial<VerificationRecord>): VerificationRecord => ({
  environment: 'staging',
  service: 'api',
  tag: '1.1.0',
  result: 'passed',
  time: '2026-12-01T11:00:00.000Z',
  by: 'CI <ci@example.com>',
  deployedAt: '2026-12-01T10:00:00Z',
  successRatio: 0.9995,
  objectivePercent: 99,
  ...over,
});
const REFUSAL_TAIL =
  '; run npm run verify -- staging, or pass --skip-verification --reason "..." (recorded in releases/verified.yaml)\n';

describe('promote into an environment that requires verified versions (prod of relay)', () => {
  it('promotes a version verified in staging after its soak time', () => {
    const root = relayRepo([verification({})]);
    const result = run(root, 'promote', 'staging', 'prod', '--only', 'api', '--approve');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(prodPin(root)).toBe('1.1.0');
  });

  it('fails when the version has no verification in staging, also on a dry run, writing nothing', () => {
    const root = relayRepo();
    for (const extra of [[], ['--dry-run']]) {
      const result = run(root, 'promote', 'staging', 'prod', '--only', 'api', '--approve', ...extra);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `promote: cannot promote staging -> prod: api 1.1.0 has no passed verification in staging${REFUSAL_TAIL}`,
      );
    }
    expect(prodPin(root)).toBe('1.0.0');
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('fails when the only verifications of the version failed or were of another version', () => {
    const root = relayRepo([verification({ result: 'failed', reason: 'x' }), verification({ tag: '1.0.0' })]);
    const result = run(root, 'promote', 'staging', 'prod', '--only', 'api', '--approve');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `promote: cannot promote staging -> prod: api 1.1.0 has no passed verification in staging${REFUSAL_TAIL}`,
    );
  });

  it('fails when the version was verified before its 30 min soak in staging ended', () => {
    const root = relayRepo([verification({ time: '2026-12-01T10:20:00.000Z' })]);
    const result = run(root, 'promote', 'staging', 'prod', '--only', 'api', '--approve');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `promote: cannot promote staging -> prod: api 1.1.0 was verified in staging before its 30 min soak ended (verify again later)${REFUSAL_TAIL}`,
    );
    expect(prodPin(root)).toBe('1.0.0');
  });

  it('promotes without proof with --skip-verification --reason, and records the skip', () => {
    const root = relayRepo();
    const result = run(
      root,
      'promote',
      'staging',
      'prod',
      '--only',
      'api',
      '--approve',
      '--skip-verification',
      '--reason',
      'hotfix for INC-42',
    );
    expect(result.status).toBe(0);
    expect(prodPin(root)).toBe('1.1.0');
    expect(records(root)).toEqual([
      {
        environment: 'staging',
        service: 'api',
        tag: '1.1.0',
        result: 'skipped',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        by: 'CI <ci@example.com>',
        reason: 'hotfix for INC-42',
        promotedTo: 'prod',
      },
    ]);
  });

  it('fails when --skip-verification has no --reason', () => {
    const root = relayRepo();
    const result = run(root, 'promote', 'staging', 'prod', '--approve', '--skip-verification');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'promote: --skip-verification needs --reason "...": the reason is recorded in releases/verified.yaml\n',
    );
  });

  it('fails when --reason comes without --skip-verification', () => {
    const root = relayRepo();
    const result = run(root, 'promote', 'staging', 'prod', '--approve', '--reason', 'because');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('promote: --reason goes with --skip-verification: pass both, or neither\n');
  });

  it('fails when releases/verified.yaml is malformed, naming the file', () => {
    const root = relayRepo();
    fs.mkdirSync(path.join(root, 'releases'));
    fs.writeFileSync(path.join(root, 'releases', 'verified.yaml'), 'verifications: {}\n');
    const result = run(root, 'promote', 'staging', 'prod', '--approve');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('promote: releases/verified.yaml: verifications must be a list\n');
  });

  it('asks nothing of an environment that does not require verified versions (dev -> staging)', () => {
    const root = relayRepo();
    expect(run(root, 'set-image', 'dev', 'ledger', '2.1.0').status).toBe(0);
    const result = run(root, 'promote', 'dev', 'staging', '--only', 'ledger');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
