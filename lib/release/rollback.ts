import * as fs from 'fs';
import * as path from 'path';
import { BLOCKLIST_FILE, BlockedTag, findBlock, readBlocklist, renderBlocklist } from './blocklist';
import { isIsoDay, isoDay } from '../core/day';
import { FileSet } from '../core/file-set';
import { pinHistory, samePin } from './history';
import { describePin, ImagePin, readImagePin } from '../kube/image-pin';
import { editImagePin } from '../kube/image-pin-edit';
import { checkPin, findService, overlayFile, parseImageReference, PinChange, PromotionContext } from './promotion';

/** Options of `planRollback`. */
export interface RollbackOptions {
  /** Environment to roll back. */
  readonly env: string;
  /**
   * Services to roll back.
   * @default - every service whose pin has a previous value
   */
  readonly services?: readonly string[];
  /**
   * Pin this tag instead of the previous one from git history.
   * @default - the previous pin from the overlay's git history
   */
  readonly to?: string;
  /** Why (recorded in the blocklist). */
  readonly reason: string;
  /**
   * Day of the rollback, `YYYY-MM-DD` (recorded in the blocklist).
   * @default - today (UTC)
   */
  readonly date?: string;
}

/** A rollback plan: the overlay changes and the blocklist entries it adds. */
export interface RollbackPlan {
  /** Overlay pin changes. */
  readonly changes: PinChange[];
  /** Tags blocked by this rollback. */
  readonly blocked: BlockedTag[];
  /** Services left as they are because their history has no earlier pin (when none were named). */
  readonly skipped: string[];
}

/**
 * Plans pinning services back to their previous tag in one environment (or `to`), and
 * blocking the tag they leave so promotion cannot bring it back until it is unblocked.
 */
export function planRollback(ctx: PromotionContext, options: RollbackOptions): RollbackPlan {
  const env = ctx.platform.environments.get(options.env);
  if (options.reason.trim() === '') throw new Error('a rollback needs a reason: pass --reason "<why>"');
  const date = options.date ?? isoDay();
  if (!isIsoDay(date)) throw new Error(`--date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const blocklist = readBlocklist(ctx.rootDir);
  const explicit = options.services !== undefined && options.services.length > 0;
  const services = explicit ? options.services!.map((s) => findService(ctx.platform, s)) : ctx.platform.services;
  const changes: PinChange[] = [];
  const blocked: BlockedTag[] = [];
  const skipped: string[] = [];
  const requested = options.to !== undefined ? parseImageReference(options.to) : undefined;
  const neverHad: string[] = [];
  for (const service of services) {
    const file = overlayFile(ctx, env.name, service.name);
    const absolute = path.join(ctx.rootDir, file);
    const current = readImagePin(absolute, service.image);
    if (!current) throw new Error(`${file}: no tag pinned for ${service.image}, nothing to roll back`);
    const history = pinHistory(ctx.rootDir, file, service.image, current);
    let target: ImagePin | undefined;
    if (requested) {
      // A rollback goes back to what ran before: a tag this service had in this environment.
      target = history.find((h) => matches(h.pin, requested))?.pin;
      if (!target) {
        neverHad.push(service.name);
        continue;
      }
    } else {
      target = history.find((h) => !samePin(h.pin, current) && !findBlock(blocklist, service.name, h.pin))?.pin;
      if (!target) {
        if (explicit)
          throw new Error(
            `${file}: no earlier tag of ${service.image} in git history to roll back to; pass --to <tag>`,
          );
        skipped.push(service.name);
        continue;
      }
    }
    checkPin(file, target);
    if (samePin(target, current))
      throw new Error(`${service.name} in ${env.name} already pins ${describePin(current)}`);
    if (target.newTag === 'latest' && !env.allowLatestTag)
      throw new Error(`${service.name}: tag "latest" is not allowed in ${env.name}`);
    const block = findBlock(blocklist, service.name, target);
    if (block)
      throw new Error(
        `${service.name}: ${describePin(target)} is blocked (${block.reason}); unblock it first or pick another tag`,
      );
    const text = editImagePin(fs.readFileSync(absolute, 'utf8'), file, service.image, target);
    changes.push({ service: service.name, env: env.name, file, before: current, after: target, text });
    blocked.push({
      service: service.name,
      ...(current.newTag !== undefined ? { tag: current.newTag } : {}),
      ...(current.digest !== undefined ? { digest: current.digest } : {}),
      reason: options.reason,
      date,
    });
  }
  if (neverHad.length > 0) {
    const had = services.filter((s) => !neverHad.includes(s.name)).map((s) => s.name);
    throw new Error(
      `--to ${options.to}: ${neverHad.join(', ')} never had ${options.to} in ${env.name}` +
        (had.length > 0 ? `; name the services that did: ${had.join(' ')}` : '; pick a tag from npm run history'),
    );
  }
  if (changes.length === 0)
    throw new Error(`nothing to roll back in ${env.name}: no service has an earlier tag in git history`);
  return { changes, blocked, skipped };
}

/** Whether `pin` is what `--to` asked for: the same tag, the same digest, or both where both are given. */
function matches(pin: ImagePin, requested: ImagePin): boolean {
  return (
    (requested.newTag === undefined || pin.newTag === requested.newTag) &&
    (requested.digest === undefined || pin.digest === requested.digest)
  );
}

/** The blocklist text after `plan`: its entries added (a repeated service+tag or digest replaced). */
export function blocklistAfter(ctx: PromotionContext, plan: RollbackPlan): string {
  const same = (a: BlockedTag, b: BlockedTag) => a.service === b.service && a.tag === b.tag && a.digest === b.digest;
  const existing = readBlocklist(ctx.rootDir).filter((b) => !plan.blocked.some((n) => same(n, b)));
  return renderBlocklist([...existing, ...plan.blocked]);
}

/** Writes the overlay changes and the new blocklist together: all files or none. */
export function applyRollback(ctx: PromotionContext, plan: RollbackPlan): void {
  const files = new FileSet();
  for (const change of plan.changes) files.add(change.file, change.text);
  files.add(BLOCKLIST_FILE, blocklistAfter(ctx, plan));
  files.commit(ctx.rootDir, []);
}

/** Removes `service`'s `tag` from the blocklist, or throws when it is not there. */
export function planUnblock(rootDir: string, service: string, tag: string): BlockedTag[] {
  const blocklist = readBlocklist(rootDir);
  const hit = (b: BlockedTag) => b.service === service && (b.tag === tag || b.digest === tag);
  if (!blocklist.some(hit)) {
    const listed = blocklist.filter((b) => b.service === service).map((b) => b.tag ?? b.digest);
    throw new Error(
      `${service} ${tag} is not blocked${listed.length > 0 ? `; blocked tags of ${service}: ${listed.join(', ')}` : ''}`,
    );
  }
  return blocklist.filter((b) => !hit(b));
}
