import { execFileSync } from 'child_process';
import * as path from 'path';
import { parseDocument, isScalar } from 'yaml';
import { describePin, ImagePin, readImagePin } from '../kube/image-pin';
import { git } from '../core/git';
import { formatTable } from '../core/table';
import { findService, overlayFile, PromotionContext } from './promotion';

/** One pin an overlay held, with the commit that set it. */
export interface PinHistoryEntry {
  /** The pin. */
  readonly pin: ImagePin;
  /** Commit hash (short), or `(work tree)` for an uncommitted change. */
  readonly commit: string;
  /** Commit date, ISO 8601. */
  readonly date: string;
  /** Commit subject. */
  readonly subject: string;
}

/**
 * The pins an overlay file has had, newest first, one entry per change (consecutive commits
 * with the same pin collapse into the oldest of them, the one that set it).
 */
export function pinHistory(repoDir: string, file: string, image: string, current?: ImagePin): PinHistoryEntry[] {
  const log = git(repoDir, ['log', '--format=%h%x09%cI%x09%s', '--', file]);
  const entries: PinHistoryEntry[] = [];
  for (const line of log === '' ? [] : log.split('\n')) {
    const [commit, date, subject] = line.split('\t');
    let text: string;
    try {
      // `./`: the path is relative to repoDir, which may be a subdirectory of the repository.
      text = execFileSync('git', ['show', `${commit}:./${file}`], {
        cwd: repoDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      continue; // the file was deleted in this commit
    }
    const pin = pinIn(text, image);
    if (!pin) continue;
    const previous = entries[entries.length - 1];
    if (previous && samePin(previous.pin, pin)) entries[entries.length - 1] = { pin, commit, date, subject };
    else entries.push({ pin, commit, date, subject });
  }
  if (current && (entries.length === 0 || !samePin(entries[0].pin, current))) {
    entries.unshift({ pin: current, commit: '(work tree)', date: '', subject: 'uncommitted' });
  }
  return entries;
}

/**
 * The pins `service` has had in `env`, newest first (`pinHistory` of its overlay, with the
 * uncommitted pin first when it differs); unknown names are one-line errors.
 */
export function serviceHistory(ctx: PromotionContext, env: string, service: string): PinHistoryEntry[] {
  const environment = ctx.platform.environments.get(env);
  const found = findService(ctx.platform, service);
  const file = overlayFile(ctx, environment.name, found.name);
  return pinHistory(ctx.rootDir, file, found.image, readImagePin(path.join(ctx.rootDir, file), found.image));
}

/** The table `npm run history` prints: tag, commit, date and subject, newest first. */
export function formatHistory(entries: readonly PinHistoryEntry[]): string {
  const rows = entries.map((h) => [describePin(h.pin), h.commit, h.date, h.subject]);
  return formatTable(['TAG', 'COMMIT', 'DATE', 'SUBJECT'], rows);
}

/** Whether two pins are the same tag and digest. */
export function samePin(a: ImagePin | undefined, b: ImagePin | undefined): boolean {
  return a?.newTag === b?.newTag && a?.digest === b?.digest;
}

function pinIn(text: string, image: string): ImagePin | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  const images = doc.get('images', true) as { items?: unknown[] } | undefined;
  const index = (images?.items ?? []).findIndex((i) => (i as { get?: (k: string) => unknown }).get?.('name') === image);
  if (index < 0) return undefined;
  const tag = doc.getIn(['images', index, 'newTag'], true);
  const digest = doc.getIn(['images', index, 'digest']);
  const pin: { newTag?: string; digest?: string } = {};
  if (isScalar(tag) && tag.value !== null) pin.newTag = tag.source ?? String(tag.value);
  if (typeof digest === 'string') pin.digest = digest;
  return pin.newTag === undefined && pin.digest === undefined ? undefined : pin;
}
