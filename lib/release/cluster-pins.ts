import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { Microservice } from '../constructs/microservice';
import { formatTable } from '../core/table';
import { pinFile } from '../kube/cluster-overlays';
import { describePin, ImagePin, readImagePin } from '../kube/image-pin';
import { editImagePin } from '../kube/image-pin-edit';
import { Cluster } from '../model/cluster';
import { Environment } from '../model/environment';
import { findBlock, readBlocklist } from './blocklist';
import { pinHistory, PinHistoryEntry, samePin } from './history';
import {
  findService,
  parseImageReference,
  PinChange,
  planPromotion,
  promotedServices,
  PromotionContext,
} from './promotion';

/**
 * Where a pin lives: an environment, or one cluster of an environment that spans several (a
 * wave's pin, layered over the environment's).
 */
export interface PinAddress {
  /** The environment. */
  readonly env: Environment;
  /** The cluster, when the address is one cluster of a multi-cluster environment. */
  readonly cluster?: Cluster;
}

/** The address's name as the commands print it: `prod` or `prod/prod-eu`. */
export function addressName(address: PinAddress): string {
  return address.cluster ? `${address.env.name}/${address.cluster.name}` : address.env.name;
}

/**
 * Resolves `name` (an environment, or a cluster of a multi-cluster environment: cluster names
 * are unique across the table) and an optional `--cluster`, or throws a one-line error.
 */
export function resolveAddress(ctx: PromotionContext, name: string, cluster?: string): PinAddress {
  const table = ctx.platform.environments;
  const owner = table.environments.find((e) => e.spansClusters && e.clusters.some((c) => c.name === name));
  if (owner) {
    if (cluster !== undefined && cluster !== name) {
      throw new Error(`${name} is a cluster of ${owner.name}; --cluster ${cluster} names another`);
    }
    return { env: owner, cluster: owner.clusterNamed(name) };
  }
  const env = table.get(name);
  if (cluster === undefined) return { env };
  if (!env.spansClusters) {
    throw new Error(
      `--cluster ${cluster}: ${env.name} deploys to ${env.clusters.length === 1 ? `one cluster (${env.clusters[0].name})` : 'one cluster'}, its pin is the cluster's; drop --cluster`,
    );
  }
  return { env, cluster: env.clusterNamed(cluster) };
}

/** The kustomization that pins `service` at `address` (relative to the root). */
export function addressPinFile(ctx: PromotionContext, address: PinAddress, service: Microservice): string {
  return pinFile(ctx.overlaysDir ?? 'overlays', address.env.name, service.name, address.cluster?.name);
}

/** The pin a cluster's own overlay holds (a wave's), or undefined where it renders the environment's. */
export function wavePin(ctx: PromotionContext, address: PinAddress, service: Microservice): ImagePin | undefined {
  if (!address.cluster) return undefined;
  return readImagePin(path.join(ctx.rootDir, addressPinFile(ctx, address, service)), service.image);
}

/** The pin `service` runs with at `address`: the cluster's wave pin, else the environment's. */
export function effectivePin(ctx: PromotionContext, address: PinAddress, service: Microservice): ImagePin | undefined {
  return (
    wavePin(ctx, address, service) ??
    readImagePin(path.join(ctx.rootDir, addressPinFile(ctx, { env: address.env }, service)), service.image)
  );
}

