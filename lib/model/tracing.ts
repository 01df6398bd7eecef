import { StagecraftError } from '../core/errors';

/** Options of `Tracing.openTelemetry()`. */
export interface OpenTelemetryOptions {
  /** OTLP endpoint of the environment's collector, e.g. `http://otel-collector.observability:4317`. */
  readonly endpoint: string;
  /**
   * Share of new traces sampled, from 0 to 1 (`parentbased_traceidratio`: a child follows its
   * parent's decision, so traces stay whole).
   * @default 1
   */
  readonly samplerRatio?: number;
  /**
   * Context propagators.
   * @default ['tracecontext', 'baggage']
   */
  readonly propagators?: readonly string[];
  /**
   * Extra resource attributes of every span, e.g. `{ 'deployment.region': 'eu-west-1' }`
   * (`deployment.environment.name` is always the environment's name).
   * @default {}
   */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
}

const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'];

/** Whether and how an environment's services export traces (seed 003: "Tracing"). */
export class Tracing {
  /** No tracing: no Instrumentation and no inject annotation. */
  public static disabled(): Tracing {
    return new Tracing(undefined);
  }

  /**
   * OpenTelemetry through the operator's `Instrumentation` (one per namespace) and its
   * `inject-sdk` annotation on each service's pods: the operator sets the exporter, sampler,
   * propagators and resource attributes, and `service.version` from the image tag, so the
   * version follows promotion without the overlay holding it twice.
   */
  public static openTelemetry(options: OpenTelemetryOptions): Tracing {
    if (!/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/.test(options.endpoint)) {
      throw new StagecraftError(
        'tracing',
        `endpoint must be an http:// or https:// OTLP URL such as http://otel-collector.observability:4317, got ${JSON.stringify(options.endpoint)}`,
      );
    }
    const samplerRatio = options.samplerRatio ?? 1;
    if (!(samplerRatio >= 0 && samplerRatio <= 1)) {
      throw new StagecraftError('tracing', `samplerRatio must be from 0 to 1, got ${samplerRatio}`);
    }
    const propagators = options.propagators ?? ['tracecontext', 'baggage'];
    for (const p of propagators) {
      if (!PROPAGATORS.includes(p)) {
        throw new StagecraftError(
          'tracing',
          `propagator must be one of ${PROPAGATORS.join(', ')}, got ${JSON.stringify(p)}`,
        );
      }
    }
    return new Tracing({
      endpoint: options.endpoint,
      samplerRatio,
      propagators,
      resourceAttributes: options.resourceAttributes ?? {},
    });
  }

  private constructor(
    /** The OpenTelemetry settings, when tracing is on. */
    public readonly openTelemetry: Required<OpenTelemetryOptions> | undefined,
  ) {}

  /** Whether traces are exported. */
  public get enabled(): boolean {
    return this.openTelemetry !== undefined;
  }

  /** TCP port of the collector endpoint (the URL's, else 80 or 443), which the egress policies open. */
  public get endpointPort(): number | undefined {
    const o = this.openTelemetry;
    if (!o) return undefined;
    const url = new URL(o.endpoint);
    return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  }

  /** Human form for documentation: `Enabled (OpenTelemetry, 10% sampled)`. */
  public describe(): string {
    const o = this.openTelemetry;
    return o ? `Enabled (OpenTelemetry, ${+(o.samplerRatio * 100).toPrecision(6)}% sampled)` : 'Disabled';
  }
}
