import { shape } from '../core/props-shape';
import { StagecraftError } from '../core/errors';
import { Alerting } from './alerting';
import { Logging } from './logging';
import { Metrics } from './metrics';
import { Objective } from './objective';
import { Tracing } from './tracing';

/**
 * How an environment is operated: monitoring, recovery and security practice. Metrics, alerts,
 * tracing and the SLO render objects (monitors, rules, the OpenTelemetry Instrumentation); the
 * rest is declared here so the generated ENVIRONMENTS.md cannot drift from the model.
 */
export interface OperationsProps {
  /**
   * What Prometheus scrapes: `Metrics.none()`, `Metrics.basic()` (the services) or
   * `Metrics.full()` (the services and datastores), with the interval and selector labels.
   * @default Metrics.none()
   */
  readonly metrics?: Metrics;
  /**
   * Where logs go: `Logging.console()` or `Logging.aggregated({ retentionDays })`.
   * @default Logging.console()
   */
  readonly logging?: Logging;
  /**
   * Distributed tracing: `Tracing.disabled()` or `Tracing.openTelemetry({ endpoint, samplerRatio })`.
   * @default Tracing.disabled()
   */
  readonly tracing?: Tracing;
  /**
   * Alerting: `Alerting.none()`, `Alerting.basic()` (workload alerts) or
   * `Alerting.comprehensive()` (plus the SLO burn-rate alerts), with severities and routing labels.
   * @default Alerting.none()
   */
  readonly alerts?: Alerting;
  /**
   * The objective every scraped service gets unless it declares its own (`objectives`), e.g.
   * `Objective.availability(99.9)` for a 99.9 % uptime SLA; needs comprehensive alerts.
   * @default - none
   */
  readonly slo?: Objective;
  /**
   * How secrets are rotated.
   * @default 'Manual'
   */
  readonly secretsRotation?: 'Manual' | 'Automated';
  /**
   * How often images are scanned for vulnerabilities.
   * @default 'Weekly'
   */
  readonly vulnerabilityScanning?: 'Daily' | 'Weekly';
  /**
   * Disaster recovery (e.g. `None`, `Manual`, `Automated`).
   * @default 'None'
   */
  readonly disasterRecovery?: string;
  /**
   * Recovery time objective in hours.
   * @default - none
   */
  readonly rtoHours?: number;
  /**
   * Recovery point objective in hours.
   * @default - none
   */
  readonly rpoHours?: number;
  /**
   * Estimated monthly cost, as budgeted (e.g. `$50-100`).
   * @default - not estimated
   */
  readonly estimatedMonthlyCost?: string;
  /**
   * The kinds of testing done in this environment.
   * @default []
   */
  readonly testing?: string[];
}

/** `OperationsProps` with every default filled in. */
export type Operations = Required<Omit<OperationsProps, 'slo' | 'rtoHours' | 'rpoHours' | 'estimatedMonthlyCost'>> &
  Pick<OperationsProps, 'slo' | 'rtoHours' | 'rpoHours' | 'estimatedMonthlyCost'>;

/** Fills the defaults of `props`, once, and checks that alerts and the SLO have what they need. */
export function resolveOperations(path: string, props: OperationsProps = {}): Operations {
  const metrics = props.metrics ?? Metrics.none();
  const alerts = props.alerts ?? Alerting.none();
  if (alerts.enabled && !metrics.enabled) {
    throw new StagecraftError(
      path,
      `alerts need metrics (the rules are selected by the Prometheus that metrics names): set operations.metrics to Metrics.basic() or Metrics.full(), got alerts ${alerts.level} with metrics none`,
    );
  }
  if (props.slo && !alerts.includesSlo) {
    throw new StagecraftError(
      path,
      `an slo needs Alerting.comprehensive() (its burn-rate alerts are comprehensive alerts), got alerts ${alerts.level}`,
    );
  }
  return {
    metrics,
    logging: props.logging ?? Logging.console(),
    tracing: props.tracing ?? Tracing.disabled(),
    alerts,
    slo: props.slo,
    secretsRotation: props.secretsRotation ?? 'Manual',
    vulnerabilityScanning: props.vulnerabilityScanning ?? 'Weekly',
    disasterRecovery: props.disasterRecovery ?? 'None',
    rtoHours: props.rtoHours,
    rpoHours: props.rpoHours,
    estimatedMonthlyCost: props.estimatedMonthlyCost,
    testing: props.testing ?? [],
  };
}

/** The keys of `OperationsProps`, checked at run time. */
export const OPERATIONS_SHAPE = shape<OperationsProps>('OperationsProps', {
  metrics: { instanceOf: Metrics, hint: 'a Metrics (Metrics.none(), Metrics.basic({...}) or Metrics.full({...}))' },
  logging: { instanceOf: Logging, hint: 'a Logging (Logging.console() or Logging.aggregated({...}))' },
  tracing: { instanceOf: Tracing, hint: 'a Tracing (Tracing.disabled() or Tracing.openTelemetry({...}))' },
  alerts: {
    instanceOf: Alerting,
    hint: 'an Alerting (Alerting.none(), Alerting.basic({...}) or Alerting.comprehensive({...}))',
  },
  slo: { instanceOf: Objective, hint: 'an Objective (Objective.availability(99.9, {...}))' },
  secretsRotation: { oneOf: ['Manual', 'Automated'] },
  vulnerabilityScanning: { oneOf: ['Daily', 'Weekly'] },
  disasterRecovery: 'string',
  rtoHours: 'number',
  rpoHours: 'number',
  estimatedMonthlyCost: 'string',
  testing: 'strings',
});