/** Options of `planFleetPromotion`. */
export interface FleetPromotionOptions {
  /** Source: an environment, or a cluster of a multi-cluster environment. */
  readonly from: string;
  /** Target: an environment, or a cluster of a multi-cluster environment. */
  readonly to: string;
  /**
   * Only this cluster of the target (a wave).
   * @default - every cluster of the target, at once
   */
  readonly cluster?: string;
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

/**
 * Plans a promotion that knows clusters. Into a whole environment (the default) it moves the
 * environment's pin and clears every wave pin of its clusters, so all of them run the promoted
 * tag once the changes are written together; into one cluster (`--cluster`, or a cluster name
 * as the target) it pins that cluster apart, a wave. Between two environments the promotion
 * order applies; between two clusters of one environment (`prod-eu` -> `prod-us`) it is the
 * same stage.
 */
export function planFleetPromotion(ctx: PromotionContext, options: FleetPromotionOptions): PinChange[] {
  const from = resolveAddress(ctx, options.from);
  const to = resolveAddress(ctx, options.to, options.cluster);
  const services = promotedServices(ctx, from.env, to.env, options.only);
  let ordered: PinChange[] = [];
  if (from.env !== to.env) {
    // The promotion order's checks and messages; its changes are the environments' own pins.
    ordered = planPromotion(ctx, {
      from: from.env.name,
      to: to.env.name,
      only: options.only,
      skipStage: options.skipStage,
    });
  } else if (!from.cluster || !to.cluster || from.cluster === to.cluster) {
    throw new Error(`cannot promote ${addressName(from)} into ${addressName(to)}: name two clusters of ${to.env.name}`);
  }
  const pins = services.map((service): [Microservice, ImagePin] => {
    const pin = effectivePin(ctx, from, service);
    if (!pin) {
      throw new Error(
        `${addressPinFile(ctx, from, service)}: no tag pinned for ${service.image}, nothing to promote from ${addressName(from)}`,
      );
    }
    return [service, pin];
  });
  if (to.cluster) return pins.flatMap(([service, pin]) => pinCluster(ctx, to, service, pin));
  // From one cluster of an upstream environment, the environment gets what that cluster runs.
  const envChanges = from.cluster ? pins.flatMap(([s, p]) => pinEnvironment(ctx, to.env, s, p)) : ordered;
  const cleared = to.env.spansClusters
    ? to.env.clusters.flatMap((cluster) =>
        pins.flatMap(([service, pin]) => clearWave(ctx, { env: to.env, cluster }, service, pin)),
      )
    : [];
  return [...envChanges, ...cleared];
}

/** Plans pinning `reference` in one cluster of a multi-cluster environment (`set-image --cluster`). */
export function planClusterSetImage(
  ctx: PromotionContext,
  env: string,
  cluster: string,
  service: string,
  reference: string,
): PinChange[] {
  return pinCluster(
    ctx,
    resolveAddress(ctx, env, cluster),
    findService(ctx.platform, service),
    parseImageReference(reference),
  );
}

/** Checks a pin against the target's latest policy and the blocklist, as every promotion does. */
function checkPin(ctx: PromotionContext, env: Environment, service: Microservice, pin: ImagePin): void {
  if (pin.newTag === 'latest' && !env.allowLatestTag) {
    throw new Error(`${service.name}: tag "latest" is not allowed in ${env.name}: pin an immutable version`);
  }
  const refused = ctx.refuse?.(service, pin);
  if (refused) throw new Error(`${service.name}: ${describePin(pin)} is refused: ${refused}`);
}

function pinEnvironment(ctx: PromotionContext, env: Environment, service: Microservice, pin: ImagePin): PinChange[] {
  checkPin(ctx, env, service, pin);
  const file = addressPinFile(ctx, { env }, service);
  const before = readOverlay(ctx, file, service);
  if (samePin(before.pin, pin)) return [];
  const text = editImagePin(before.text, file, service.image, pin);
  return [{ service: service.name, env: env.name, file, before: before.pin, after: pin, text }];
}

function pinCluster(ctx: PromotionContext, address: PinAddress, service: Microservice, pin: ImagePin): PinChange[] {
  checkPin(ctx, address.env, service, pin);
  const file = addressPinFile(ctx, address, service);
  const overlay = readOverlay(ctx, file, service);
  const before = effectivePin(ctx, address, service);
  if (samePin(overlay.pin, pin) || (overlay.pin === undefined && samePin(before, pin))) return [];
  const text = overlay.pin
    ? editImagePin(overlay.text, file, service.image, pin)
    : setImages(overlay.text, file, [{ name: service.image, ...pin }]);
  return [{ service: service.name, env: addressName(address), file, before, after: pin, text }];
}

/** Removes a cluster's wave pin, so it renders the environment's `pin` again. */
function clearWave(ctx: PromotionContext, address: PinAddress, service: Microservice, pin: ImagePin): PinChange[] {
  const file = addressPinFile(ctx, address, service);
  const overlay = readOverlay(ctx, file, service);
  if (overlay.pin === undefined) return [];
  const text = setImages(overlay.text, file, undefined);
  return [
    {
      service: service.name,
      env: addressName(address),
      file,
      before: overlay.pin,
      after: pin,
      text,
      clearsOwnPin: true,
    },
  ];
}

function readOverlay(ctx: PromotionContext, file: string, service: Microservice): { text: string; pin?: ImagePin } {
  const absolute = path.join(ctx.rootDir, file);
  if (!fs.existsSync(absolute)) throw new Error(`${file}: missing; run npm run synth to create the overlay`);
  try {
    return { text: fs.readFileSync(absolute, 'utf8'), pin: readImagePin(absolute, service.image) };
  } catch (error) {
    throw new Error((error as Error).message.replace(absolute, file));
  }
}

/** A cluster overlay's text with `images` set (a wave starts) or removed (the wave is over); synth then rewrites it canonically. */
function setImages(text: string, file: string, images: object[] | undefined): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (images) doc.set('images', doc.createNode(images));
  else doc.delete('images');
  return doc.toString();
}

