import * as fs from 'fs';
import * as path from 'path';
import { BLOCKLIST_FILE, BlockedTag, findBlock, readBlocklist, renderBlocklist } from './blocklist';
import { isIsoDay, isoDay } from '../core/day';
import { FileSet } from '../core/file-set';
import { pinHistory, samePin } from './history';
import { describePin, readImagePin } from '../kube/image-pin';
import { editImagePin } from '../kube/image-pin-edit';
import { findService, overlayFile, parseImageReference, PinChange, PromotionContext } from './promotion';

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
  for (const service of services) {
    const file = overlayFile(ctx, env.name, service.name);
    const absolute = path.join(ctx.rootDir, file);
    const current = readImagePin(absolute, service.image);
    if (!current) throw new Error(`${file}: no tag pinned for ${service.image}, nothing to roll back`);
    let target = options.to !== undefined ? parseImageReference(options.to) : undefined;
    if (!target) {
      const history = pinHistory(ctx.rootDir, file, service.image, current);
      target = history.find((h) => !samePin(h.pin, current) && !findBlock(blocklist, service.name, h.pin))?.pin;
      if (!target) {
        if (explicit)
          throw new Error(
            `${file}: no earlier tag of ${service.image} in git history to roll back to; pass --to <tag>`,
          );
        continue;
      }
    }
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
    if (current.newTag !== undefined)
      blocked.push({ service: service.name, tag: current.newTag, reason: options.reason, date });
  }
  if (changes.length === 0)
    throw new Error(`nothing to roll back in ${env.name}: no service has an earlier tag in git history`);
  return { changes, blocked };
}

/** Writes the overlay changes and the new blocklist together: all files or none. */
export function applyRollback(ctx: PromotionContext, plan: RollbackPlan): void {
  const existing = readBlocklist(ctx.rootDir).filter(
    (b) => !plan.blocked.some((n) => n.service === b.service && n.tag === b.tag),
  );
  const files = new FileSet();
  for (const change of plan.changes) files.add(change.file, change.text);
  files.add(BLOCKLIST_FILE, renderBlocklist([...existing, ...plan.blocked]));
  files.commit(ctx.rootDir, []);
}

/** Removes `service`'s `tag` from the blocklist, or throws when it is not there. */
export function planUnblock(rootDir: string, service: string, tag: string): BlockedTag[] {
  const blocklist = readBlocklist(rootDir);
  if (!blocklist.some((b) => b.service === service && b.tag === tag)) {
    const listed = blocklist.filter((b) => b.service === service).map((b) => b.tag);
    throw new Error(
      `${service} ${tag} is not blocked${listed.length > 0 ? `; blocked tags of ${service}: ${listed.join(', ')}` : ''}`,
    );
  }
  return blocklist.filter((b) => !(b.service === service && b.tag === tag));
}
