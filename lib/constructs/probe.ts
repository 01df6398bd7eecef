import * as k8s from '../../imports/k8s';
import { checkMinimum, checkPort } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** When and how often a probe runs and how many results flip it (Kubernetes' probe timings). */
export interface ProbeTimings {
  /**
   * Seconds after the container starts before the first probe.
   * @default - 0 for readiness and startup probes, the service's `livenessInitialDelaySeconds` for liveness
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default 10 (30 for a worker's exec probe)
   */
  readonly periodSeconds?: number;
  /**
   * Seconds one probe may take.
   * @default 2 (a worker's `probeTimeoutSeconds` for its exec probe)
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures that fail the probe.
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes that pass the probe again (Kubernetes requires 1 for liveness and startup).
   * @default - Kubernetes' 1
   */
  readonly successThreshold?: number;
}

/** Options of `Probe.http()`. */
export interface HttpProbeOptions extends ProbeTimings {
  /**
   * Path of the GET request.
   * @default - the service's `healthPath` ('/health')
   */
  readonly path?: string;
  /**
   * Port of the request.
   * @default - the service's container port
   */
  readonly port?: number;
  /**
   * Request headers, e.g. `{ Cookie: 'shop_session-id=x-readiness-probe' }`.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * `HTTPS` for a container that serves TLS itself.
   * @default 'HTTP'
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
}

/** Options of `Probe.grpc()`. */
export interface GrpcProbeOptions extends ProbeTimings {
  /**
   * Port of the grpc.health.v1 service.
   * @default - the service's container port
   */
  readonly port?: number;
  /**
   * Service name sent in the health check request.
   * @default - none (the server's overall health)
   */
  readonly service?: string;
}

/** Options of `Probe.tcp()`. */
export interface TcpProbeOptions extends ProbeTimings {
  /**
   * Port that must accept a connection.
   * @default - the service's container port
   */
  readonly port?: number;
}

/** Options of `Probe.exec()`. */
export interface ExecProbeOptions extends ProbeTimings {
  /** Command run inside the container; exit code 0 means healthy. */
  readonly command: readonly string[];
}

/** What a probe is resolved against: the container's port and the defaults of its kind. */
export interface ProbeContext {
  /** Construct path, for errors. */
  readonly path: string;
  /** Which probe this is (`readinessProbe`), for errors. */
  readonly name: string;
  /** Named container port (`http`, `grpc`), or undefined for a worker. */
  readonly portName: string | undefined;
  /** Container port number, or undefined for a worker. */
  readonly port: number | undefined;
  /** The service's `healthPath`. */
  readonly healthPath: string;
  /** Timings where neither the probe nor the service says otherwise. */
  readonly defaults: Required<Omit<ProbeTimings, 'successThreshold'>>;
}

type Check =
  | { readonly kind: 'http'; readonly options: HttpProbeOptions }
  | { readonly kind: 'grpc'; readonly options: GrpcProbeOptions }
  | { readonly kind: 'tcp'; readonly options: TcpProbeOptions }
  | { readonly kind: 'exec'; readonly options: ExecProbeOptions }
  | { readonly kind: 'none' };

/**
 * A readiness, liveness or startup probe: an HTTP GET, a gRPC health check, a TCP connect, a
 * command, or none at all. Built with the static factories (as cdk8s-plus's `Probe`); the
 * service fills the port and path it knows.
 */
export class Probe {
  /** An HTTP GET that must answer 2xx or 3xx. */
  public static http(options: HttpProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', options });
  }

  /** Kubernetes' native gRPC probe (the standard grpc.health.v1 service). */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    return new Probe({ kind: 'grpc', options });
  }

  /** A TCP connection that must be accepted. */
  public static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp', options });
  }

  /** A command inside the container that must exit 0. */
  public static exec(options: ExecProbeOptions): Probe {
    return new Probe({ kind: 'exec', options });
  }

  /** No probe: Kubernetes treats the container as ready and alive while it runs. */
  public static none(): Probe {
    return new Probe({ kind: 'none' });
  }

  private constructor(private readonly check: Check) {}

  /** `http`, `grpc`, `tcp`, `exec` or `none`. */
  public get kind(): Check['kind'] {
    return this.check.kind;
  }

  /** The timings this probe sets itself (empty for `Probe.none()`). */
  public get timings(): ProbeTimings {
    return this.check.kind === 'none' ? {} : this.check.options;
  }

  /** The Kubernetes probe, or undefined for `Probe.none()`; throws a one-line error on bad values. */
  public toKube(context: ProbeContext): Record<string, unknown> | undefined {
    const check = this.check;
    if (check.kind === 'none') return undefined;
    const shapes = { http: HTTP_PROBE_SHAPE, grpc: GRPC_PROBE_SHAPE, tcp: TCP_PROBE_SHAPE, exec: EXEC_PROBE_SHAPE };
    checkProps(context.path, check.options, shapes[check.kind] as never, context.name);
    const options: ProbeTimings = check.options;
    const port = (own: number | undefined): number => {
      const chosen = own ?? context.port;
      if (chosen === undefined) {
        throw new StagecraftError(
          context.path,
          `${context.name}: a ${check.kind} probe needs a port, got none; allowed: port in the probe's options, or Probe.exec()`,
        );
      }
      checkPort(context.path, `${context.name}.port`, chosen);
      return chosen;
    };
    const named = (own: number | undefined) =>
      own === undefined && context.portName
        ? k8s.IntOrString.fromString(context.portName)
        : k8s.IntOrString.fromNumber(port(own));
    let action: Record<string, unknown>;
    switch (check.kind) {
      case 'http': {
        const path = check.options.path ?? context.healthPath;
        if (!path.startsWith('/')) {
          throw new StagecraftError(
            context.path,
            `${context.name}.path must start with /, got ${JSON.stringify(path)}`,
          );
        }
        const headers = Object.entries(check.options.headers ?? {}).map(([name, value]) => ({ name, value }));
        action = {
          httpGet: {
            path,
            port: named(check.options.port),
            ...(check.options.scheme && check.options.scheme !== 'HTTP' ? { scheme: check.options.scheme } : {}),
            ...(headers.length > 0 ? { httpHeaders: headers } : {}),
          },
        };
        break;
      }
      case 'grpc':
        action = {
          grpc: {
            port: port(check.options.port),
            ...(check.options.service ? { service: check.options.service } : {}),
          },
        };
        break;
      case 'tcp':
        action = { tcpSocket: { port: named(check.options.port) } };
        break;
      case 'exec':
        if (check.options.command.length === 0) {
          throw new StagecraftError(context.path, `${context.name}.command must name a command, got []`);
        }
        action = { exec: { command: [...check.options.command] } };
        break;
    }
    const timings = {
      initialDelaySeconds: options.initialDelaySeconds ?? context.defaults.initialDelaySeconds,
      periodSeconds: options.periodSeconds ?? context.defaults.periodSeconds,
      timeoutSeconds: options.timeoutSeconds ?? context.defaults.timeoutSeconds,
      failureThreshold: options.failureThreshold ?? context.defaults.failureThreshold,
    };
    checkMinimum(context.path, `${context.name}.initialDelaySeconds`, timings.initialDelaySeconds, 0);
    checkMinimum(context.path, `${context.name}.periodSeconds`, timings.periodSeconds, 1);
    checkMinimum(context.path, `${context.name}.timeoutSeconds`, timings.timeoutSeconds, 1);
    checkMinimum(context.path, `${context.name}.failureThreshold`, timings.failureThreshold, 1);
    if (options.successThreshold !== undefined)
      checkMinimum(context.path, `${context.name}.successThreshold`, options.successThreshold, 1);
    return {
      ...action,
      ...timings,
      ...(options.successThreshold !== undefined ? { successThreshold: options.successThreshold } : {}),
    };
  }
}

const TIMINGS = {
  initialDelaySeconds: 'number',
  periodSeconds: 'number',
  timeoutSeconds: 'number',
  failureThreshold: 'number',
  successThreshold: 'number',
} as const;

const HTTP_PROBE_SHAPE = shape<HttpProbeOptions>('HttpProbeOptions', {
  ...TIMINGS,
  path: 'string',
  port: 'number',
  headers: 'stringMap',
  scheme: { oneOf: ['HTTP', 'HTTPS'] },
});
const GRPC_PROBE_SHAPE = shape<GrpcProbeOptions>('GrpcProbeOptions', { ...TIMINGS, port: 'number', service: 'string' });
const TCP_PROBE_SHAPE = shape<TcpProbeOptions>('TcpProbeOptions', { ...TIMINGS, port: 'number' });
const EXEC_PROBE_SHAPE = shape<ExecProbeOptions>('ExecProbeOptions', { ...TIMINGS, command: 'strings' });