/** Options of `planClusterRollback`. */
export interface ClusterRollbackOptions {
  /** The environment. */
  readonly env: string;
  /** The cluster to roll back. */
  readonly cluster: string;
  /**
   * Services to roll back.
   * @default - every service with an earlier pin
   */
  readonly services?: readonly string[];
  /**
   * Pin this tag instead of the previous one.
   * @default - the previous pin the cluster ran (its own or the environment's), from git history
   */
  readonly to?: string;
}

/**
 * Plans rolling one cluster back: it gets a wave pin with the tag it ran before (from the
 * git history of its own overlay and of the environment's, newest first) or `to`; the other
 * clusters keep running the environment's pin. Blocked tags are skipped, as in `planRollback`.
 */
export function planClusterRollback(ctx: PromotionContext, options: ClusterRollbackOptions): PinChange[] {
  const address = resolveAddress(ctx, options.env, options.cluster);
  const blocklist = readBlocklist(ctx.rootDir);
  const explicit = options.services !== undefined && options.services.length > 0;
  const services = explicit ? options.services!.map((s) => findService(ctx.platform, s)) : ctx.platform.services;
  const changes: PinChange[] = [];
  for (const service of services) {
    const current = effectivePin(ctx, address, service);
    let target = options.to !== undefined ? parseImageReference(options.to) : undefined;
    if (!target) {
      target = clusterHistory(ctx, address, service).find(
        (h) => !samePin(h.pin, current) && !findBlock(blocklist, service.name, h.pin),
      )?.pin;
      if (!target) {
        if (explicit) {
          throw new Error(
            `${addressName(address)}: no earlier tag of ${service.image} in git history to roll back to; pass --to <tag>`,
          );
        }
        continue;
      }
    }
    if (samePin(target, current)) {
      throw new Error(`${service.name} in ${addressName(address)} already pins ${describePin(current)}`);
    }
    changes.push(...pinCluster(ctx, address, service, target));
  }
  if (changes.length === 0) {
    throw new Error(`nothing to roll back in ${addressName(address)}: no service has an earlier tag in git history`);
  }
  return changes;
}

/**
 * The pins `service` ran with at `address`, newest first: the history of the cluster's own
 * overlay (its waves) and of the environment's, merged by commit date.
 */
