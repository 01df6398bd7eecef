import { StagecraftError } from '../core/errors';
import { promDurationSeconds } from '../core/prom-duration';

/** How much an environment's Prometheus scrapes. */
export enum MetricsLevel {
  /** Nothing: no monitors are rendered. */
  NONE = 'none',
  /** The services' own metrics endpoints. */
  BASIC = 'basic',
  /**
   * The services and the datastores: the operators' exporters (CloudNativePG, MongoDB, Redis,
   * Kafka) and the exporter sidecars of single instances (PostgreSQL, MongoDB, Redis).
   */
  FULL = 'full',
}

/** Options of `Metrics.basic()` and `Metrics.full()`. */
export interface MetricsOptions {
  /**
   * How often Prometheus scrapes every monitor (a Prometheus duration).
   * @default '60s' for basic, '30s' for full
   */
  readonly scrapeInterval?: string;
  /**
   * Labels the environment's Prometheus selects monitors and rules by (its
   * `serviceMonitorSelector`, `podMonitorSelector` and `ruleSelector`); every monitor and rule
   * carries them. kube-prometheus-stack selects `release: <its Helm release>`.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly prometheusLabels?: Readonly<Record<string, string>>;
  /**
   * Namespace Prometheus runs in: the network policies let it reach the metrics ports.
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}

const DEFAULT_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/**
 * What an environment's Prometheus scrapes (seed 003: "Metrics"): nothing, the services, or the
 * services and datastores, at the table's interval, selected by the table's labels.
 */
export class Metrics {
  /** No scraping: no ServiceMonitor or PodMonitor is rendered. */
  public static none(): Metrics {
    return new Metrics(MetricsLevel.NONE, '60s', {}, 'monitoring');
  }

  /** Each service's metrics endpoint. */
  public static basic(options: MetricsOptions = {}): Metrics {
    return Metrics.of(MetricsLevel.BASIC, '60s', options);
  }

  /** The services and the datastores. */
  public static full(options: MetricsOptions = {}): Metrics {
    return Metrics.of(MetricsLevel.FULL, '30s', options);
  }

  private static of(level: MetricsLevel, interval: string, options: MetricsOptions): Metrics {
    const scrapeInterval = options.scrapeInterval ?? interval;
    promDurationSeconds('metrics', 'scrapeInterval', scrapeInterval);
    const labels = options.prometheusLabels ?? DEFAULT_LABELS;
    if (Object.keys(labels).length === 0) {
      throw new StagecraftError(
        'metrics',
        'prometheusLabels must name at least one label Prometheus selects monitors by, got {}',
      );
    }
    return new Metrics(level, scrapeInterval, labels, options.prometheusNamespace ?? 'monitoring');
  }

  private constructor(
    /** How much is scraped. */
    public readonly level: MetricsLevel,
    /** Scrape interval of every monitor. */
    public readonly scrapeInterval: string,
    /** Labels every monitor and rule carries so that Prometheus selects it. */
    public readonly prometheusLabels: Readonly<Record<string, string>>,
    /** Namespace of Prometheus. */
    public readonly prometheusNamespace: string,
  ) {}

  /** Whether the services are scraped. */
  public get enabled(): boolean {
    return this.level !== MetricsLevel.NONE;
  }

  /** Whether the datastores are scraped too. */
  public get scrapesDatastores(): boolean {
    return this.level === MetricsLevel.FULL;
  }

  /** Human form for documentation: `Full (services and datastores, every 30s)`. */
  public describe(): string {
    if (!this.enabled) return 'None';
    const what = this.scrapesDatastores ? 'Full (services and datastores' : 'Basic (services';
    return `${what}, every ${this.scrapeInterval})`;
  }
}
