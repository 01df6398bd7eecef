import * as fs from 'fs';
import * as path from 'path';
import { Environment } from '../model/environment';
import { FileSet } from '../core/file-set';
import { describePin, ImagePin, overlayKustomization, readImagePin } from '../kube/image-pin';
import { editImagePin } from '../kube/image-pin-edit';
import { Microservice } from '../constructs/microservice';
import { Platform } from '../constructs/platform';
import { formatTable } from '../core/table';
import { digestProblem, tagProblem } from '../core/oci-reference';

export { OCI_DIGEST, OCI_TAG } from '../core/oci-reference';

/** Where promotion reads and writes overlays. */
export interface PromotionContext {
  /** The platform model (environments, services, images). */
  readonly platform: Platform;
  /** Repository root holding the overlays. */
  readonly rootDir: string;
  /**
   * Overlays directory, relative to `rootDir`.
   * @default 'overlays'
   */
  readonly overlaysDir?: string;
  /**
   * Refuses a pin (e.g. a rolled-back tag on the blocklist): returns the reason, or undefined.
   * @default - nothing is refused
   */
  readonly refuse?: (service: Microservice, pin: ImagePin) => string | undefined;
}

/** One overlay whose pin changes. */
export interface PinChange {
  /** Service name. */
  readonly service: string;
  /** Environment name. */
  readonly env: string;
  /** Overlay kustomization, relative to the root. */
  readonly file: string;
  /** Pin before (undefined when the overlay pinned nothing). */
  readonly before: ImagePin | undefined;
  /** Pin after. */
  readonly after: ImagePin;
  /** The overlay's new text. */
  readonly text: string;
  /**
   * Whether the change removes the overlay's own pin (a cluster's wave pin), so the overlay
   * renders its environment's pin again; `after` is that pin.
   * @default false
   */
  readonly clearsOwnPin?: boolean;
}

/** Options of `planPromotion`. */
export interface PromotionOptions {
  /** Source environment. */
  readonly from: string;
  /** Target environment. */
  readonly to: string;
  /**
   * Only these services.
   * @default - every service
   */
  readonly only?: readonly string[];
  /**
   * Allow skipping intermediate stages of the promotion chain.
   * @default false
   */
  readonly skipStage?: boolean;
}

