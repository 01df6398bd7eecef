import { Environment } from '../model/environment';
import { Objective } from '../model/objective';
import { RolloutStrategy } from '../model/rollout-strategy';
import { renderMatchers, SeriesSelector, Sli } from '../model/sli';
import { Microservice } from './microservice';

/** How `service`'s new versions replace old ones in `env`: its own override, else the table's. */
export function rolloutStrategyOf(service: Microservice, env: Environment): RolloutStrategy {
  return service.overrides[env.name]?.rollout ?? env.rollout;
}

/**
 * The objective `service` is held to in `env`, measured on it: the service's own objective of
 * the name the environment's verification asks for (`availability`), else the environment's,
 * with the service's SLI. Undefined where the environment has no verification settings or
 * nothing could measure the service there (no metrics endpoint, an environment that does not
 * scrape, a worker without an SLI): its canary then runs on the pauses alone and
 * `npm run verify` judges it by Argo CD's sync and health only.
 */
export function objectiveOf(service: Microservice, env: Environment): (Objective & { readonly sli: Sli }) | undefined {
  const wanted = env.verification?.objective;
  if (!wanted) return undefined;
  const own = service.objectives?.find((o) => o.name === wanted.name);
  return service.measure(env, own ?? wanted);
}

/**
 * Why `objectiveOf(service, env)` measures nothing, in words for ENVIRONMENTS.md and
 * `npm run verify` (`no metrics endpoint`), or undefined when it measures the objective.
 */
export function unmeasuredReason(service: Microservice, env: Environment): string | undefined {
  if (!env.verification) return `${env.name} has no verification settings`;
  if (objectiveOf(service, env)) return undefined;
  if (!service.metricsEndpoint) return 'no metrics endpoint';
  if (!env.operations.metrics.enabled) return `${env.name} does not scrape metrics`;
  return 'no SLI';
}

/**
 * The success ratio (0 to 1) of the series `selector` picks over `window`, as PromQL, for the
 * rollout analysis and `npm run verify` alike. A window without a single bad event has no error
 * series at all, so the error ratio is empty: `or on() vector(0)` counts that as no errors. That
 * must not also pass a service nobody scrapes, so the answer exists only while at least one
 * target of the selector is up: no target, no series, a measurement error instead of a success.
 * Counters that exist but did not move (no traffic) give 0/0 = NaN: neither passed nor failed.
 */
export function successRatioQuery(
  objective: Objective & { readonly sli: Sli },
  selector: SeriesSelector,
  window: string,
): string {
  const ratio = objective.sli.errorRatio(window, selector);
  return `(1 - ((${ratio}) or on() vector(0))) and on() (sum(up{${renderMatchers(selector)}}) > 0)`;
}

/** The success ratio an objective needs, as a number (`0.999` for 99.9 %). */
export function requiredSuccessRatio(objective: Objective): number {
  return Number((1 - objective.errorBudget).toPrecision(12));
}
