import { shape } from '../core/props-shape';
import { StagecraftError } from '../core/errors';
import { promDurationSeconds } from '../core/prom-duration';
import { Objective } from './objective';

/** How an environment proves that what runs there is healthy: its Prometheus, objective and Argo CD. */
export interface VerificationProps {
  /**
   * Base URL of the environment's Prometheus, as the Argo Rollouts controller and
   * `npm run verify` reach it (e.g. `http://prometheus-operated.monitoring.svc:9090`).
   */
  readonly prometheusAddress: string;
  /**
   * The objective each service is held to: a canary's analysis needs at least this success
   * ratio, and `npm run verify` checks it over the soak window.
   */
  readonly objective: Objective;
  /**
   * Argo CD API server `npm run verify` reads the environment's Applications from (its
   * token from `ARGOCD_AUTH_TOKEN`, never from git).
   * @default - none: pass `--argocd-server <url>` or `--context <kube context>`
   */
  readonly argoCdServer?: string;
  /**
   * Minutes a version must have run here (since Argo CD deployed it) before a verification of
   * it lets it be promoted further; also the window `verify` measures the objective over.
   * @default 30
   */
  readonly soakMinutes?: number;
  /**
   * How often the rollout analysis measures, and the window of each measurement.
   * @default '1m'
   */
  readonly analysisInterval?: string;
  /**
   * Measurements of one analysis (a blue-green post-promotion analysis ends after these).
   * @default 5
   */
  readonly analysisCount?: number;
  /**
   * Failed measurements tolerated before the rollout aborts.
   * @default 1
   */
  readonly analysisFailureLimit?: number;
}

/** `VerificationProps` with every default filled in and checked. */
export interface VerificationSettings {
  /** Prometheus base URL, without a trailing slash. */
  readonly prometheusAddress: string;
  /** The objective, its SLI filled per service by `forService`. */
  readonly objective: Objective;
  /** Argo CD API server, if the table names one. */
  readonly argoCdServer: string | undefined;
  /** Soak time in minutes. */
  readonly soakMinutes: number;
  /** Analysis interval and measurement window (`1m`). */
  readonly analysisInterval: string;
  /** Measurements per analysis. */
  readonly analysisCount: number;
  /** Failed measurements tolerated. */
  readonly analysisFailureLimit: number;
}

/** Fills the defaults of `props` once and checks every value under `path`. */
export function resolveVerification(path: string, props: VerificationProps): VerificationSettings {
  const at = `${path}/verification`;
  const prometheusAddress = checkUrl(at, 'prometheusAddress', props.prometheusAddress);
  const argoCdServer = props.argoCdServer === undefined ? undefined : checkUrl(at, 'argoCdServer', props.argoCdServer);
  const soakMinutes = props.soakMinutes ?? 30;
  checkWhole(at, 'soakMinutes', soakMinutes, 0);
  const analysisInterval = props.analysisInterval ?? '1m';
  promDurationSeconds(at, 'analysisInterval', analysisInterval);
  const analysisCount = props.analysisCount ?? 5;
  checkWhole(at, 'analysisCount', analysisCount, 1);
  const analysisFailureLimit = props.analysisFailureLimit ?? 1;
  checkWhole(at, 'analysisFailureLimit', analysisFailureLimit, 0);
  if (analysisFailureLimit >= analysisCount) {
    throw new StagecraftError(
      at,
      `analysisFailureLimit must be below analysisCount (${analysisCount}) or no analysis could fail, got ${analysisFailureLimit}`,
    );
  }
  return {
    prometheusAddress,
    objective: props.objective,
    argoCdServer,
    soakMinutes,
    analysisInterval,
    analysisCount,
    analysisFailureLimit,
  };
}

function checkUrl(path: string, what: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new StagecraftError(
      path,
      `${what} must be an http(s) URL without query such as http://prometheus.monitoring.svc:9090, got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, '');
}

function checkWhole(path: string, what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StagecraftError(path, `${what} must be a whole number >= ${min}, got ${value}`);
  }
}

/** The keys of `VerificationProps`, checked at run time: a misspelt key is an error, never ignored. */
export const VERIFICATION_SHAPE = shape<VerificationProps>('VerificationProps', {
  prometheusAddress: 'string',
  objective: { instanceOf: Objective, hint: 'an Objective (Objective.availability(99.9, {...}))' },
  argoCdServer: 'string',
  soakMinutes: 'number',
  analysisInterval: 'string',
  analysisCount: 'number',
  analysisFailureLimit: 'number',
});
