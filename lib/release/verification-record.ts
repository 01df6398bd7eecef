import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, stringify } from 'yaml';
import { FileSet } from '../core/file-set';
import { ImagePin } from '../kube/image-pin';

/** Where verifications are recorded, relative to the repository root. */
export const VERIFIED_FILE = 'releases/verified.yaml';
/** Held while the file is rewritten, so two writers never lose each other's records. */
const LOCK_FILE = 'releases/.verified.lock';

/** What one verification concluded. */
export type VerificationResult = 'passed' | 'failed' | 'skipped';

/** One verification of one service's version in one environment. */
export interface VerificationRecord {
  /** Environment the version ran in (`staging`). */
  readonly environment: string;
  /** Service name. */
  readonly service: string;
  /**
   * The one cluster of a multi-cluster environment this verification is about (`--cluster`, or
   * a cluster whose wave pins a version of its own); absent when it covers every cluster.
   */
  readonly cluster?: string;
  /** Tag pinned in git, if any. */
  readonly tag?: string;
  /** Digest pinned in git, if any. */
  readonly digest?: string;
  /** `passed`, `failed`, or `skipped` (a promotion that went ahead without proof, with its reason). */
  readonly result: VerificationResult;
  /** When, ISO 8601 UTC. */
  readonly time: string;
  /** Who ran it (`Name <email>` from git, else the user name). */
  readonly by: string;
  /** When Argo CD deployed the running revision, ISO 8601, as Argo CD reports it. */
  readonly deployedAt?: string;
  /** The measured success ratio over the soak window. */
  readonly successRatio?: number;
  /** The objective's target, in percent. */
  readonly objectivePercent?: number;
  /** Why it failed, or why it was skipped. */
  readonly reason?: string;
  /** For a skipped verification: the environment promoted into without it. */
  readonly promotedTo?: string;
}

const HEADER =
  '# Verifications of what ran where, appended by `npm run verify` and by `npm run promote --\n' +
  '# --skip-verification`. Promotion into an environment with requiresVerifiedSource reads it.\n' +
  '# Reviewed in PRs; never edit a record by hand.\n';

const REQUIRED = ['environment', 'service', 'result', 'time', 'by'] as const;
const KNOWN = new Set([
  ...REQUIRED,
  'cluster',
  'tag',
  'digest',
  'deployedAt',
  'successRatio',
  'objectivePercent',
  'reason',
  'promotedTo',
]);
const RESULTS: readonly VerificationResult[] = ['passed', 'failed', 'skipped'];

/** Reads every record of the repository at `rootDir` (none when the file does not exist); a malformed file is a one-line error. */
export function readVerifications(rootDir: string): VerificationRecord[] {
  const file = path.join(rootDir, VERIFIED_FILE);
  if (!fs.existsSync(file)) return [];
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) {
    throw new Error(`${VERIFIED_FILE}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${VERIFIED_FILE}: must be a mapping with a verifications list`);
  }
  const unknownTop = Object.keys(data).filter((k) => k !== 'verifications');
  if (unknownTop.length > 0) {
    throw new Error(`${VERIFIED_FILE}: unknown key ${unknownTop[0]}; allowed: verifications`);
  }
  const entries = (data as { verifications?: unknown }).verifications ?? [];
  if (!Array.isArray(entries)) throw new Error(`${VERIFIED_FILE}: verifications must be a list`);
  return entries.map((entry, i) => checkRecord(entry, `verifications[${i}]`));
}

function checkRecord(entry: unknown, at: string): VerificationRecord {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new Error(`${VERIFIED_FILE}: ${at} must be a mapping, got ${JSON.stringify(entry)}`);
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN.has(key))
      throw new Error(`${VERIFIED_FILE}: ${at} has unknown key ${key}; allowed: ${[...KNOWN].join(', ')}`);
  }
  for (const key of REQUIRED) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      throw new Error(`${VERIFIED_FILE}: ${at}.${key} must be a non-empty string, got ${JSON.stringify(record[key])}`);
    }
  }
  if (!RESULTS.includes(record.result as VerificationResult)) {
    throw new Error(
      `${VERIFIED_FILE}: ${at}.result must be one of ${RESULTS.join(', ')}, got ${JSON.stringify(record.result)}`,
    );
  }
  for (const key of ['time', 'deployedAt']) {
    if (record[key] !== undefined && Number.isNaN(Date.parse(String(record[key])))) {
      throw new Error(`${VERIFIED_FILE}: ${at}.${key} must be an ISO 8601 time, got ${JSON.stringify(record[key])}`);
    }
  }
  if (record.tag === undefined && record.digest === undefined) {
    throw new Error(`${VERIFIED_FILE}: ${at} must name a tag or a digest`);
  }
  return record as unknown as VerificationRecord;
}

/** The text of the file holding `records`, in the order given (the order they were made). */
export function renderVerifications(records: readonly VerificationRecord[]): string {
  return HEADER + stringify({ verifications: records }, { lineWidth: 0 });
}

/**
 * Appends `records` to the file: under a lock file, re-reading what is there (a malformed file
 * is refused, never overwritten), then written atomically (temp file, rename).
 */
export function appendVerifications(rootDir: string, records: readonly VerificationRecord[]): void {
  if (records.length === 0) return;
  const lock = path.join(rootDir, LOCK_FILE);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new Error(
      `${LOCK_FILE} exists: another verify or promote is writing ${VERIFIED_FILE} (remove the lock if none runs)`,
    );
  }
  try {
    const files = new FileSet();
    files.add(VERIFIED_FILE, renderVerifications([...readVerifications(rootDir), ...records]));
    files.commit(rootDir, []);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}

/** Whether `record` is about `pin` (the same tag and digest). */
export function recordsPin(record: VerificationRecord, pin: ImagePin): boolean {
  return record.tag === pin.newTag && record.digest === pin.digest;
}
