import { ContainerResources } from '../../../imports/databases';

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
