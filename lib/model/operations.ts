import { shape } from '../core/props-shape';

/**
 * How an environment is operated: monitoring, recovery and security practice. These values
 * do not change rendered manifests; they are declared in the environment table so the
 * generated ENVIRONMENTS.md cannot drift from the model.
 */
export interface OperationsProps {
  /**
   * Metrics level (e.g. `Basic`, `Full`, `Full + Alerts`).
   * @default 'None'
   */
  readonly metrics?: string;
  /**
   * Logging (e.g. `Console`, `Aggregated`, `Aggregated + Retention`).
   * @default 'Console'
   */
  readonly logging?: string;
  /**
   * Whether distributed tracing is enabled.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Alerting (e.g. `None`, `Basic`, `Comprehensive`).
   * @default 'None'
   */
  readonly alerts?: string;
  /**
   * Uptime objective in percent (e.g. 99.9).
   * @default - none
   */
  readonly uptimeSlaPercent?: number;
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
export type Operations = Required<
  Omit<OperationsProps, 'uptimeSlaPercent' | 'rtoHours' | 'rpoHours' | 'estimatedMonthlyCost'>
> &
  Pick<OperationsProps, 'uptimeSlaPercent' | 'rtoHours' | 'rpoHours' | 'estimatedMonthlyCost'>;

/** Fills the defaults of `props`, once. */
export function resolveOperations(props: OperationsProps = {}): Operations {
  return {
    metrics: props.metrics ?? 'None',
    logging: props.logging ?? 'Console',
    tracing: props.tracing ?? false,
    alerts: props.alerts ?? 'None',
    uptimeSlaPercent: props.uptimeSlaPercent,
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
  metrics: 'string',
  logging: 'string',
  tracing: 'boolean',
  alerts: 'string',
  uptimeSlaPercent: 'number',
  secretsRotation: { oneOf: ['Manual', 'Automated'] },
  vulnerabilityScanning: { oneOf: ['Daily', 'Weekly'] },
  disasterRecovery: 'string',
  rtoHours: 'number',
  rpoHours: 'number',
  estimatedMonthlyCost: 'string',
  testing: 'strings',
});
