import { createReleaseTag } from '../core/git';
import { isIsoDay, isoDay } from '../core/day';
import { Environment } from '../model/environment';

/**
 * The name every release tag of `env` on `day` starts with, `release/<env>/<YYYY-MM-DD>`; the
 * tag itself adds `.<n>`, the first number free that day.
 */
export function releaseTagPrefix(env: string, day: string): string {
  if (!isIsoDay(day)) throw new Error(`release tag day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return `release/${env}/${day}`;
}

/** Whether a promotion into `env` is tagged as a release: the environments that require approval. */
export function isReleaseEnvironment(env: Environment): boolean {
  return env.requiresApproval;
}

/**
 * Tags HEAD of the repository at `rootDir` as a release of `env` (an annotated tag carrying
 * `message`) when `env` is a release environment; returns the tag, or undefined when none is due.
 */
export function tagRelease(
  rootDir: string,
  env: Environment,
  message: string,
  day: string = isoDay(),
): string | undefined {
  if (!isReleaseEnvironment(env)) return undefined;
  return createReleaseTag(rootDir, releaseTagPrefix(env.name, day), message);
}
