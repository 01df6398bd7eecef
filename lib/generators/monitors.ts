import { Datastore } from '../constructs/datastores/datastore';
import { Microservice } from '../constructs/microservice';
import { Environment } from '../model/environment';

/** API version of the prometheus-operator's monitors and rules. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/**
 * The job label of every monitor: Prometheus names each target's job after the service
 * (`job="catalogue"`), the same for a ServiceMonitor and a PodMonitor, so rules and SLIs select
 * a service the same way whatever scrapes it.
 */
export const JOB_LABEL = 'app.kubernetes.io/name';

/** Name of a service's monitor file in its overlay. */
export const MONITOR_FILE = 'monitor.yaml';

/**
 * The ServiceMonitor of `service` in `env` (a PodMonitor for a worker, which has no Service), on
 * its named metrics port at the table's interval, labelled for the environment's Prometheus; or
 * undefined where the environment does not scrape or the service serves no metrics.
 */
export function serviceMonitor(service: Microservice, env: Environment): object | undefined {
  const metrics = env.operations.metrics;
  const endpoint = service.metricsEndpoint;
  if (!metrics.enabled || !endpoint) return undefined;
  const scrape = { port: endpoint.portName, path: endpoint.path, interval: metrics.scrapeInterval };
  const metadata = { name: service.name, labels: { ...service.selectorLabels, ...metrics.prometheusLabels } };
  const selector = { matchLabels: { ...service.selectorLabels } };
  return service.scrapedBy === 'PodMonitor'
    ? {
        apiVersion: MONITORING_API_VERSION,
        kind: 'PodMonitor',
        metadata,
        spec: { jobLabel: JOB_LABEL, selector, podMetricsEndpoints: [scrape] },
      }
    : {
        apiVersion: MONITORING_API_VERSION,
        kind: 'ServiceMonitor',
        metadata,
        spec: { jobLabel: JOB_LABEL, selector, endpoints: [scrape] },
      };
}

/**
 * The monitor of `datastore` in `env` on its operator's metrics port (a PodMonitor, or a
 * ServiceMonitor on the operator's Service, with basic auth where the endpoint asks), where the
 * table's metrics are full; else undefined.
 */
export function datastoreMonitor(datastore: Datastore, env: Environment): object | undefined {
  const endpoint = datastore.metricsEndpointIn(env);
  if (!endpoint) return undefined;
  const metrics = env.operations.metrics;
  const secret = endpoint.basicAuthSecret;
  const scrape = {
    port: endpoint.portName,
    path: endpoint.path,
    interval: metrics.scrapeInterval,
    ...(secret
      ? { basicAuth: { username: { name: secret, key: 'username' }, password: { name: secret, key: 'password' } } }
      : {}),
  };
  const metadata = { name: datastore.name, labels: { ...datastore.labels, ...metrics.prometheusLabels } };
  const selector = { matchLabels: { ...endpoint.selector } };
  return (endpoint.monitor ?? 'PodMonitor') === 'ServiceMonitor'
    ? { apiVersion: MONITORING_API_VERSION, kind: 'ServiceMonitor', metadata, spec: { selector, endpoints: [scrape] } }
    : {
        apiVersion: MONITORING_API_VERSION,
        kind: 'PodMonitor',
        metadata,
        spec: { selector, podMetricsEndpoints: [scrape] },
      };
}
