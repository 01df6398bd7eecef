import { podScheduling } from '../pod-scheduling';
import * as db from '../../../imports/databases';
import { DatastoreTopology } from '../../model/datastore-settings';
import { targetApiVersion } from '../../model/operator-releases';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';

/** The user the MongoDB Community operator's images run as (its default managed security context). */
const MONGODB_OPERATOR_UID = 2000;
/** Port the operator's agent serves Prometheus metrics on (the CRD's default), mongodb_exporter's too. */
const MONGODB_METRICS_PORT = 9216;
/** User name Prometheus presents to the agent's metrics endpoint; the metrics Secret's `username` holds the same. */
const MONGODB_METRICS_USER = 'prometheus';
/** Percona's mongodb_exporter image beside the single MongoDB, pinned. */
const MONGODB_EXPORTER_IMAGE = 'percona/mongodb_exporter:0.44.0';
import { Environment } from '../../model/environment';
import { dumpFile } from './backup-job';
import { DatastoreBackup } from './datastore-backup';
import { NetworkClient } from '../network-edge';
import { DatastoreContext } from './datastore-context';
import { DatastoreFootprint } from './datastore-plan';
import { DatastoreMetricsEndpoint, EngineEndpoint, IOperatedForm } from './engine';
import { DatastoreEngineBase } from './engine-base';
import { SingleInstanceSpec } from './single-instance';

/**
 * The ServiceAccount the MongoDB Controllers for Kubernetes (mongodb/mongodb-kubernetes, the
 * release `operator-releases.ts` targets) run MongoDBCommunity pods as: the constant
 * `mongodbDatabaseServiceAccountName` of mongodb-community-operator/controllers/construct/
 * mongodbstatefulset.go at 1.10.0. The Community operator before it used `mongodb-database`.
 */
export const MONGODB_DATABASE_SERVICE_ACCOUNT = 'mongodb-kubernetes-appdb';
/** `mongodump` of the server at `host`, as one gzipped archive. */
function mongodump(d: DatastoreContext, host: string): DatastoreBackup {
  return DatastoreBackup.dump(
    `mongodump --uri="mongodb://$DB_USERNAME:$DB_PASSWORD@${host}:${d.port}/?authSource=admin" --gzip --archive=${dumpFile(d)}.archive.gz`,
  );
}

/** HA: a replica set of 3 through the MongoDB Community operator (`MongoDBCommunity`). */
class MongoDbReplicaSet implements IOperatedForm {
  public readonly kind = 'MongoDBCommunity';
  public readonly operator = 'MongoDB Community operator';
  public readonly description = 'Replica Set (3)';

  public describeIn(): string {
    return this.description;
  }

  public host(d: DatastoreContext): string {
    return `${d.name}-svc`;
  }

  public podSelector(d: DatastoreContext): Record<string, string> {
    return { app: `${d.name}-svc` };
  }

  /** The agent and its readiness probe read the automation config and annotate their pod (Role `mongodb-kubernetes-appdb`). */
  public kubernetesApiClients(d: DatastoreContext): NetworkClient[] {
    return [{ name: d.name, selector: this.podSelector(d) }];
  }

  public ports(d: DatastoreContext): number[] {
    return [d.port];
  }

  /**
   * With `spec.prometheus`, the operator's agent serves the replica set's metrics on port 9216
   * behind HTTP basic auth and adds port `prometheus` to the Service `<name>-svc`, whose labels
   * (`app: <name>-svc`) are the members' too.
   */
  public metrics(d: DatastoreContext): DatastoreMetricsEndpoint {
    return {
      monitor: 'ServiceMonitor',
      selector: this.podSelector(d),
      portName: 'prometheus',
      port: MONGODB_METRICS_PORT,
      path: '/metrics',
      basicAuthSecret: `${d.name}-metrics`,
    };
  }

  /** The operator writes the replica set's connection string into a Secret of its own. */
  public endpoint(d: DatastoreContext): EngineEndpoint {
    return { url: '', secretUrl: { secret: `${d.name}-admin-${d.database}`, key: 'connectionString.standard' } };
  }

  public backup(d: DatastoreContext): DatastoreBackup {
    return mongodump(d, this.host(d));
  }

  public footprint(_d: DatastoreContext, env: Environment): DatastoreFootprint {
    // Each member runs mongod beside the operator's agent.
    return { pods: [{ count: 3, containers: 2 }], claims: [{ count: 3, size: env.datastores.storage }] };
  }

