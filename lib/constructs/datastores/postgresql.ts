import * as db from '../../../imports/databases';
import { StagecraftError } from '../../core/errors';
import { DatastoreTopology, PoolerSettings } from '../../model/datastore-settings';
import { targetApiVersion } from '../../model/operator-releases';
import { podScheduling } from '../pod-scheduling';
import { restrictedContainerSecurityContext } from '../security-context';

/** The PgBouncer image CloudNativePG runs in a Pooler (its DefaultPgbouncerImage), pinned. */
const CNPG_PGBOUNCER_IMAGE = 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1';
/** The postgres_exporter image beside the single PostgreSQL, pinned. */
const POSTGRES_EXPORTER_IMAGE = 'prometheuscommunity/postgres-exporter:v0.17.1';
/** Port postgres_exporter serves metrics on (also CloudNativePG's). */
const POSTGRES_EXPORTER_PORT = 9187;
/** The port CloudNativePG's PgBouncer listens on, and its name (pgbouncer config `PgBouncerPort`, `PgBouncerPortName`). */
const CNPG_PGBOUNCER_PORT = { name: 'pgbouncer', containerPort: 5432 };
import { Environment } from '../../model/environment';
import { dumpFile } from './backup-job';
import { BackupMethod, DatastoreBackup } from './datastore-backup';
import { NetworkClient } from '../network-edge';
import { DatastoreContext } from './datastore-context';
import { DatastoreFootprint } from './datastore-plan';
import { DatastoreMetricsEndpoint, EngineEndpoint, IOperatedForm } from './engine';
import { DatastoreEngineBase } from './engine-base';
import { pgbouncerResources, pgbouncerSelector } from './pgbouncer';
import { SingleInstanceSpec } from './single-instance';

/** CloudNativePG labels its pooler pods by the pooler's name (`cnpg.io/poolerName`). */
function cnpgPoolerSelector(d: DatastoreContext): Record<string, string> {
  return { 'cnpg.io/poolerName': d.poolerName };
}

/** The URL template of PostgreSQL at `server`, or of the pooler in front of it where `env` has one. */
function postgresUrl(d: DatastoreContext, server: string, env: Environment | undefined): string {
  const host = env && d.poolerIn(env) ? d.poolerName : server;
  return `postgresql://{user}:{password}@${host}:${d.port}/${d.database}`;
}

/** `pg_dump` of the server at `host`, in PostgreSQL's custom format. */
function pgDump(d: DatastoreContext, host: string): DatastoreBackup {
  return DatastoreBackup.dump(
    `PGPASSWORD="$DB_PASSWORD" pg_dump -h ${host} -U "$DB_USERNAME" -d ${d.database} -Fc -f ${dumpFile(d)}.dump`,
  );
}

/** HA: a CloudNativePG `Cluster` of a primary and its standbys, backed up continuously to an object store. */
class CloudNativePgCluster implements IOperatedForm {
  public readonly kind = 'Cluster';
  public readonly operator = 'CloudNativePG operator';
  public readonly description = 'HA Cluster (3, CloudNativePG)';
  public readonly credentialsType = 'kubernetes.io/basic-auth';

  public describeIn(d: DatastoreContext, env: Environment): string {
    return `HA Cluster (${1 + d.replicasIn(env)}, CloudNativePG)`;
  }

  /** The Service of the primary. */
  public host(d: DatastoreContext): string {
    return `${d.name}-rw`;
  }

  public podSelector(d: DatastoreContext): Record<string, string> {
    return { 'cnpg.io/cluster': d.name };
  }

  public ports(d: DatastoreContext): number[] {
    return [d.port];
  }

  /** Every CloudNativePG instance runs its exporter on the named port `metrics` (9187). */
  public metrics(d: DatastoreContext): DatastoreMetricsEndpoint {
    return { selector: this.podSelector(d), portName: 'metrics', port: POSTGRES_EXPORTER_PORT, path: '/metrics' };
  }

  public endpoint(d: DatastoreContext, env?: Environment): EngineEndpoint {
    return { url: postgresUrl(d, this.host(d), env) };
  }

