import { StagecraftError } from '../core/errors';
import { promDurationSeconds } from '../core/prom-duration';
import { checkPromql } from '../core/promql';

/**
 * Equality matchers that pick one workload's series, e.g. `{ namespace: 'shop-prod', job:
 * 'catalogue' }`. Rendered sorted by label name, so the same selector gives the same text.
 */
export type SeriesSelector = Readonly<Record<string, string>>;

/** Options of `Sli.http()`. */
export interface HttpSliOptions {
  /**
   * Counter of handled requests, one series per status code.
   * @default 'http_requests_total'
   */
  readonly metric?: string;
  /**
   * Label of the counter that carries the HTTP status code.
   * @default 'code'
   */
  readonly statusLabel?: string;
}

/** Options of `Sli.grpc()`. */
export interface GrpcSliOptions {
  /**
   * Counter of handled RPCs, one series per status code (go-grpc-prometheus, grpc-java and
   * the OpenTelemetry Prometheus exporter's compatibility names use this one).
   * @default 'grpc_server_handled_total'
   */
  readonly metric?: string;
  /**
   * Label of the counter that carries the gRPC status code name (`OK`, `Unavailable`, ...).
   * @default 'grpc_code'
   */
  readonly codeLabel?: string;
}

/** Options of `Sli.ratio()`: two counter selectors, bad events over all events. */
export interface RatioSliOptions {
  /** Selector of the bad events' counter, e.g. `jobs_processed_total{outcome="failed"}`. */
  readonly errors: string;
  /** Selector of all events' counter, e.g. `jobs_processed_total`. */
  readonly total: string;
  /**
   * What the SLI measures, for ENVIRONMENTS.md.
   * @default - 'errors / total' of the two selectors
   */
  readonly description?: string;
}

/** Options of `Sli.promql()`: a whole error-ratio expression with two placeholders. */
export interface PromqlSliOptions {
  /**
   * The error ratio (0 to 1) as PromQL, where `{{window}}` is replaced by the range (`5m`) and
   * `{{matchers}}` by the selector's matchers without braces (`job="x",namespace="y"`), e.g.
   * `sum(rate(errors_total{{{matchers}}}[{{window}}])) / sum(rate(requests_total{{{matchers}}}[{{window}}]))`.
   */
  readonly errorRatio: string;
  /**
   * What the SLI measures, for ENVIRONMENTS.md.
   * @default 'custom PromQL'
   */
  readonly description?: string;
}

const METRIC_SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PATH = 'sli';

/**
 * A service level indicator as an error ratio: the share of bad events over a window, for one
 * workload's series. It knows nothing of objectives or environments; `Objective` and the rule
 * generators ask it for `errorRatio(window, selector)`, and so may any other consumer (an Argo
 * Rollouts analysis asks for the same ratio over the canary's pods).
 */
export class Sli {
  /** HTTP requests answered 5xx over all requests, from a counter labelled by status code. */
  public static http(options: HttpSliOptions = {}): Sli {
    const metric = checkMetricName('http metric', options.metric ?? 'http_requests_total');
    const label = checkLabelName('http statusLabel', options.statusLabel ?? 'code');
    return Sli.ratio({
      errors: `${metric}{${label}=~"5.."}`,
      total: metric,
      description: `HTTP 5xx ratio of ${metric}`,
    });
  }

  /** RPCs that ended in any status but `OK` over all RPCs, from a counter labelled by code. */
  public static grpc(options: GrpcSliOptions = {}): Sli {
    const metric = checkMetricName('grpc metric', options.metric ?? 'grpc_server_handled_total');
    const label = checkLabelName('grpc codeLabel', options.codeLabel ?? 'grpc_code');
    return Sli.ratio({
      errors: `${metric}{${label}!="OK"}`,
      total: metric,
      description: `gRPC non-OK ratio of ${metric}`,
    });
  }

  /** The SLI a service of this protocol gets unless it declares its own. */
  public static forProtocol(protocol: 'http' | 'grpc'): Sli {
    return protocol === 'grpc' ? Sli.grpc() : Sli.http();
  }

  /** Bad events over all events, each a counter selector; rates are summed over the selector. */
  public static ratio(options: RatioSliOptions): Sli {
    const errors = parseMetricSelector('ratio errors', options.errors);
    const total = parseMetricSelector('ratio total', options.total);
    const sli = new Sli(
      options.description ?? `${options.errors} / ${options.total}`,
      (window, matchers) => `sum(rate(${errors(matchers)}[${window}])) / sum(rate(${total(matchers)}[${window}]))`,
    );
    sli.check();
    return sli;
  }

  /** An error-ratio expression given whole, with `{{window}}` and `{{matchers}}` placeholders. */
  public static promql(options: PromqlSliOptions): Sli {
    const template = options.errorRatio;
    for (const placeholder of ['{{window}}', '{{matchers}}']) {
      if (!template.includes(placeholder)) {
        throw new StagecraftError(
          PATH,
          `promql errorRatio must use ${placeholder} so each window and workload gets its own series, got ${JSON.stringify(template)}`,
        );
      }
    }
    const sli = new Sli(options.description ?? 'custom PromQL', (window, matchers) =>
      template.replaceAll('{{window}}', window).replaceAll('{{matchers}}', matchers),
    );
    sli.check();
    return sli;
  }

  private constructor(
    /** What the SLI measures, in words, for documentation. */
    public readonly description: string,
    private readonly render: (window: string, matchers: string) => string,
  ) {}

  /**
   * The error ratio (0 to 1) over `window` (a Prometheus duration such as `5m`) of the series
   * `selector` picks, as one PromQL expression.
   */
  public errorRatio(window: string, selector: SeriesSelector): string {
    promDurationSeconds(PATH, 'error ratio window', window);
    return this.render(window, renderMatchers(selector));
  }

  /** Refuses, at construction, an SLI whose expression does not parse. */
  private check(): void {
    checkPromql(PATH, `error ratio of ${JSON.stringify(this.description)}`, this.errorRatio('5m', { job: 'probe' }));
  }
}

/** `a="x",b="y"`, sorted by label name, values escaped as PromQL strings. */
export function renderMatchers(selector: SeriesSelector): string {
  return Object.keys(selector)
    .sort()
    .map((name) => `${checkLabelName('selector label', name)}=${JSON.stringify(selector[name])}`)
    .join(',');
}

function parseMetricSelector(what: string, selector: string): (matchers: string) => string {
  const match = METRIC_SELECTOR.exec(selector.trim());
  if (!match) {
    throw new StagecraftError(
      PATH,
      `${what} must be a metric selector such as requests_total or requests_total{code="500"}, got ${JSON.stringify(selector)}`,
    );
  }
  const [, name, , own] = match;
  const inner = own?.trim() ?? '';
  return (matchers) => `${name}{${[matchers, inner].filter((m) => m !== '').join(',')}}`;
}

function checkMetricName(what: string, name: string): string {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
    throw new StagecraftError(PATH, `${what} must be a Prometheus metric name, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkLabelName(what: string, name: string): string {
  if (!LABEL_NAME.test(name)) {
    throw new StagecraftError(PATH, `${what} must be a Prometheus label name, got ${JSON.stringify(name)}`);
  }
  return name;
}
