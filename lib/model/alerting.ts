import { StagecraftError } from '../core/errors';
import { AlertUrgency } from './burn-rate';

/** How much an environment alerts on. */
export enum AlertLevel {
  /** No PrometheusRule. */
  NONE = 'none',
  /** Pods crash-looping, not ready or restarting, HPAs at their maximum, datastore volumes nearly full. */
  BASIC = 'basic',
  /** Basic, plus each service objective's error-ratio recording rules and burn-rate alerts. */
  COMPREHENSIVE = 'comprehensive',
}

/** Options of `Alerting.basic()` and `Alerting.comprehensive()`. */
export interface AlertingOptions {
  /**
   * `severity` label of alerts that must wake someone (fast SLO burns, a volume about to fill).
   * @default 'critical'
   */
  readonly pageSeverity?: string;
  /**
   * `severity` label of alerts for working hours (slow burns, crash loops, HPAs at max).
   * @default 'warning'
   */
  readonly ticketSeverity?: string;
  /**
   * Labels on every alert that Alertmanager routes by, e.g. `{ team: 'platform' }`.
   * @default {}
   */
  readonly routingLabels?: Readonly<Record<string, string>>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED = ['severity', 'environment', 'namespace', 'service', 'slo'];

/**
 * What an environment alerts on (seed 003: "Alerts"), with its severities and routing labels:
 * the table decides, the rule generator only reads.
 */
export class Alerting {
  /** No alerts. */
  public static none(): Alerting {
    return new Alerting(AlertLevel.NONE, { [AlertUrgency.PAGE]: 'critical', [AlertUrgency.TICKET]: 'warning' }, {});
  }

  /** The basic workload alerts. */
  public static basic(options: AlertingOptions = {}): Alerting {
    return Alerting.of(AlertLevel.BASIC, options);
  }

  /** The basic alerts and the SLO burn-rate alerts. */
  public static comprehensive(options: AlertingOptions = {}): Alerting {
    return Alerting.of(AlertLevel.COMPREHENSIVE, options);
  }

  private static of(level: AlertLevel, options: AlertingOptions): Alerting {
    const routing = options.routingLabels ?? {};
    for (const name of Object.keys(routing)) {
      if (!LABEL_NAME.test(name) || RESERVED.includes(name)) {
        throw new StagecraftError(
          'alerting',
          `routing label must be a Prometheus label name other than ${RESERVED.join(', ')}, got ${JSON.stringify(name)}`,
        );
      }
    }
    const severities = {
      [AlertUrgency.PAGE]: options.pageSeverity ?? 'critical',
      [AlertUrgency.TICKET]: options.ticketSeverity ?? 'warning',
    };
    for (const severity of Object.values(severities)) {
      if (severity.trim() === '') throw new StagecraftError('alerting', 'severity must not be empty, got ""');
    }
    return new Alerting(level, severities, routing);
  }

  private constructor(
    /** How much is alerted on. */
    public readonly level: AlertLevel,
    private readonly severities: Readonly<Record<AlertUrgency, string>>,
    /** Labels on every alert for Alertmanager's routes. */
    public readonly routingLabels: Readonly<Record<string, string>>,
  ) {}

  /** Whether any alert is rendered. */
  public get enabled(): boolean {
    return this.level !== AlertLevel.NONE;
  }

  /** Whether the SLO rules and burn-rate alerts are rendered. */
  public get includesSlo(): boolean {
    return this.level === AlertLevel.COMPREHENSIVE;
  }

  /** The `severity` label of an alert of `urgency`. */
  public severityOf(urgency: AlertUrgency): string {
    return this.severities[urgency];
  }

  /** Human form for documentation: `Comprehensive (page: critical, ticket: warning; team=platform)`. */
  public describe(): string {
    if (!this.enabled) return 'None';
    const routing = Object.entries(this.routingLabels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`);
    const level = this.includesSlo ? 'Comprehensive' : 'Basic';
    return `${level} (page: ${this.severityOf(AlertUrgency.PAGE)}, ticket: ${this.severityOf(AlertUrgency.TICKET)}${routing.length > 0 ? `; ${routing.join(', ')}` : ''})`;
  }
}