  /** Every instance archives its WAL and base backups to the object store (barman-cloud runs inside it). */
  public backup(d: DatastoreContext): DatastoreBackup {
    return DatastoreBackup.native(
      { name: this.backupCredentials(d), keys: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'] },
      { name: d.name, selector: this.podSelector(d) },
    );
  }

  /**
   * The instance manager of every instance watches its Cluster and Secrets, and CloudNativePG's
   * PgBouncer pods read their Pooler and its Secrets: both call the API server.
   */
  public kubernetesApiClients(d: DatastoreContext, env: Environment): NetworkClient[] {
    return [
      { name: d.name, selector: this.podSelector(d) },
      ...(d.poolerIn(env) ? [{ name: d.poolerName, selector: { 'cnpg.io/poolerName': d.poolerName } }] : []),
    ];
  }

  public footprint(d: DatastoreContext, env: Environment): DatastoreFootprint {
    const instances = 1 + d.replicasIn(env);
    return {
      pods: [{ count: instances, containers: 1 }],
      claims: [{ count: instances, size: env.datastores.storage }],
    };
  }

  public resources(d: DatastoreContext, env: Environment, backup: DatastoreBackup): Record<string, unknown> {
    const settings = env.datastores;
    const native = backup.method === BackupMethod.NATIVE ? settings.backup : undefined;
    if (native && !native.objectStore) {
      throw new StagecraftError(
        `environments/${env.name}`,
        `datastores.backup.objectStore is required for ${d.name} (PostgreSQL HA backs up to an object store), got none`,
      );
    }
    const credentials = this.backupCredentials(d);
    const spec: db.CnpgClusterSpec = {
      instances: 1 + d.replicasIn(env),
      storage: { size: settings.storage },
      resources: settings.resources,
      bootstrap: {
        initdb: { database: d.database, owner: d.database, secret: { name: d.credentialsSecret } },
      },
      ...(native
        ? {
            backup: {
              retentionPolicy: `${native.retentionDays}d`,
              barmanObjectStore: {
                destinationPath: native.objectStore!,
                s3Credentials: {
                  accessKeyId: { name: credentials, key: 'ACCESS_KEY_ID' },
                  secretAccessKey: { name: credentials, key: 'ACCESS_SECRET_KEY' },
                },
              },
            },
          }
        : {}),
    };
    const resources: Record<string, unknown> = {
      'cluster.yaml': {
        apiVersion: targetApiVersion('postgresql.cnpg.io', this.kind),
        kind: this.kind,
        metadata: { name: d.name, labels: d.labels },
        spec,
      },
    };
    if (native) {
      resources['scheduledbackup.yaml'] = {
        apiVersion: targetApiVersion('postgresql.cnpg.io', 'ScheduledBackup'),
        kind: 'ScheduledBackup',
        metadata: { name: `${d.name}-scheduled`, labels: d.labels },
        spec: {
          schedule: `0 ${native.schedule}`,
          backupOwnerReference: 'self',
          cluster: { name: d.name },
        } satisfies db.CnpgScheduledBackupSpec,
      };
    }
    return resources;
  }

  /** CloudNativePG's PgBouncer in front of the cluster's primary (`rw`). */
  public pooler(d: DatastoreContext, env: Environment, pooler: PoolerSettings): unknown {
    const spec: db.CnpgPoolerSpec = {
      cluster: { name: d.name },
      instances: pooler.instances,
      type: 'rw',
      pgbouncer: { poolMode: pooler.poolMode },
      template: {
        metadata: {
          labels: {
            ...d.labels,
            'app.kubernetes.io/name': d.poolerName,
            'app.kubernetes.io/component': 'pooler',
          },
        },
        // The operator's own pooler pods run as its non-root user; the template says so, pins
        // the image it would pick and locks the container down for a `restricted` namespace.
        // It also carries the environment's scheduling (PriorityClass, spread of the instances,
        // pull policy) and a liveness probe, which the operator does not add (only a readiness
        // probe), on the pgbouncer port declared as the operator declares it (same name, number).
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          ...podScheduling(env.scheduling, cnpgPoolerSelector(d), pooler.instances),
          containers: [
            {
              name: 'pgbouncer',
              image: CNPG_PGBOUNCER_IMAGE,
              imagePullPolicy: env.scheduling.imagePullPolicy,
              ports: [CNPG_PGBOUNCER_PORT],
              livenessProbe: {
                tcpSocket: { port: CNPG_PGBOUNCER_PORT.name },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 6,
              },
              resources: env.datastores.resources,
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
        },
      },
    };
    return {
      apiVersion: targetApiVersion('postgresql.cnpg.io', 'Pooler'),
      kind: 'Pooler',
      metadata: { name: d.poolerName, labels: { ...d.labels, 'app.kubernetes.io/instance': d.poolerName } },
      spec,
    };
  }

  /** Secret with the object store's access keys. */
  private backupCredentials(d: DatastoreContext): string {
    return `${d.name}-backup-credentials`;
  }
}

/**
 * PostgreSQL: the `postgres` image alone (optionally behind a PgBouncer Deployment), or a
 * CloudNativePG cluster (optionally behind CloudNativePG's Pooler).
 */
export class PostgreSqlEngine extends DatastoreEngineBase {
  public readonly name = 'postgresql';
  public readonly displayName = 'PostgreSQL';
  public readonly defaultVersion = '16.4';
  public readonly port = 5432;
  public readonly secretKeys = ['password', 'username'];
  public readonly operatorNamespace = 'cnpg-system';
  private readonly cluster = new CloudNativePgCluster();
  protected readonly forms = { [DatastoreTopology.HA]: this.cluster };

  public poolsConnections(topology: DatastoreTopology): boolean {
    return topology === DatastoreTopology.SINGLE || topology === DatastoreTopology.HA;
  }

  public hasStandbys(topology: DatastoreTopology): boolean {
    return topology === DatastoreTopology.HA;
  }

  public singleInstance(d: DatastoreContext): SingleInstanceSpec {
    const dataPath = '/var/lib/postgresql/data';
    return {
      containerName: this.name,
      image: 'postgres',
      portName: 'postgresql',
      uid: 999,
      dataPath,
      scratchPaths: ['/tmp', '/var/run/postgresql'],
      environment: [
        { name: 'POSTGRES_USER', secretKey: 'username' },
        { name: 'POSTGRES_PASSWORD', secretKey: 'password' },
        { name: 'POSTGRES_DB', value: d.database },
      ],
      volumeEnvironment: [{ name: 'PGDATA', value: `${dataPath}/pgdata` }],
      readiness: ['sh', '-c', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
      // The exporter logs in as the datastore's own user (the superuser the image creates from
      // the Secret), which holds pg_monitor's rights; no second user to create or rotate.
      exporter: {
        containerName: 'postgres-exporter',
        image: POSTGRES_EXPORTER_IMAGE,
        port: POSTGRES_EXPORTER_PORT,
        environment: [
          { name: 'DATA_SOURCE_URI', value: `localhost:${d.port}/${d.database}?sslmode=disable` },
          { name: 'DATA_SOURCE_USER', secretKey: 'username' },
          { name: 'DATA_SOURCE_PASS', secretKey: 'password' },
        ],
      },
    };
  }

  public singleEndpoint(d: DatastoreContext, env?: Environment): EngineEndpoint {
    return { url: postgresUrl(d, d.name, env) };
  }

  public singleBackup(d: DatastoreContext): DatastoreBackup {
    return pgDump(d, d.name);
  }

  /** CloudNativePG's pooler pods by the pooler's name; PgBouncer's Deployment by its own labels. */
  public poolerSelector(d: DatastoreContext, topology: DatastoreTopology): Record<string, string> {
    return topology === DatastoreTopology.HA ? cnpgPoolerSelector(d) : pgbouncerSelector(d);
  }

  public poolerResources(
    d: DatastoreContext,
    topology: DatastoreTopology,
    env: Environment,
    pooler: PoolerSettings,
  ): Record<string, unknown> {
    return topology === DatastoreTopology.HA
      ? { 'pooler.yaml': this.cluster.pooler(d, env, pooler) }
      : pgbouncerResources(d, env, pooler);
  }

  protected serverUrl(d: DatastoreContext, host: string, port: number): string {
    return `postgresql://{user}:{password}@${host}:${port}/${d.database}`;
  }
}
