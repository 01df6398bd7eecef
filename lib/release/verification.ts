import * as os from 'os';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { objectiveOf, requiredSuccessRatio, successRatioQuery, unmeasuredReason } from '../constructs/service-rollout';
import { serviceApplicationName } from '../generators/argocd-names';
import { describePin, ImagePin } from '../kube/image-pin';
import { Objective } from '../model/objective';
import { git } from '../core/git';
import { formatTable } from '../core/table';
import { ApplicationStatus, IApplicationSource } from './application-status';
import { addressPinFile, effectivePin, PinAddress, resolveAddress } from './cluster-pins';
import { samePin } from './history';
import { queryScalar } from './prometheus-query';
import { findService, PinChange, PromotionContext } from './promotion';
import { readVerifications, recordsPin, VERIFIED_FILE, VerificationRecord } from './verification-record';

/** Options of `verifyEnvironment`. */
export interface VerifyOptions {
  /** The environment to verify, or one cluster of an environment that spans several (`prod-eu`). */
  readonly env: string;
  /**
   * Only this cluster of an environment that spans several.
   * @default - every cluster of the environment
   */
  readonly cluster?: string;
  /** Where the Applications are read from. */
  readonly applications: IApplicationSource;
  /**
   * Prometheus to query instead of the table's (e.g. a port-forward, `http://localhost:9090`).
   * @default - the environment's `verification.prometheusAddress`
   */
  readonly prometheusAddress?: string;
  /** Seconds each request may take. */
  readonly timeoutSeconds: number;
  /**
   * Only these services.
   * @default - every service that runs in the environment
   */
  readonly only?: readonly string[];
  /** Who verifies (`Name <email>`). */
  readonly by: string;
  /** The time of the verification. */
  readonly now: Date;
}

/** One service's verification, ready to record. */
export interface ServiceVerification {
  /** The record to append. */
  readonly record: VerificationRecord;
  /** Problems found (empty when it passed). */
  readonly problems: readonly string[];
  /**
   * Why no objective was measured, when none was (the service was judged by Argo CD alone).
   * @default - the objective was measured
   */
  readonly unmeasured?: string;
}

/** The environment of a verification, or a one-line error when the table gives it no verification settings. */
export function verifiableEnvironment(ctx: PromotionContext, name: string): Environment {
  const env = resolveAddress(ctx, name).env;
  if (!env.verification) {
    throw new Error(
      `environment ${env.name} has no verification settings: add verification (prometheusAddress, objective) to its row of the table`,
    );
  }
  return env;
}

/**
 * Checks that `env` runs what git pins and is healthy, service by service: in every cluster
 * it deploys to (or the one `cluster` names), its Argo CD Application is Synced and Healthy and
 * runs the pinned image, and the objective's success ratio over the soak window (the analysis
 * interval without soak) meets the target. A service nothing measures (see `objectiveOf`) is
 * judged by Argo CD alone, and says so. In an environment that spans clusters, one record
 * covers every cluster where they share the pin; a cluster checked alone, or one whose wave
 * pins a version of its own, gets a record of its own. Every request is made before anything
 * is returned, so an unreachable server or a rejected query fails the whole verification with
 * one error and nothing to record.
 */
export async function verifyEnvironment(ctx: PromotionContext, options: VerifyOptions): Promise<ServiceVerification[]> {
  const address = resolveAddress(ctx, options.env, options.cluster);
  const env = verifiableEnvironment(ctx, address.env.name);
  const settings = env.verification!;
  const targets: PinAddress[] = address.cluster
    ? [address]
    : env.spansClusters
      ? env.clusters.map((cluster) => ({ env, cluster }))
      : [{ env }];
  const services = options.only
    ? options.only.map((name) => findService(ctx.platform, name))
    : ctx.platform.services.filter((s) => s.runsIn(env));
  const prometheus = (options.prometheusAddress ?? settings.prometheusAddress).replace(/\/+$/, '');
  const window = settings.soakMinutes > 0 ? `${settings.soakMinutes}m` : settings.analysisInterval;
  const results: ServiceVerification[] = [];
  for (const service of services) {
    const checked: ClusterCheck[] = [];
    for (const target of targets) {
      const pin = pinnedAt(ctx, target, service);
      const name = serviceApplicationName(ctx.platform.name, env.name, service.name, target.cluster?.name);
      checked.push({ target, pin, application: await options.applications.status(name) });
    }
    const objective = objectiveOf(service, env);
    const ratio = objective
      ? await queryScalar(
          prometheus,
          successRatioQuery(objective, service.seriesIn(env), window),
          options.timeoutSeconds,
        )
      : undefined;
    const measured: Measured | undefined =
      objective && ratio !== undefined ? { ratio, required: requiredSuccessRatio(objective), objective } : undefined;
    const ratioProblems =
      measured && !(measured.ratio >= measured.required)
        ? [
            `success ratio ${round(measured.ratio)} over ${window} is below ${measured.required} (${measured.objective.targetPercent}%)`,
          ]
        : [];
    const shared = checked.every((c) => samePin(c.pin, checked[0].pin));
    const groups = shared && !address.cluster ? [checked] : checked.map((c) => [c]);
    for (const group of groups) {
      const problems = [...group.flatMap((c) => applicationProblems(service, c)), ...ratioProblems];
      results.push({
        problems,
        ...(measured ? {} : { unmeasured: unmeasuredReason(service, env) }),
        record: record(env, service, group, problems, measured, options),
      });
    }
  }
  return results;
}