export function clusterHistory(ctx: PromotionContext, address: PinAddress, service: Microservice): PinHistoryEntry[] {
  const envFile = addressPinFile(ctx, { env: address.env }, service);
  const own = address.cluster
    ? pinHistory(ctx.rootDir, addressPinFile(ctx, address, service), service.image, wavePin(ctx, address, service))
    : [];
  const env = pinHistory(ctx.rootDir, envFile, service.image, effectivePin(ctx, { env: address.env }, service));
  return [...own, ...env].sort((a, b) => (a.date === '' ? -1 : b.date === '' ? 1 : b.date.localeCompare(a.date)));
}

/** The pins of every service at every environment and cluster, as `npm run tags -- --json` prints them. */
export interface FleetTags {
  /** The columns: `env` or `env/cluster`, in table order. */
  readonly columns: readonly string[];
  /** The columns compared for `differs`: those of the promotion chains (local environments are not). */
  readonly compared: readonly string[];
  /** One row per service. */
  readonly services: readonly FleetTagRow[];
}

/** One service's pins in `FleetTags`. */
export interface FleetTagRow {
  /** The service. */
  readonly service: string;
  /** Column -> the pin it runs with (`1.4.2`, `sha256:...`, `local`) and whether it is a wave pin. */
  readonly pins: Readonly<Record<string, { readonly pin: string; readonly wave: boolean }>>;
  /** Whether the compared columns hold different pins. */
  readonly differs: boolean;
}

/**
 * The environment x cluster x service pins; a multi-cluster environment has one column per
 * cluster (`prod/prod-eu`). Only the environments of the promotion chains are compared: one
 * outside every promotion (a local kind environment pins its own tag) is shown, not compared.
 */
export function fleetTags(ctx: PromotionContext): FleetTags {
  const envs = ctx.platform.environments.environments.filter((e) => e.runServices);
  const chains = ctx.platform.environments.promotionChains().filter((c) => c.length > 1);
  const chain = new Set(chains.flat().map((e) => e.name));
  const addresses: PinAddress[] = envs.flatMap((env) =>
    env.spansClusters ? env.clusters.map((cluster) => ({ env, cluster })) : [{ env }],
  );
  const columns = addresses.map(addressName);
  const services = ctx.platform.services.map((service) => {
    const pins = addresses.map((a) => ({
      pin: describePin(effectivePin(ctx, a, service)),
      wave: wavePin(ctx, a, service) !== undefined,
    }));
    const compared = pins.filter((_, i) => chain.has(addresses[i].env.name)).map((p) => p.pin);
    return {
      service: service.name,
      pins: Object.fromEntries(columns.map((column, i) => [column, pins[i]])),
      differs: new Set(compared).size > 1,
    };
  });
  return { columns, compared: columns.filter((_, i) => chain.has(addresses[i].env.name)), services };
}

/**
 * `fleetTags` as the table `npm run tags` prints: a wave pin is marked `(wave)`, rows where the
 * compared columns differ are marked, and a last line names the environments not compared.
 */
export function fleetTagTable(ctx: PromotionContext): string {
  const tags = fleetTags(ctx);
  const rows = tags.services.map((row) => [
    row.service,
    ...tags.columns.map((c) => row.pins[c].pin + (row.pins[c].wave ? ' (wave)' : '')),
    row.differs ? 'differs' : '',
  ]);
  const table = formatTable(['SERVICE', ...tags.columns.map((c) => c.toUpperCase()), ''], rows);
  const envs = ctx.platform.environments.environments.filter((e) => e.runServices);
  const compared = new Set(tags.compared.map((c) => c.split('/')[0]));
  const outside = envs.filter((e) => !compared.has(e.name));
  if (outside.length === 0) return table;
  if (compared.size === 0) return `${table}not compared: no environment is promoted from another\n`;
  const names = outside.map((e) => `${e.name}${e.local ? ' (local)' : ''}`).join(', ');
  return `${table}not compared, outside the promotion chain: ${names}\n`;
}