  public resources(d: DatastoreContext, env: Environment): Record<string, unknown> {
    const settings = env.datastores;
    // The operator's default pods set no seccomp profile and keep their capabilities: a
    // namespace enforcing `restricted` rejects them, so the StatefulSet override locks every
    // container (the operator merges containers by name) down.
    // The override also carries the environment's scheduling (PriorityClass, spread of the three
    // members across nodes, pull policy) and every container's resources, the init containers'
    // included: the operator sets only the images (from spec.version and its own settings) and
    // the agent's readiness probe.
    const container = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      ...extra,
      imagePullPolicy: env.scheduling.imagePullPolicy,
      securityContext: restrictedContainerSecurityContext(),
    });
    const spec: db.MongoDbCommunitySpec = {
      members: 3,
      type: 'ReplicaSet',
      version: d.version,
      security: { authentication: { modes: ['SCRAM'] } },
      users: [
        {
          name: d.database,
          db: 'admin',
          passwordSecretRef: { name: d.credentialsSecret, key: 'password' },
          roles: [
            { name: 'readWrite', db: d.database },
            { name: 'clusterMonitor', db: 'admin' },
          ],
          scramCredentialsSecretName: `${d.name}-scram`,
        },
      ],
      statefulSet: {
        spec: {
          template: {
            spec: {
              securityContext: restrictedPodSecurityContext(MONGODB_OPERATOR_UID),
              // The operator labels the members' pods app: <name>-svc (its Service's selector).
              ...podScheduling(env.scheduling, { app: `${d.name}-svc` }, 3),
              containers: [
                container('mongod', { resources: settings.resources }),
                container('mongodb-agent', { resources: settings.resources }),
              ],
              initContainers: [
                container('mongod-posthook', { resources: settings.resources }),
                container('mongodb-agent-readinessprobe', { resources: settings.resources }),
              ],
            },
          },
          volumeClaimTemplates: [
            { metadata: { name: 'data-volume' }, spec: { resources: { requests: { storage: settings.storage } } } },
          ],
        },
      },
    };
    const scraped = env.operations.metrics.scrapesDatastores ? this.metrics(d) : undefined;
    const prometheus = scraped && {
      username: MONGODB_METRICS_USER,
      passwordSecretRef: { name: scraped.basicAuthSecret!, key: 'password' },
      port: scraped.port,
      metricsPath: scraped.path,
    };
    const metadata = { name: d.name, labels: { ...d.labels, 'app.kubernetes.io/instance': d.name } };
    return {
      'mongodbcommunity.yaml': {
        apiVersion: targetApiVersion('mongodbcommunity.mongodb.com', this.kind),
        kind: this.kind,
        metadata,
        spec: prometheus ? { ...spec, prometheus } : spec,
      },
      ...this.databaseRbac(d),
    };
  }

  /**
   * The operator runs the replica set pods as ServiceAccount `MONGODB_DATABASE_SERVICE_ACCOUNT`,
   * which must exist in the namespace with these permissions (its chart's database-roles.yaml).
   */
  private databaseRbac(d: DatastoreContext): Record<string, unknown> {
    const name = MONGODB_DATABASE_SERVICE_ACCOUNT;
    const metadata = { name, labels: d.labels };
    return {
      [`serviceaccount-${name}.yaml`]: { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
      [`role-${name}.yaml`]: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata,
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['patch', 'delete', 'get'] },
        ],
      },
      [`rolebinding-${name}.yaml`]: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name }],
      },
    };
  }
}

/** MongoDB: the `mongo` image alone, or a replica set of 3 through the MongoDB Community operator. */
export class MongoDbEngine extends DatastoreEngineBase {
  public readonly name = 'mongodb';
  public readonly displayName = 'MongoDB';
  public readonly defaultVersion = '7.0.14';
  public readonly port = 27017;
  public readonly secretKeys = ['password', 'username'];
  public readonly operatorNamespace = 'mongodb';
  protected readonly forms = { [DatastoreTopology.HA]: new MongoDbReplicaSet() };

  public singleInstance(d: DatastoreContext): SingleInstanceSpec {
    return {
      containerName: this.name,
      image: 'mongo',
      portName: 'mongodb',
      uid: 999,
      dataPath: '/data/db',
      scratchPaths: ['/tmp', '/data/configdb'],
      environment: [
        { name: 'MONGO_INITDB_ROOT_USERNAME', secretKey: 'username' },
        { name: 'MONGO_INITDB_ROOT_PASSWORD', secretKey: 'password' },
        { name: 'MONGO_INITDB_DATABASE', value: d.database },
      ],
      readiness: ['mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
      // The exporter logs in as the datastore's own user, the root user the image creates in
      // `admin` from the Secret (root holds clusterMonitor), given apart from the URI so that no
      // credential is part of a literal.
      exporter: {
        containerName: 'mongodb-exporter',
        image: MONGODB_EXPORTER_IMAGE,
        port: MONGODB_METRICS_PORT,
        args: ['--collect-all', '--compatible-mode'],
        environment: [
          { name: 'MONGODB_URI', value: `mongodb://localhost:${d.port}/admin` },
          { name: 'MONGODB_USER', secretKey: 'username' },
          { name: 'MONGODB_PASSWORD', secretKey: 'password' },
        ],
      },
    };
  }

  public singleBackup(d: DatastoreContext): DatastoreBackup {
    return mongodump(d, d.name);
  }

  protected serverUrl(d: DatastoreContext, host: string, port: number): string {
    return `mongodb://{user}:{password}@${host}:${port}/${d.database}?authSource=admin`;
  }
}
