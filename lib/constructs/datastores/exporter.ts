import { ContainerResources } from '../../../imports/databases';
import type { ServerVariable } from './single-instance';

/**
 * Requests and limits of an exporter sidecar beside a datastore (the operators' redis_exporter,
 * a single instance's exporter): small and fixed, since an exporter's load follows the scrape
 * interval, not the traffic.
 */
export const EXPORTER_RESOURCES: ContainerResources = {
  requests: { cpu: '25m', memory: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

/** The redis_exporter image both Redis operators and the single Redis run as their exporter sidecar, pinned. */
export const REDIS_EXPORTER_IMAGE = 'oliver006/redis_exporter:v1.67.0';

/** Port redis_exporter serves metrics on. */
export const REDIS_EXPORTER_PORT = 9121;

/** Name of the exporter sidecar's container port, which the PodMonitor scrapes. */
export const EXPORTER_PORT_NAME = 'metrics';

/**
 * The Prometheus exporter sidecar an engine runs beside its single instance where the
 * environment's metrics are full, as plain data: it reaches the server on `localhost` with the
 * credentials of the datastore's own Secret.
 */
export interface SingleInstanceExporter {
  /** Container name, e.g. `postgres-exporter`. */
  readonly containerName: string;
  /** Image with its pinned tag. */
  readonly image: string;
  /** Port it serves `/metrics` on (container port `metrics`). */
  readonly port: number;
  /**
   * Its arguments (the image's entrypoint is the exporter).
   * @default - none
   */
  readonly args?: readonly string[];
  /**
   * Variables, in order: a key of the datastore's credentials Secret, or a literal (never a
   * credential).
   */
  readonly environment: readonly ServerVariable[];
}