/** One cluster's (or the single placement's) pin and Application. */
interface ClusterCheck {
  readonly target: PinAddress;
  readonly pin: ImagePin;
  readonly application: ApplicationStatus;
}

/** The objective's answer for one service. */
interface Measured {
  readonly ratio: number;
  readonly required: number;
  readonly objective: Objective;
}

function applicationProblems(service: Microservice, check: ClusterCheck): string[] {
  const { application } = check;
  const expected = imageReference(service, check.pin);
  return [
    ...(application.sync === 'Synced' ? [] : [`${application.name} is ${application.sync}`]),
    ...(application.health === 'Healthy' ? [] : [`${application.name} is ${application.health}`]),
    ...(application.images.includes(expected)
      ? []
      : [`${application.name} runs ${application.images.join(', ') || 'no image'}, git pins ${expected}`]),
  ];
}

function record(
  env: Environment,
  service: Microservice,
  group: readonly ClusterCheck[],
  problems: readonly string[],
  measured: Measured | undefined,
  options: VerifyOptions,
): VerificationRecord {
  const pin = group[0].pin;
  const cluster = group.length === 1 && env.spansClusters ? group[0].target.cluster?.name : undefined;
  // The soak counts from the last cluster Argo CD deployed the version to.
  const deployedAt = group
    .map((c) => c.application.deployedAt)
    .filter((d): d is string => d !== undefined)
    .sort()
    .pop();
  return {
    environment: env.name,
    service: service.name,
    ...(cluster !== undefined ? { cluster } : {}),
    ...(pin.newTag !== undefined ? { tag: pin.newTag } : {}),
    ...(pin.digest !== undefined ? { digest: pin.digest } : {}),
    result: problems.length === 0 ? 'passed' : 'failed',
    time: options.now.toISOString(),
    by: options.by,
    ...(deployedAt ? { deployedAt } : {}),
    ...(measured ? { successRatio: round(measured.ratio), objectivePercent: measured.objective.targetPercent } : {}),
    ...(problems.length > 0 ? { reason: problems.join('; ') } : {}),
  };
}

/**
 * The table `npm run verify` prints: service (and cluster, where one was checked apart),
 * version, result, success ratio and what was wrong; then one line per service that was
 * judged by Argo CD alone, saying why.
 */
export function formatVerifications(results: readonly ServiceVerification[]): string {
  const clusters = results.some((r) => r.record.cluster !== undefined);
  const rows = results.map(({ record, problems, unmeasured }) => [
    record.service,
    ...(clusters ? [record.cluster ?? 'all'] : []),
    describePin({ newTag: record.tag, digest: record.digest }),
    record.result,
    unmeasured !== undefined ? 'n/a' : String(record.successRatio ?? ''),
    problems.join('; '),
  ]);
  const header = ['SERVICE', ...(clusters ? ['CLUSTER'] : []), 'VERSION', 'RESULT', 'SUCCESS', 'PROBLEMS'];
  const notes = [
    ...new Map(results.filter((r) => r.unmeasured).map((r) => [r.record.service, r.unmeasured])).entries(),
  ].map(([service, why]) => `${service}: Argo CD sync and health only, no objective measured (${why})\n`);
  return formatTable(header, rows) + notes.join('');
}

/** Options of `unverifiedChanges`. */
export interface VerificationGateOptions {
  /** The environment the changes come from. */
  readonly from: Environment;
  /** The environment they go to. */
  readonly to: Environment;
  /** The planned changes. */
  readonly changes: readonly PinChange[];
}

