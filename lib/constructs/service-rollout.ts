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
 * The objective `service` is held to in `env` (the environment's verification objective, its
 * SLI completed from the service's protocol), or undefined where the environment has none.
 */
export function objectiveOf(service: Microservice, env: Environment): (Objective & { readonly sli: Sli }) | undefined {
  return env.verification?.objective.forService(service.protocol);
}

/**
 * The series of `service` in `env` its objective is measured on: the `job` and `namespace`
 * labels Prometheus gives a scraped Service's targets. The rollout analysis and
 * `npm run verify` both ask for exactly these, so they judge the same numbers.
 */
export function seriesOf(service: Microservice, env: Environment): SeriesSelector {
  return { job: service.name, namespace: env.namespace };
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
