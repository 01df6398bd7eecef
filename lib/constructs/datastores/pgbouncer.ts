import { PoolerSettings } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';
import { DatastoreContext } from './datastore-context';

/** PgBouncer image of the single-topology pooler (the HA pooler runs CloudNativePG's own). */
const PGBOUNCER_IMAGE = 'edoburu/pgbouncer:v1.23.1-p2';
/** User the PgBouncer image runs as (`postgres` in Alpine). */
const PGBOUNCER_UID = 70;

/** Labels of the PgBouncer pods in front of a single-instance database. */
export function pgbouncerSelector(d: DatastoreContext): Record<string, string> {
  return {
    'app.kubernetes.io/name': d.poolerName,
    'app.kubernetes.io/part-of': d.selectorLabels['app.kubernetes.io/part-of'],
  };
}

/** PgBouncer as a Deployment, Service, ServiceAccount and PodDisruptionBudget in front of the single-instance database. */
export function pgbouncerResources(
  d: DatastoreContext,
  env: Environment,
  pooler: PoolerSettings,
): Record<string, unknown> {
  const selector = pgbouncerSelector(d);
  const labels = { ...d.labels, ...selector, 'app.kubernetes.io/component': 'pooler' };
  const metadata = { name: d.poolerName, labels };
  const port = { port: 'pgbouncer' };
  const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: d.credentialsSecret, key } } });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: pooler.instances,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: d.poolerName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(PGBOUNCER_UID),
          containers: [
            {
              name: 'pgbouncer',
              image: PGBOUNCER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'pgbouncer', containerPort: d.port, protocol: 'TCP' }],
              env: [
                { name: 'DB_HOST', value: d.name },
                { name: 'DB_PORT', value: `${d.port}` },
                { name: 'DB_NAME', value: d.database },
                { name: 'DB_USER', ...secret('username') },
                { name: 'DB_PASSWORD', ...secret('password') },
                { name: 'AUTH_TYPE', value: 'scram-sha-256' },
                { name: 'LISTEN_PORT', value: `${d.port}` },
                { name: 'POOL_MODE', value: pooler.poolMode },
              ],
              livenessProbe: { tcpSocket: port, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 6 },
              readinessProbe: { tcpSocket: port, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
              resources: env.datastores.resources,
              securityContext: restrictedContainerSecurityContext(),
              // The entrypoint writes pgbouncer.ini and userlist.txt at start.
              volumeMounts: [
                { name: 'config', mountPath: '/etc/pgbouncer' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return {
    'pooler-deployment.yaml': deployment,
    'pooler-service.yaml': {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'pgbouncer', port: d.port, targetPort: 'pgbouncer', protocol: 'TCP' }],
      },
    },
    'pooler-serviceaccount.yaml': {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata,
      automountServiceAccountToken: false,
    },
    'pooler-pdb.yaml': {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    },
  };
}
