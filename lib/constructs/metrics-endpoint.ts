import { shape } from '../core/props-shape';
import { checkPort } from '../core/checks';
import { StagecraftError } from '../core/errors';

/** Where a service serves Prometheus metrics. */
export interface MetricsEndpointProps {
  /**
   * Container port of the metrics; a port other than the service's own becomes a named
   * `metrics` port of the container and the Service.
   * @default - the service's own port (required for a worker, which has none)
   */
  readonly port?: number;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
}

/** A service's metrics endpoint with every default filled in. */
export interface MetricsEndpoint {
  /** Container port. */
  readonly port: number;
  /** Name of the port the monitor scrapes: `metrics`, or the service's own port name. */
  readonly portName: string;
  /** HTTP path. */
  readonly path: string;
}

/**
 * Fills the defaults of `props` for a service on `servicePort` (`undefined` for a worker) and
 * checks them: a gRPC port cannot also serve `/metrics` over plain HTTP.
 */
export function resolveMetricsEndpoint(
  path: string,
  props: MetricsEndpointProps,
  servicePort: number | undefined,
  protocol: 'http' | 'grpc',
): MetricsEndpoint {
  const port = props.port ?? servicePort;
  if (port === undefined) {
    throw new StagecraftError(path, 'metrics.port must be set: a worker has no port of its own to serve metrics on');
  }
  checkPort(path, 'metrics.port', port);
  if (port === servicePort && protocol === 'grpc') {
    throw new StagecraftError(
      path,
      `metrics.port must differ from the gRPC port ${port}: Prometheus scrapes plain HTTP, so serve metrics on a port of their own`,
    );
  }
  const metricsPath = props.path ?? '/metrics';
  if (!/^\/[^\s?#]*$/.test(metricsPath)) {
    throw new StagecraftError(
      path,
      `metrics.path must be an absolute HTTP path such as /metrics, got ${JSON.stringify(metricsPath)}`,
    );
  }
  return {
    port,
    portName: port === servicePort ? (protocol === 'grpc' ? 'grpc' : 'http') : 'metrics',
    path: metricsPath,
  };
}

/** The keys of `MetricsEndpointProps`, checked at run time. */
export const METRICS_ENDPOINT_SHAPE = shape<MetricsEndpointProps>('MetricsEndpointProps', {
  port: 'number',
  path: 'string',
});