/** A change the gate does not let through, and why. */
export interface UnprovenChange {
  /** The change. */
  readonly change: PinChange;
  /** Why it is not proven, one clause. */
  readonly problem: string;
}

/**
 * Why each change into an environment with `requiresVerifiedSource` is not proven: no passed
 * verification of that pin in the source environment, or one made before the soak time had
 * passed since Argo CD deployed it. Empty when every change is proven (or none needs to be).
 */
export function unverifiedChanges(rootDir: string, options: VerificationGateOptions): UnprovenChange[] {
  if (!options.to.requiresVerifiedSource) return [];
  const soakMinutes = options.from.verification?.soakMinutes ?? 0;
  const clusters = options.from.spansClusters ? options.from.clusters.map((c) => c.name) : [];
  const records = readVerifications(rootDir).filter(
    (r) => r.environment === options.from.name && r.result === 'passed',
  );
  return options.changes.flatMap((change): UnprovenChange[] => {
    const version = `${change.service} ${describePin(change.after)}`;
    const mine = records.filter((r) => r.service === change.service && recordsPin(r, change.after));
    if (mine.length === 0)
      return [{ change, problem: `${version} has no passed verification in ${options.from.name}` }];
    const soaked = mine.filter((r) => soakedFor(r) >= soakMinutes);
    // A record of one cluster proves that cluster: the version is proven once every cluster is.
    const proven = new Set(soaked.map((r) => r.cluster));
    if (proven.has(undefined) || (clusters.length > 0 && clusters.every((c) => proven.has(c)))) return [];
    if (soaked.length > 0) {
      const missing = clusters.filter((c) => !proven.has(c));
      return [
        {
          change,
          problem: `${version} is verified in ${options.from.name} only in ${[...proven].sort().join(', ')}, not in ${missing.join(', ')}`,
        },
      ];
    }
    return [
      {
        change,
        problem: `${version} was verified in ${options.from.name} before its ${soakMinutes} min soak ended (verify again later)`,
      },
    ];
  });
}

/** The one-line refusal of a promotion with unproven changes. */
export function refuseUnverified(from: string, to: string, unproven: readonly UnprovenChange[]): Error {
  return new Error(
    `cannot promote ${from} -> ${to}: ${unproven.map((u) => u.problem).join('; ')}; run npm run verify -- ${from}, or pass --skip-verification --reason "..." (recorded in ${VERIFIED_FILE})`,
  );
}

/** The records of a promotion that went ahead without proof: one `skipped` per change. */
export function skippedVerifications(
  from: Environment,
  to: Environment,
  changes: readonly PinChange[],
  reason: string,
  by: string,
  now: Date,
): VerificationRecord[] {
  return changes.map((change) => ({
    environment: from.name,
    service: change.service,
    ...(change.after.newTag !== undefined ? { tag: change.after.newTag } : {}),
    ...(change.after.digest !== undefined ? { digest: change.after.digest } : {}),
    result: 'skipped',
    time: now.toISOString(),
    by,
    reason,
    promotedTo: to.name,
  }));
}

/** Who is acting: `Name <email>` from git in `rootDir`, else the operating system's user name. */
export function actor(rootDir: string): string {
  try {
    const name = git(rootDir, ['config', 'user.name']);
    const email = git(rootDir, ['config', 'user.email']);
    if (name !== '') return email !== '' ? `${name} <${email}>` : name;
  } catch {
    // no git identity: fall through
  }
  return os.userInfo().username;
}

function soakedFor(record: VerificationRecord): number {
  if (record.deployedAt === undefined) return 0;
  return (Date.parse(record.time) - Date.parse(record.deployedAt)) / 60000;
}

function pinnedAt(ctx: PromotionContext, address: PinAddress, service: Microservice): ImagePin {
  const pin = effectivePin(ctx, address, service);
  if (!pin) {
    throw new Error(
      `${addressPinFile(ctx, { env: address.env }, service)}: no tag pinned for ${service.image}, nothing to verify`,
    );
  }
  return pin;
}

/** The image string Argo CD lists for a pin: `repo:tag`, `repo@digest` or `repo:tag@digest`. */
function imageReference(service: Microservice, pin: ImagePin): string {
  return `${service.image}${pin.newTag !== undefined ? `:${pin.newTag}` : ''}${pin.digest !== undefined ? `@${pin.digest}` : ''}`;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
