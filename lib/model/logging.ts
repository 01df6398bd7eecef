import { checkMinimum } from '../core/checks';

/** Options of `Logging.aggregated()`. */
export interface AggregatedLoggingOptions {
  /**
   * Days the aggregator keeps the logs.
   * @default - the aggregator's own retention
   */
  readonly retentionDays?: number;
}

/**
 * Where an environment's logs go (seed 003: "Logging"). Services always log to stdout; an
 * aggregator (Loki, Elasticsearch) collects node logs without anything in the manifests, so
 * this is documented, not rendered.
 */
export class Logging {
  /** Logs stay on the nodes (`kubectl logs`). */
  public static console(): Logging {
    return new Logging(false, undefined);
  }

  /** A cluster log aggregator collects them. */
  public static aggregated(options: AggregatedLoggingOptions = {}): Logging {
    if (options.retentionDays !== undefined) checkMinimum('logging', 'retentionDays', options.retentionDays, 1);
    return new Logging(true, options.retentionDays);
  }

  private constructor(
    /** Whether an aggregator collects the logs. */
    public readonly aggregated: boolean,
    /** Retention in days, if the table sets one. */
    public readonly retentionDays: number | undefined,
  ) {}

  /** Human form for documentation: `Console`, `Aggregated`, `Aggregated, 30 days retention`. */
  public describe(): string {
    if (!this.aggregated) return 'Console';
    return this.retentionDays === undefined ? 'Aggregated' : `Aggregated, ${this.retentionDays} days retention`;
  }
}