/** Parses `1.4.2`, `sha256:...` or `1.4.2@sha256:...` into a pin, or throws a one-line error. */
export function parseImageReference(reference: string): ImagePin {
  const [tag, digest] = reference.startsWith('sha256:') ? [undefined, reference] : reference.split('@', 2);
  const problem =
    (tag !== undefined ? tagProblem(tag) : undefined) ?? (digest !== undefined ? digestProblem(digest) : undefined);
  if (problem !== undefined) throw new Error(problem.replace(/^"[^"]*"/, JSON.stringify(reference)));
  return { ...(tag !== undefined ? { newTag: tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Throws a one-line error naming `file` when a pin read from it is not a valid OCI tag or
 * digest (a hand edit such as `newTag: "1.4.2 hotfix"`), so it is never promoted or rolled to.
 */
export function checkPin(file: string, pin: ImagePin): ImagePin {
  const problem =
    (pin.newTag !== undefined ? tagProblem(pin.newTag) : undefined) ??
    (pin.digest !== undefined ? digestProblem(pin.digest) : undefined);
  if (problem !== undefined) throw new Error(`${file}: ${problem}`);
  return pin;
}

/** The service called `name`, or a one-line error listing the allowed names. */
export function findService(platform: Platform, name: string): Microservice {
  const service = platform.services.find((s) => s.name === name);
  if (!service) {
    throw new Error(
      `unknown service ${JSON.stringify(name)}; allowed: ${platform.services.map((s) => s.name).join(', ')}`,
    );
  }
  return service;
}

/** Relative path of the overlay kustomization of `service` in `env`. */
export function overlayFile(ctx: PromotionContext, env: string, service: string): string {
  return overlayKustomization(ctx.overlaysDir ?? 'overlays', env, service);
}

/**
 * Plans pinning `reference` for one service in one environment (what CI runs after a push).
 * Only environments that take new images directly accept it: the first stage of a promotion
 * chain and local ones; every later stage is reached by promotion, in order.
 */
export function planSetImage(
  ctx: PromotionContext,
  envName: string,
  serviceName: string,
  reference: string,
): PinChange[] {
  const table = ctx.platform.environments;
  const env = table.get(envName);
  const direct = table.environments
    .filter((e) => e.runServices && (e.promotedFrom === undefined || e.local))
    .map((e) => e.name);
  if (!env.runServices) {
    throw new Error(
      `cannot set-image into ${env.name}: it runs no services in the cluster (runServices: false, they run on the host); set-image into ${direct.join(' or ')}`,
    );
  }
  if (env.promotedFrom !== undefined && !env.local) {
    const chain = table.promotionChains().find((c) => c.includes(env))!;
    throw new Error(
      `cannot set-image into ${env.name}: it takes images only by promotion (promotion order: ${chain.map((e) => e.name).join(' -> ')}); set-image into ${direct.join(' or ')} and promote`,
    );
  }
  const service = findService(ctx.platform, serviceName);
  const pin = parseImageReference(reference);
  return planChanges(ctx, env, [[service, pin]]);
}

/** Plans copying every (or `only` the) service's pin from one environment to the next. */
export function planPromotion(ctx: PromotionContext, options: PromotionOptions): PinChange[] {
  const table = ctx.platform.environments;
  const from = table.get(options.from);
  const to = table.get(options.to);
  const upstream = table.upstreamOf(to.name);
  const chain = table.promotionChains().find((c) => c.includes(to) && (c.includes(from) || c[0] === to)) ?? [to];
  const order = chain.map((e) => e.name).join(' -> ');
  if (from.name === to.name) throw new Error(`cannot promote ${from.name} into itself`);
  if (!upstream.includes(from)) {
    throw new Error(
      `cannot promote ${from.name} -> ${to.name}: ${to.name} is not downstream of ${from.name} (promotion order: ${order})`,
    );
  }
  if (upstream[0] !== from && !options.skipStage) {
    const skipped = upstream
      .slice(0, upstream.indexOf(from))
      .reverse()
      .map((e) => e.name);
    throw new Error(
      `cannot promote ${from.name} -> ${to.name}: it skips ${skipped.join(', ')} (promotion order: ${order}); promote stage by stage or pass --skip-stage`,
    );
  }
  const services = promotedServices(ctx, from, to, options.only);
  const pairs = services.map((service): [Microservice, ImagePin] => {
    const file = overlayFile(ctx, from.name, service.name);
    const pin = readPin(ctx, file, service);
    if (!pin) throw new Error(`${file}: no tag pinned for ${service.image}, nothing to promote from ${from.name}`);
    return [service, checkPin(file, pin)];
  });
  return planChanges(ctx, to, pairs);
}

/**
 * The services a promotion from `from` to `to` moves: every service that runs in both (one that
 * runs only in `from`, like a load generator in dev, has no overlay in `to`), or `only`, each of
 * which must run in both.
 */
export function promotedServices(
  ctx: PromotionContext,
  from: Environment,
  to: Environment,
  only?: readonly string[],
): Microservice[] {
  if (!only) return ctx.platform.services.filter((s) => s.runsIn(from) && s.runsIn(to));
  return only.map((name) => {
    const service = findService(ctx.platform, name);
    for (const env of [from, to]) {
      if (!service.runsIn(env)) {
        const runs = ctx.platform.environments.environments.filter((e) => service.runsIn(e)).map((e) => e.name);
        throw new Error(`${name} does not run in ${env.name}; it runs in: ${runs.join(', ')}`);
      }
    }
    return service;
  });
}

function planChanges(ctx: PromotionContext, env: Environment, pairs: [Microservice, ImagePin][]): PinChange[] {
  const changes: PinChange[] = [];
  for (const [service, pin] of pairs) {
    if (pin.newTag === 'latest' && !env.allowLatestTag) {
      const allowed = ctx.platform.environments.environments.filter((e) => e.allowLatestTag).map((e) => e.name);
      throw new Error(
        `${service.name}: tag "latest" is not allowed in ${env.name}: pin an immutable version` +
          (allowed.length > 0 ? ` (latest is allowed only in ${allowed.join(', ')})` : ''),
      );
    }
    const refused = ctx.refuse?.(service, pin);
    if (refused) throw new Error(`${service.name}: ${describePin(pin)} is refused: ${refused}`);
    const file = overlayFile(ctx, env.name, service.name);
    const absolute = path.join(ctx.rootDir, file);
    if (!fs.existsSync(absolute)) throw new Error(`${file}: missing; run npm run synth to create the overlay`);
    const before = readPin(ctx, file, service);
    const text = editImagePin(fs.readFileSync(absolute, 'utf8'), file, service.image, pin);
    if (before?.newTag === pin.newTag && before?.digest === pin.digest) continue;
    changes.push({ service: service.name, env: env.name, file, before, after: pin, text });
  }
  return changes;
}

function readPin(ctx: PromotionContext, file: string, service: Microservice): ImagePin | undefined {
  try {
    return readImagePin(path.join(ctx.rootDir, file), service.image);
  } catch (error) {
    throw new Error((error as Error).message.replace(path.join(ctx.rootDir, file), file));
  }
}

/** Writes every change at once (temp files, then renames); nothing is written if one fails. */
export function applyChanges(ctx: PromotionContext, changes: readonly PinChange[]): void {
  const files = new FileSet();
  for (const change of changes) files.add(change.file, change.text);
  files.commit(ctx.rootDir, []);
}

/** The table printed before writing: service, env, old -> new. */
export function formatChanges(changes: readonly PinChange[]): string {
  const rows = changes.map((c) => [c.service, c.env, `${describePin(c.before)} -> ${describePin(c.after)}`]);
  return formatTable(['SERVICE', 'ENV', 'CHANGE'], rows);
}
