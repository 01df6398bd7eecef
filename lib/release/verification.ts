import * as os from 'os';
import * as path from 'path';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { objectiveOf, requiredSuccessRatio, seriesOf, successRatioQuery } from '../constructs/service-rollout';
import { serviceApplicationName } from '../generators/argocd-names';
import { describePin, ImagePin, readImagePin } from '../kube/image-pin';
import { git } from '../core/git';
import { formatTable } from '../core/table';
import { IApplicationSource } from './application-status';
import { queryScalar } from './prometheus-query';
import { findService, overlayFile, PinChange, PromotionContext } from './promotion';
import { readVerifications, recordsPin, VERIFIED_FILE, VerificationRecord } from './verification-record';

/** Options of `verifyEnvironment`. */
export interface VerifyOptions {
  /** The environment to verify. */
  readonly env: string;
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
   * @default - every service of the environment
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
}

/** The environment of a verification, or a one-line error when the table gives it no verification settings. */
export function verifiableEnvironment(ctx: PromotionContext, name: string): Environment {
  const env = ctx.platform.environments.get(name);
  if (!env.verification) {
    throw new Error(
      `environment ${env.name} has no verification settings: add verification (prometheusAddress, objective) to its row of the table`,
    );
  }
  return env;
}

/**
 * Checks that `env` runs what git pins and is healthy, service by service: its Argo CD
 * Application is Synced and Healthy and runs the pinned image, and the objective's success
 * ratio over the soak window (the analysis interval without soak) meets the target. Every
 * request is made before anything is returned, so an unreachable server or a rejected query
 * fails the whole verification with one error and nothing to record.
 */
export async function verifyEnvironment(ctx: PromotionContext, options: VerifyOptions): Promise<ServiceVerification[]> {
  const env = verifiableEnvironment(ctx, options.env);
  const settings = env.verification!;
  const services = options.only ? options.only.map((name) => findService(ctx.platform, name)) : ctx.platform.services;
  const address = (options.prometheusAddress ?? settings.prometheusAddress).replace(/\/+$/, '');
  const window = settings.soakMinutes > 0 ? `${settings.soakMinutes}m` : settings.analysisInterval;
  const results: ServiceVerification[] = [];
  for (const service of services) {
    const pin = pinnedIn(ctx, env, service);
    const objective = objectiveOf(service, env)!;
    const application = await options.applications.status(
      serviceApplicationName(ctx.platform.name, env.name, service.name),
    );
    const ratio = await queryScalar(
      address,
      successRatioQuery(objective, seriesOf(service, env), window),
      options.timeoutSeconds,
    );
    const required = requiredSuccessRatio(objective);
    const expected = imageReference(service, pin);
    const problems = [
      ...(application.sync === 'Synced' ? [] : [`${application.name} is ${application.sync}`]),
      ...(application.health === 'Healthy' ? [] : [`${application.name} is ${application.health}`]),
      ...(application.images.includes(expected)
        ? []
        : [`${application.name} runs ${application.images.join(', ') || 'no image'}, git pins ${expected}`]),
      ...(ratio >= required
        ? []
        : [`success ratio ${round(ratio)} over ${window} is below ${required} (${objective.targetPercent}%)`]),
    ];
    results.push({
      problems,
      record: {
        environment: env.name,
        service: service.name,
        ...(pin.newTag !== undefined ? { tag: pin.newTag } : {}),
        ...(pin.digest !== undefined ? { digest: pin.digest } : {}),
        result: problems.length === 0 ? 'passed' : 'failed',
        time: options.now.toISOString(),
        by: options.by,
        ...(application.deployedAt ? { deployedAt: application.deployedAt } : {}),
        successRatio: round(ratio),
        objectivePercent: objective.targetPercent,
        ...(problems.length > 0 ? { reason: problems.join('; ') } : {}),
      },
    });
  }
  return results;
}

/** The table `npm run verify` prints: service, version, result and what was wrong. */
export function formatVerifications(results: readonly ServiceVerification[]): string {
  const rows = results.map(({ record, problems }) => [
    record.service,
    describePin({ newTag: record.tag, digest: record.digest }),
    record.result,
    String(record.successRatio ?? ''),
    problems.join('; '),
  ]);
  return formatTable(['SERVICE', 'VERSION', 'RESULT', 'SUCCESS', 'PROBLEMS'], rows);
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
  const records = readVerifications(rootDir).filter(
    (r) => r.environment === options.from.name && r.result === 'passed',
  );
  return options.changes.flatMap((change): UnprovenChange[] => {
    const version = `${change.service} ${describePin(change.after)}`;
    const mine = records.filter((r) => r.service === change.service && recordsPin(r, change.after));
    if (mine.length === 0)
      return [{ change, problem: `${version} has no passed verification in ${options.from.name}` }];
    if (mine.some((r) => soakedFor(r) >= soakMinutes)) return [];
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

function pinnedIn(ctx: PromotionContext, env: Environment, service: Microservice): ImagePin {
  const file = overlayFile(ctx, env.name, service.name);
  const pin = readImagePin(path.join(ctx.rootDir, file), service.image);
  if (!pin) throw new Error(`${file}: no tag pinned for ${service.image}, nothing to verify`);
  return pin;
}

/** The image string Argo CD lists for a pin: `repo:tag`, `repo@digest` or `repo:tag@digest`. */
function imageReference(service: Microservice, pin: ImagePin): string {
  return `${service.image}${pin.newTag !== undefined ? `:${pin.newTag}` : ''}${pin.digest !== undefined ? `@${pin.digest}` : ''}`;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
