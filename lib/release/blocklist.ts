import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, stringify } from 'yaml';
import { FileSet } from '../core/file-set';
import { Microservice } from '../constructs/microservice';
import { ImagePin } from '../kube/image-pin';

/** Where the blocklist lives, relative to the repository root. */
export const BLOCKLIST_FILE = 'releases/blocklist.yaml';

/** One tag that must not be deployed again until unblocked. */
export interface BlockedTag {
  /** Service name. */
  readonly service: string;
  /**
   * The blocked tag.
   * @default - only the digest is blocked
   */
  readonly tag?: string;
  /**
   * The blocked image digest: a pin of it is refused under any tag (or none).
   * @default - only the tag is blocked
   */
  readonly digest?: string;
  /** Why it was blocked (required: reviewers read it). */
  readonly reason: string;
  /** Day it was blocked, `YYYY-MM-DD`, as given on the command line. */
  readonly date: string;
}

const HEADER =
  '# Image tags rolled back by `npm run rollback`: `npm run set-image` and `npm run promote`\n' +
  '# refuse them until `npm run unblock -- <service> <tag>` removes the entry. Reviewed in PRs.\n';

/** Reads the blocklist of the repository at `rootDir` (empty when the file does not exist). */
export function readBlocklist(rootDir: string): BlockedTag[] {
  const file = path.join(rootDir, BLOCKLIST_FILE);
  if (!fs.existsSync(file)) return [];
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length > 0)
    throw new Error(`${BLOCKLIST_FILE}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const data = doc.toJS() as { blocked?: unknown } | null;
  const entries = data?.blocked ?? [];
  if (!Array.isArray(entries)) throw new Error(`${BLOCKLIST_FILE}: blocked must be a list`);
  return entries.map((e: Record<string, unknown>, i: number) => {
    for (const key of ['service', 'reason', 'date']) {
      if (typeof e?.[key] !== 'string' || e[key] === '') {
        throw new Error(`${BLOCKLIST_FILE}: blocked[${i}].${key} must be a non-empty string`);
      }
    }
    for (const key of ['tag', 'digest']) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) {
        throw new Error(`${BLOCKLIST_FILE}: blocked[${i}].${key} must be a non-empty string`);
      }
    }
    if (e.tag === undefined && e.digest === undefined) {
      throw new Error(`${BLOCKLIST_FILE}: blocked[${i}] needs a tag or a digest`);
    }
    return {
      service: String(e.service),
      ...(e.tag !== undefined ? { tag: String(e.tag) } : {}),
      ...(e.digest !== undefined ? { digest: String(e.digest) } : {}),
      reason: String(e.reason),
      date: String(e.date),
    };
  });
}

/** The blocklist entry that refuses `pin` for `service`, if any. */
export function findBlock(blocklist: readonly BlockedTag[], service: string, pin: ImagePin): BlockedTag | undefined {
  return blocklist.find(
    (b) =>
      b.service === service &&
      ((b.tag !== undefined && b.tag === pin.newTag) || (b.digest !== undefined && b.digest === pin.digest)),
  );
}

/**
 * A `PromotionContext.refuse` that refuses the tags on the blocklist of the repository at
 * `rootDir`, saying when and why each was blocked and how to unblock it. The blocklist is read
 * on the first pin checked.
 */
export function refuseBlocked(rootDir: string): (service: Microservice, pin: ImagePin) => string | undefined {
  let blocklist: BlockedTag[] | undefined;
  return (service, pin) => {
    blocklist ??= readBlocklist(rootDir);
    const block = findBlock(blocklist, service.name, pin);
    return block
      ? `blocked on ${block.date} (${block.reason}); run npm run unblock -- ${block.service} ${block.tag ?? block.digest} to allow it again`
      : undefined;
  };
}

/** Adds `entry` to the blocklist (sorted; a repeated service+tag is replaced) and returns the new text. */
export function renderBlocklist(entries: readonly BlockedTag[]): string {
  const key = (b: BlockedTag) => `${b.service}\0${b.tag ?? ''}\0${b.digest ?? ''}`;
  const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return HEADER + stringify({ blocked: sorted }, { lineWidth: 0 });
}

/** Writes the blocklist atomically. */
export function writeBlocklist(rootDir: string, entries: readonly BlockedTag[]): void {
  const files = new FileSet();
  files.add(BLOCKLIST_FILE, renderBlocklist(entries));
  files.commit(rootDir, []);
}
