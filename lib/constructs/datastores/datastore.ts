import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as db from '../../../imports/databases';
import * as strimzi from '../../../imports/strimzi';
import * as k8s from '../../../imports/k8s';
import { Environment } from '../../model/environment';
import { EndpointEnvVar, IEndpoint } from '../endpoint';
import { DatastoreTopology, ExternalEndpointProps, PoolerSettings } from '../../model/datastore-settings';
import { checkDnsLabel, uniqueChildId } from '../../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';
import { StagecraftError } from '../../core/errors';
import { BackupMethod, DatastoreBackup } from './datastore-backup';
import { ClaimGroup, DatastoreFootprint, DatastorePlan, PodGroup } from './datastore-plan';

/** A database engine the platform can run. */
export enum DatastoreEngine {
  /** MongoDB (HA: replica set of 3 through the MongoDB Community operator). */
  MONGODB = 'mongodb',
  /** PostgreSQL (HA: CloudNativePG cluster of 3 with continuous backup). */
  POSTGRESQL = 'postgresql',
  /** Redis (HA: Redis with Sentinel of 3 through the Spotahome Redis operator). */
  REDIS = 'redis',
  /** Kafka in KRaft mode (HA: a Strimzi `Kafka` cluster of 3 combined controller/broker nodes). */
  KAFKA = 'kafka',
  /** MinIO, an S3-compatible object store (single node; use EXTERNAL for S3 or R2 in production). */
  MINIO = 'minio',
}

/** Variable names a client reads a datastore's connection from, field by field. */
export interface ConnectionFields {
  /**
   * Variable holding the host.
   * @default - not set
   */
  readonly host?: string;
  /**
   * Variable holding the port.
   * @default - not set
   */
  readonly port?: string;
  /**
   * Variable holding `host:port` (e.g. `REDIS_ADDR`, `KAFKA_BROKERS`).
   * @default - not set
   */
  readonly address?: string;
  /**
   * Variable holding the endpoint URL without credentials (e.g. `S3_ENDPOINT`).
   * @default - not set
   */
  readonly url?: string;
  /**
   * Variable holding the database name.
   * @default - not set
   */
  readonly database?: string;
  /**
   * Variable holding the user name (from the credentials Secret).
   * @default - not set
   */
  readonly user?: string;
  /**
   * Variable holding the password (from the credentials Secret).
   * @default - not set
   */
  readonly password?: string;
}

/** PgBouncer image of the single-topology pooler (the HA pooler runs CloudNativePG's own). */
const PGBOUNCER_IMAGE = 'edoburu/pgbouncer:v1.23.1-p2';
/** Redis image of the CLUSTER topology: the operator's image, whose entrypoint sets up cluster mode. */
const REDIS_CLUSTER_IMAGE = 'opstree/redis:v7.0.15';
/** User the redis-operator's Redis image runs as. */
const REDIS_CLUSTER_UID = 1000;
/** User the PgBouncer image runs as (`postgres` in Alpine). */
const PGBOUNCER_UID = 70;

/** Props of a `Datastore`. */
export interface DatastoreProps {
  /** The engine. */
  readonly engine: DatastoreEngine;
  /**
   * Database (or Redis logical database number) clients use.
   * @default - the platform name (Redis: '0')
   */
  readonly database?: string;
  /**
   * Engine version: the image tag of the single topology and the version the operator runs.
   * @default - MongoDB 7.0.14, PostgreSQL 16.4, Redis 7.2.5
   */
  readonly version?: string;
}

interface EngineSpec {
  readonly image: string;
  readonly version: string;
  readonly port: number;
  readonly portName: string;
  readonly uid: number;
  readonly dataPath: string;
  readonly scratchPaths: readonly string[];
  readonly secretKeys: readonly string[];
  readonly operator: string;
}

const ENGINES: Record<DatastoreEngine, EngineSpec> = {
  [DatastoreEngine.MONGODB]: {
    image: 'mongo',
    version: '7.0.14',
    port: 27017,
    portName: 'mongodb',
    uid: 999,
    dataPath: '/data/db',
    scratchPaths: ['/tmp', '/data/configdb'],
    secretKeys: ['password', 'username'],
    operator: 'MongoDB Community operator',
  },
  [DatastoreEngine.POSTGRESQL]: {
    image: 'postgres',
    version: '16.4',
    port: 5432,
    portName: 'postgresql',
    uid: 999,
    dataPath: '/var/lib/postgresql/data',
    scratchPaths: ['/tmp', '/var/run/postgresql'],
    secretKeys: ['password', 'username'],
    operator: 'CloudNativePG operator',
  },
  [DatastoreEngine.REDIS]: {
    image: 'redis',
    version: '7.2.5',
    port: 6379,
    portName: 'redis',
    uid: 999,
    dataPath: '/data',
    scratchPaths: ['/tmp'],
    secretKeys: ['password'],
    operator: 'Spotahome Redis operator',
  },
  [DatastoreEngine.KAFKA]: {
    image: 'apache/kafka',
    version: '3.8.0',
    port: 9092,
    portName: 'kafka',
    uid: 1000,
    dataPath: '/var/lib/kafka/data',
    scratchPaths: ['/tmp', '/opt/kafka/config', '/mnt/shared/config'],
    secretKeys: [],
    operator: 'Strimzi operator',
  },
  [DatastoreEngine.MINIO]: {
    image: 'minio/minio',
    version: 'RELEASE.2024-10-13T13-34-11Z',
    port: 9000,
    portName: 's3',
    uid: 1000,
    dataPath: '/data',
    scratchPaths: ['/tmp', '/.minio'],
    secretKeys: ['password', 'username'],
    operator: 'none',
  },
};

/** Secret keys and env var names a single-topology engine container reads. */
const SERVER_ENV: Record<DatastoreEngine, Record<string, string>> = {
  [DatastoreEngine.MONGODB]: { MONGO_INITDB_ROOT_USERNAME: 'username', MONGO_INITDB_ROOT_PASSWORD: 'password' },
  [DatastoreEngine.POSTGRESQL]: { POSTGRES_USER: 'username', POSTGRES_PASSWORD: 'password' },
  [DatastoreEngine.REDIS]: { REDIS_PASSWORD: 'password' },
  [DatastoreEngine.KAFKA]: {},
  [DatastoreEngine.MINIO]: { MINIO_ROOT_USER: 'username', MINIO_ROOT_PASSWORD: 'password' },
};

/** Literal settings of a single-instance engine (Kafka: one combined KRaft controller and broker). */
function serverSettings(engine: DatastoreEngine, name: string, dataPath: string): Record<string, string> {
  if (engine !== DatastoreEngine.KAFKA) return {};
  return {
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${name}:9092`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_LOG_DIRS: dataPath,
    KAFKA_NODE_ID: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  };
}

/** A connection URL template without its `{user}:{password}@` (or `:{password}@`) part. */
function withoutCredentials(url: string): string {
  return url.replace('{user}:{password}@', '').replace(':{password}@', '');
}

/** Port of the in-cluster Kafka listener when the client listener advertises another address. */
const KAFKA_INTERNAL_PORT = 29092;

/**
 * Listener settings of a single Kafka node that advertises `address` to clients (reached
 * through a port-forward): EXTERNAL on 9092 advertises it, INTERNAL on 29092 advertises the
 * Service name for in-cluster clients and carries the broker's own traffic.
 */
function kafkaListeners(name: string, address: string): Record<string, string> {
  return {
    KAFKA_ADVERTISED_LISTENERS: `EXTERNAL://${address},INTERNAL://${name}:${KAFKA_INTERNAL_PORT}`,
    KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
    KAFKA_LISTENERS: `EXTERNAL://:9092,INTERNAL://:${KAFKA_INTERNAL_PORT},CONTROLLER://:9093`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT',
  };
}

/** Readiness command of each engine's single instance. */
const READINESS: Record<DatastoreEngine, string[]> = {
  [DatastoreEngine.MONGODB]: ['mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
  [DatastoreEngine.POSTGRESQL]: ['sh', '-c', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"'],
  [DatastoreEngine.REDIS]: ['sh', '-c', 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'],
  [DatastoreEngine.KAFKA]: [
    'sh',
    '-c',
    '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null',
  ],
  [DatastoreEngine.MINIO]: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/9000'],
};

/**
 * A database the platform runs next to its services: a locked-down single-instance
 * StatefulSet (base in `dist/<name>/`) or the engine's operator-managed HA form, chosen per
 * environment by the table's `datastores.topology`, with scheduled backups where the table
 * asks. Credentials are only ever referenced from the Secret `<name>-credentials`.
 */
export class Datastore extends Construct implements IEndpoint {
  /** Name of the datastore: its Service and StatefulSet (single topology). */
  public readonly name: string;
  /** The engine. */
  public readonly engine: DatastoreEngine;
  /** Database clients use. */
  public readonly database: string;
  /** Engine version. */
  public readonly version: string;
  /** Client port. */
  public readonly port: number;
  /** The single-topology base (`dist/<name>/`). */
  public readonly base: Chart;
  /** Secret holding the credentials (never generated with data; see the secret source). */
  public readonly credentialsSecret: string;
  /** Labels of the single-topology pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  private readonly spec: EngineSpec;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: DatastoreProps) {
    super(scope, uniqueChildId(scope, id, 'datastore'));
    checkDnsLabel(this.node.path, 'datastore name', id);
    if (!Object.values(DatastoreEngine).includes(props.engine)) {
      throw new StagecraftError(
        this.node.path,
        `engine ${JSON.stringify(props.engine)} is not one of: ${Object.values(DatastoreEngine).join(', ')}`,
      );
    }
    this.name = id;
    this.engine = props.engine;
    this.spec = ENGINES[props.engine];
    this.database = props.database ?? (props.engine === DatastoreEngine.REDIS ? '0' : scope.node.id);
    this.version = props.version ?? this.spec.version;
    this.port = this.spec.port;
    this.credentialsSecret = `${id}-credentials`;
    this.selectorLabels = { 'app.kubernetes.io/name': id, 'app.kubernetes.io/part-of': scope.node.id };
    this.labels = {
      ...this.selectorLabels,
      'app.kubernetes.io/component': 'datastore',
      'app.kubernetes.io/managed-by': 'stagecraft',
    };
    this.base = new Chart(this, 'base', { disableResourceNameHashes: true });
    this.buildSingleTopology();
  }

  /** How this datastore runs in `env` (its own override, else the environment's topology). */
  public topologyIn(env: Environment): DatastoreTopology {
    const topology = env.datastores.topologies[this.name] ?? env.datastores.topology;
    if (topology === DatastoreTopology.HA && this.engine === DatastoreEngine.MINIO) {
      throw new StagecraftError(
        this.node.path,
        `MinIO has no HA topology here (environment ${env.name}); allowed: SINGLE, or EXTERNAL for S3/R2`,
      );
    }
    if (topology === DatastoreTopology.CLUSTER && this.engine !== DatastoreEngine.REDIS) {
      throw new StagecraftError(
        this.node.path,
        `the CLUSTER topology is Redis only, got ${this.engine} in environment ${env.name}; allowed: SINGLE, HA, EXTERNAL`,
      );
    }
    if (topology === DatastoreTopology.CLUSTER && this.database !== '0') {
      throw new StagecraftError(
        this.node.path,
        `Redis Cluster serves database 0 only, got database ${JSON.stringify(this.database)} in environment ${env.name}`,
      );
    }
    return topology;
  }

  /** The PgBouncer pooler in front of this datastore in `env`, if the table asks for one. */
  public poolerIn(env: Environment): PoolerSettings | undefined {
    const pooler = env.datastores.poolers[this.name];
    if (pooler === undefined) return undefined;
    const topology = this.topologyIn(env);
    if (
      this.engine !== DatastoreEngine.POSTGRESQL ||
      (topology !== DatastoreTopology.SINGLE && topology !== DatastoreTopology.HA)
    ) {
      throw new StagecraftError(
        this.node.path,
        `datastores.poolers applies to PostgreSQL with the SINGLE or HA topology, got ${this.engine} ${topology} in environment ${env.name}`,
      );
    }
    return pooler;
  }

  /** Standby instances beside the primary in `env` (PostgreSQL HA). */
  public replicasIn(env: Environment): number {
    const replicas = env.datastores.replicas[this.name];
    const topology = this.topologyIn(env);
    if (replicas !== undefined && (this.engine !== DatastoreEngine.POSTGRESQL || topology !== DatastoreTopology.HA)) {
      throw new StagecraftError(
        this.node.path,
        `datastores.replicas applies to PostgreSQL with the HA topology, got ${this.engine} ${topology} in environment ${env.name}`,
      );
    }
    return replicas ?? 2;
  }

  /** Masters of the Redis Cluster in `env` (CLUSTER topology). */
  public clusterSizeIn(env: Environment): number {
    const size = env.datastores.clusterSizes[this.name];
    const topology = this.topologyIn(env);
    if (size !== undefined && topology !== DatastoreTopology.CLUSTER) {
      throw new StagecraftError(
        this.node.path,
        `datastores.clusterSizes applies to Redis with the CLUSTER topology, got ${this.engine} ${topology} in environment ${env.name}`,
      );
    }
    return size ?? 3;
  }

  /** Name of the pooler's Service (and Deployment or CloudNativePG Pooler). */
  public get poolerName(): string {
    return `${this.name}-pooler`;
  }

  /**
   * The address this datastore advertises to clients in `env` when the table sets one
   * (`datastores.advertisedAddresses`): only a single-node Kafka can.
   */
  public advertisedAddressIn(env: Environment): string | undefined {
    const address = env.datastores.advertisedAddresses[this.name];
    if (address === undefined) return undefined;
    if (this.engine !== DatastoreEngine.KAFKA || this.topologyIn(env) !== DatastoreTopology.SINGLE) {
      throw new StagecraftError(
        this.node.path,
        `datastores.advertisedAddresses applies to a single-node Kafka only, got ${this.engine} ${this.topologyIn(env)} in environment ${env.name}`,
      );
    }
    return address;
  }

  /** Default in-namespace URL (single topology, without credentials). */
  public get url(): string {
    return this.endpointFor(DatastoreTopology.SINGLE).url;
  }

  /** Human description of the topology, e.g. `Replica Set (3)`. */
  public describe(topology: DatastoreTopology): string {
    if (topology === DatastoreTopology.SINGLE) return 'Single instance';
    if (topology === DatastoreTopology.EXTERNAL) return 'Managed (external)';
    if (topology === DatastoreTopology.CLUSTER) return 'Redis Cluster (3 masters + 3 followers)';
    return {
      mongodb: 'Replica Set (3)',
      postgresql: 'HA Cluster (3, CloudNativePG)',
      redis: 'Sentinel (3)',
      kafka: 'Cluster (3, Strimzi)',
      minio: 'Single node',
    }[this.engine];
  }

  /** Human description of how this datastore runs in `env`, with its instance counts and pooler. */
  public describeIn(env: Environment): string {
    const topology = this.topologyIn(env);
    const size = this.clusterSizeIn(env);
    const base =
      topology === DatastoreTopology.CLUSTER
        ? `Redis Cluster (${size} masters + ${size} followers)`
        : topology === DatastoreTopology.HA && this.engine === DatastoreEngine.POSTGRESQL
          ? `HA Cluster (${1 + this.replicasIn(env)}, CloudNativePG)`
          : this.describe(topology);
    const pooler = this.poolerIn(env);
    return pooler ? `${base} + PgBouncer (${pooler.instances})` : base;
  }

  /** Labels of the pods clients connect to in `env`: the pooler's when there is one, else the database's. */
  public podSelectorFor(env: Environment): Record<string, string> | undefined {
    return this.poolerIn(env) ? this.poolerSelectorFor(env) : this.serverPodSelectorFor(env);
  }

  /** Labels of the PgBouncer pods in `env` (CloudNativePG labels its pooler pods by pooler name). */
  public poolerSelectorFor(env: Environment): Record<string, string> {
    return this.topologyIn(env) === DatastoreTopology.HA
      ? { 'cnpg.io/poolerName': this.poolerName }
      : {
          'app.kubernetes.io/name': this.poolerName,
          'app.kubernetes.io/part-of': this.selectorLabels['app.kubernetes.io/part-of'],
        };
  }

  /** The database itself as an endpoint, behind any pooler (for the pooler's and backups' own edges). */
  public serverEndpoint(): IEndpoint {
    const datastore = this;
    return {
      name: this.name,
      port: this.port,
      url: this.url,
      podSelectorFor: (env) => datastore.serverPodSelectorFor(env),
      portsFor: (env) => (datastore.poolerIn(env) ? [datastore.port] : datastore.portsFor(env)),
      operatorFor: (env) => datastore.operatorFor(env),
      connectionEnv: () => [],
      sharedConnectionEnv: () => [],
    };
  }

  /** Labels of the database pods in `env` (operator-managed pods carry the operator's labels; none when external). */
  public serverPodSelectorFor(env: Environment): Record<string, string> | undefined {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return undefined;
    if (topology === DatastoreTopology.SINGLE) return { ...this.selectorLabels };
    // The redis-operator copies the RedisCluster's labels onto its pods.
    if (topology === DatastoreTopology.CLUSTER)
      return { 'app.kubernetes.io/name': this.name, redis_setup_type: 'cluster' };
    return {
      mongodb: { app: `${this.name}-svc` },
      postgresql: { 'cnpg.io/cluster': this.name },
      redis: { 'redisfailovers.databases.spotahome.com/name': this.name },
      kafka: { 'strimzi.io/cluster': this.name },
      minio: { ...this.selectorLabels },
    }[this.engine];
  }

  /** The operator that creates the pods in `env`, or undefined when the manifests define them. */
  public operatorFor(env: Environment): string | undefined {
    if (this.topologyIn(env) === DatastoreTopology.CLUSTER) {
      return `OT-Container-Kit redis-operator (RedisCluster/${this.name})`;
    }
    return this.topologyIn(env) === DatastoreTopology.HA
      ? `${this.spec.operator} (${this.haKind()}/${this.name})`
      : undefined;
  }

  /** Ports clients connect to in `env` (Redis HA: Sentinel first, then the master it names). */
  public portsFor(env: Environment): number[] {
    if (this.topologyIn(env) === DatastoreTopology.EXTERNAL) return [this.externalOf(env).port ?? this.port];
    if (this.advertisedAddressIn(env)) return [KAFKA_INTERNAL_PORT];
    return this.engine === DatastoreEngine.REDIS && this.topologyIn(env) === DatastoreTopology.HA
      ? [26379, this.port]
      : [this.port];
  }

  /** Container environment for a client that reads this datastore's URL from `variable`. */
  public connectionEnv(variable: string, env: Environment): EndpointEnvVar[] {
    const endpoint = this.endpointFor(this.topologyIn(env), env);
    const prefix = this.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    if (endpoint.secretUrl) {
      return [
        {
          name: variable,
          valueFrom: { secretKeyRef: { name: endpoint.secretUrl.secret, key: endpoint.secretUrl.key } },
        },
      ];
    }
    const credentials: EndpointEnvVar[] = this.spec.secretKeys
      .slice()
      .reverse()
      .map((key) => ({
        name: `${prefix}_${key.toUpperCase()}`,
        valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } },
      }));
    const url = endpoint.url.replace('{user}', `$(${prefix}_USERNAME)`).replace('{password}', `$(${prefix}_PASSWORD)`);
    return [...credentials, { name: variable, value: url }];
  }

  /**
   * The connection for a shared ConfigMap: the URL without user and password (e.g.
   * `postgresql://postgres:5432/platform`) beside Secret references to the credentials it
   * leaves out (`POSTGRES_USERNAME`, `POSTGRES_PASSWORD`), or only a Secret reference where
   * the whole URL is a Secret key (MongoDB HA).
   */
  public sharedConnectionEnv(variable: string, env: Environment): EndpointEnvVar[] {
    const endpoint = this.endpointFor(this.topologyIn(env), env);
    if (endpoint.secretUrl) return this.connectionEnv(variable, env);
    const needed = this.spec.secretKeys.filter((key) =>
      endpoint.url.includes(key === 'username' ? '{user}' : `{${key}}`),
    );
    const credentials = this.connectionEnv(variable, env).filter((e) =>
      needed.some((key) => e.valueFrom?.secretKeyRef.key === key),
    );
    return [...credentials, { name: variable, value: withoutCredentials(endpoint.url) }];
  }

  /** Host clients reach in `env` (the Service of the topology, or the managed host). */
  public hostFor(env: Environment): string {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return this.externalOf(env).host;
    if (this.poolerIn(env)) return this.poolerName;
    if (topology === DatastoreTopology.SINGLE) return this.name;
    if (topology === DatastoreTopology.CLUSTER) return `${this.name}-leader`;
    return {
      mongodb: `${this.name}-svc`,
      postgresql: `${this.name}-rw`,
      redis: `rfs-${this.name}`,
      kafka: `${this.name}-kafka-bootstrap`,
      minio: this.name,
    }[this.engine];
  }

  /**
   * This datastore as an endpoint that hands its connection to a client as separate variables
   * (e.g. `{ host: 'POSTGRES_HOST', port: 'POSTGRES_PORT', user: 'POSTGRES_USER', password:
   * 'POSTGRES_PASSWORD' }` or `{ address: 'KAFKA_BROKERS' }`) instead of one URL. Credentials
   * stay Secret key references.
   */
  public fields(names: ConnectionFields): IEndpoint {
    const datastore = this;
    const connectionEnv = (_variable: string, env: Environment): EndpointEnvVar[] => {
      const secret = (key: string) => ({ secretKeyRef: { name: datastore.credentialsSecret, key } });
      const port = `${datastore.portsFor(env)[0]}`;
      const out: EndpointEnvVar[] = [];
      if (names.host) out.push({ name: names.host, value: datastore.hostFor(env) });
      if (names.port) out.push({ name: names.port, value: port });
      if (names.address) out.push({ name: names.address, value: `${datastore.hostFor(env)}:${port}` });
      if (names.database) out.push({ name: names.database, value: datastore.database });
      if (names.url) {
        const url = datastore.endpointFor(datastore.topologyIn(env), env).url;
        out.push({ name: names.url, value: withoutCredentials(url) });
      }
      if (names.user) out.push({ name: names.user, valueFrom: secret('username') });
      if (names.password) out.push({ name: names.password, valueFrom: secret('password') });
      return out;
    };
    return {
      name: this.name,
      port: this.port,
      url: this.url,
      podSelectorFor: (env) => datastore.podSelectorFor(env),
      portsFor: (env) => datastore.portsFor(env),
      operatorFor: (env) => datastore.operatorFor(env),
      connectionEnv,
      // Literal fields hold no credential (user and password are references already).
      sharedConnectionEnv: connectionEnv,
    };
  }

  private externalOf(env: Environment): ExternalEndpointProps {
    const external = env.datastores.external[this.name];
    if (!external) {
      throw new StagecraftError(
        `environments/${env.name}`,
        `datastores.external.${this.name} is required: ${this.name} is EXTERNAL here, got no endpoint`,
      );
    }
    return external;
  }

  public endpointFor(
    topology: DatastoreTopology,
    env?: Environment,
  ): { url: string; secretUrl?: { secret: string; key: string } } {
    const single = topology === DatastoreTopology.SINGLE;
    const external = topology === DatastoreTopology.EXTERNAL && env ? this.externalOf(env) : undefined;
    const host = external?.host ?? this.name;
    const port = external?.port ?? this.port;
    switch (this.engine) {
      case DatastoreEngine.MONGODB:
        return single || external
          ? { url: `mongodb://{user}:{password}@${host}:${port}/${this.database}?authSource=admin` }
          : { url: '', secretUrl: { secret: `${this.name}-admin-${this.database}`, key: 'connectionString.standard' } };
      case DatastoreEngine.POSTGRESQL: {
        const server = single || external ? host : `${this.name}-rw`;
        const pooled = env && !external && this.poolerIn(env);
        return { url: `postgresql://{user}:{password}@${pooled ? this.poolerName : server}:${port}/${this.database}` };
      }
      case DatastoreEngine.REDIS:
        if (topology === DatastoreTopology.CLUSTER) {
          return { url: `redis://:{password}@${this.name}-leader:${port}/${this.database}` };
        }
        return single || external
          ? { url: `redis://:{password}@${host}:${port}/${this.database}` }
          : { url: `redis+sentinel://:{password}@rfs-${this.name}:26379/mymaster/${this.database}` };
      case DatastoreEngine.KAFKA:
        if (single && env && this.advertisedAddressIn(env)) return { url: `${host}:${KAFKA_INTERNAL_PORT}` };
        return { url: single || external ? `${host}:${port}` : `${this.name}-kafka-bootstrap:${this.port}` };
      case DatastoreEngine.MINIO:
        return {
          url: external
            ? `https://${host}${external.port && external.port !== 443 ? `:${external.port}` : ''}`
            : `http://${host}:${port}`,
        };
    }
  }

  /**
   * The MongoDB Community operator runs the replica set pods as ServiceAccount
   * `mongodb-database`, which must exist in the namespace with these permissions.
   */
  private mongoDatabaseRbac(): Record<string, unknown> {
    const metadata = { name: 'mongodb-database', labels: this.labels };
    return {
      'serviceaccount-mongodb-database.yaml': { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
      'role-mongodb-database.yaml': {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata,
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['patch', 'delete', 'get'] },
        ],
      },
      'rolebinding-mongodb-database.yaml': {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'mongodb-database' },
        subjects: [{ kind: 'ServiceAccount', name: 'mongodb-database' }],
      },
    };
  }

  private haKind(): string {
    return {
      mongodb: 'MongoDBCommunity',
      postgresql: 'Cluster',
      redis: 'RedisFailover',
      kafka: 'Kafka',
      minio: 'MinIO',
    }[this.engine];
  }

  private securityContexts() {
    return { pod: restrictedPodSecurityContext(this.spec.uid), container: restrictedContainerSecurityContext() };
  }

  private buildSingleTopology(): void {
    const metadata = { name: this.name, labels: this.labels };
    const { pod, container } = this.securityContexts();
    const scratch = this.spec.scratchPaths.map((mountPath, i) => ({ name: `scratch-${i}`, mountPath }));
    const port = { name: this.spec.portName, containerPort: this.port, protocol: 'TCP' };
    const env: k8s.EnvVar[] = Object.entries(SERVER_ENV[this.engine]).map(([name, key]) => ({
      name,
      valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } },
    }));
    for (const [name, value] of Object.entries(serverSettings(this.engine, this.name, this.spec.dataPath))) {
      env.push({ name, value });
    }
    if (this.engine === DatastoreEngine.MONGODB) env.push({ name: 'MONGO_INITDB_DATABASE', value: this.database });
    if (this.engine === DatastoreEngine.POSTGRESQL) {
      env.push(
        { name: 'POSTGRES_DB', value: this.database },
        { name: 'PGDATA', value: `${this.spec.dataPath}/pgdata` },
      );
    }
    const readiness = READINESS[this.engine];
    new k8s.KubeServiceAccount(this.base, 'service-account', { metadata, automountServiceAccountToken: false });
    const servicePort = {
      name: this.spec.portName,
      port: this.port,
      targetPort: k8s.IntOrString.fromString(this.spec.portName),
      protocol: 'TCP',
    };
    new k8s.KubeService(this.base, 'service', {
      metadata,
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: [servicePort] },
    });
    new k8s.KubeService(this.base, 'headless', {
      metadata: { name: `${this.name}-headless`, labels: this.labels },
      spec: { clusterIp: 'None', selector: this.selectorLabels, ports: [servicePort], publishNotReadyAddresses: true },
    });
    new k8s.KubeStatefulSet(this.base, 'statefulset', {
      metadata,
      spec: {
        serviceName: `${this.name}-headless`,
        replicas: 1,
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: { labels: this.labels },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: pod,
            containers: [
              {
                name: this.engine,
                image: `${this.spec.image}:${this.version}`,
                imagePullPolicy: 'IfNotPresent',
                args:
                  this.engine === DatastoreEngine.REDIS
                    ? ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', this.spec.dataPath]
                    : undefined,
                ports: [port],
                env,
                livenessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromString(this.spec.portName) },
                  initialDelaySeconds: 30,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 6,
                },
                readinessProbe: {
                  exec: { command: readiness },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                securityContext: container,
                volumeMounts: [
                  { name: 'data', mountPath: this.spec.dataPath },
                  ...scratch.map((s) => ({ name: s.name, mountPath: s.mountPath })),
                ],
              },
            ],
            volumes: scratch.map((s) => ({ name: s.name, emptyDir: {} })),
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } },
            },
          },
        ],
      },
    });
    new k8s.KubePodDisruptionBudget(this.base, 'budget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });
  }

  /**
   * How this datastore runs in `env` and what it brings beside its server: its backup, what
   * the namespace's ResourceQuota counts for it and the network edges of its own pods. The
   * overlay, the quota and the network policies all read this one plan.
   */
  public planIn(env: Environment): DatastorePlan {
    const topology = this.topologyIn(env);
    const pooler = this.poolerIn(env);
    this.replicasIn(env);
    this.clusterSizeIn(env);
    const backup = this.backupIn(env, topology);
    const server = this.serverFootprint(env, topology);
    const dump = backup.method === BackupMethod.DUMP;
    const backupClaims: ClaimGroup[] = dump ? [{ count: 1, size: env.datastores.backup?.storage ?? '5Gi' }] : [];
    const footprint: DatastoreFootprint = {
      pods: [
        ...(pooler ? [{ count: pooler.instances, containers: 1 }] : []),
        ...server.pods,
        ...(dump ? [{ count: 1, containers: 1 }] : []),
      ],
      claims: [...server.claims, ...backupClaims],
    };
    const backupJob = `${this.name}-backup`;
    return {
      topology,
      pooler,
      backup,
      footprint,
      edges: {
        backup: dump
          ? {
              from: { name: backupJob, selector: { ...this.selectorLabels, 'app.kubernetes.io/name': backupJob } },
              to: this.serverEndpoint(),
            }
          : undefined,
        pooler: pooler
          ? { from: { name: this.poolerName, selector: this.poolerSelectorFor(env) }, to: this.serverEndpoint() }
          : undefined,
      },
    };
  }

  /** The backup of this datastore in `env` with `topology`: by its operator, by a dump job, or none. */
  private backupIn(env: Environment, topology: DatastoreTopology): DatastoreBackup {
    if (!env.datastores.backup || topology === DatastoreTopology.EXTERNAL) return DatastoreBackup.none();
    if (topology === DatastoreTopology.CLUSTER) {
      throw new StagecraftError(
        this.node.path,
        `datastores.backup has no dump for the Redis CLUSTER topology (environment ${env.name}); allowed: backups with SINGLE or HA`,
      );
    }
    if (this.engine === DatastoreEngine.POSTGRESQL && topology === DatastoreTopology.HA) {
      return DatastoreBackup.native({
        name: `${this.name}-backup-credentials`,
        keys: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'],
      });
    }
    // Kafka keeps its data replicated, not dumped.
    if (this.engine === DatastoreEngine.KAFKA || this.engine === DatastoreEngine.MINIO) return DatastoreBackup.none();
    return DatastoreBackup.dump(this.dumpCommand(topology));
  }

  /** Pods, containers and volumes of the server itself in `env` (none when external). */
  private serverFootprint(env: Environment, topology: DatastoreTopology): DatastoreFootprint {
    const storage = env.datastores.storage;
    const of = (pods: PodGroup, claims: ClaimGroup[]): DatastoreFootprint => ({ pods: [pods], claims });
    if (topology === DatastoreTopology.EXTERNAL) return { pods: [], claims: [] };
    if (topology === DatastoreTopology.SINGLE) return of({ count: 1, containers: 1 }, [{ count: 1, size: storage }]);
    if (topology === DatastoreTopology.CLUSTER) {
      // Masters and their followers, each with a data volume and a node-conf volume.
      const pods = 2 * this.clusterSizeIn(env);
      return of({ count: pods, containers: 1 }, [
        { count: pods, size: storage },
        { count: pods, size: '1Gi' },
      ]);
    }
    if (this.engine === DatastoreEngine.POSTGRESQL) {
      const instances = 1 + this.replicasIn(env);
      return of({ count: instances, containers: 1 }, [{ count: instances, size: storage }]);
    }
    // Pods, containers per pod and volumes of each engine's HA form (Kafka: 3 nodes plus the entity operator).
    const [pods, containers, claims] = {
      mongodb: [3, 2, 3],
      postgresql: [3, 1, 3],
      redis: [6, 1, 3],
      minio: [1, 1, 1],
      kafka: [4, 1, 3],
    }[this.engine];
    return of({ count: pods, containers }, [{ count: claims, size: storage }]);
  }

  /**
   * Files of `overlays/<env>/<name>/`: for the single topology, patches over the base; for HA,
   * the operator's custom resource. Plus the backup CronJob where the plan has a dump.
   */
  public overlayObjects(env: Environment): { patches: Record<string, unknown>; resources: Record<string, unknown> } {
    const settings = env.datastores;
    const resources: Record<string, unknown> = {};
    const patches: Record<string, unknown> = {};
    const plan = this.planIn(env);
    const pooler = plan.pooler;
    if (plan.topology === DatastoreTopology.EXTERNAL) return { patches, resources };
    if (plan.topology === DatastoreTopology.SINGLE) {
      if (pooler) Object.assign(resources, this.pgbouncer(env, pooler));
      const advertised = this.advertisedAddressIn(env);
      const listeners = advertised
        ? {
            env: Object.entries(kafkaListeners(this.name, advertised)).map(([name, value]) => ({ name, value })),
            ports: [{ name: 'kafka-internal', containerPort: KAFKA_INTERNAL_PORT, protocol: 'TCP' }],
          }
        : {};
      if (advertised) patches['service-patch.yaml'] = this.internalListenerServicePatch();
      patches['statefulset-patch.yaml'] = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: this.name },
        spec: {
          template: { spec: { containers: [{ name: this.engine, ...listeners, resources: settings.resources }] } },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.storage } } },
            },
          ],
        },
      };
    } else if (plan.topology === DatastoreTopology.CLUSTER) {
      resources['rediscluster.yaml'] = this.redisCluster(env);
    } else {
      resources[`${this.haKind().toLowerCase()}.yaml`] = this.haResource(env, plan.backup);
      if (pooler) resources['pooler.yaml'] = this.cnpgPooler(env, pooler);
      if (this.engine === DatastoreEngine.KAFKA) resources['kafkanodepool.yaml'] = this.kafkaNodePool(env);
      if (this.engine === DatastoreEngine.MONGODB) Object.assign(resources, this.mongoDatabaseRbac());
      if (plan.backup.method === BackupMethod.NATIVE) {
        resources['scheduledbackup.yaml'] = {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'ScheduledBackup',
          metadata: { name: `${this.name}-scheduled`, labels: this.labels },
          spec: {
            schedule: `0 ${settings.backup!.schedule}`,
            backupOwnerReference: 'self',
            cluster: { name: this.name },
          } satisfies db.CnpgScheduledBackupSpec,
        };
      }
    }
    if (plan.backup.dumpCommand !== undefined) {
      resources['backup-pvc.yaml'] = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: `${this.name}-backups`, labels: this.labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: settings.backup!.storage ?? '5Gi' } },
        },
      };
      resources['backup-serviceaccount.yaml'] = {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: `${this.name}-backup`, labels: this.labels },
        automountServiceAccountToken: false,
      };
      resources['backup-cronjob.yaml'] = this.backupCronJob(env, plan.backup.dumpCommand);
    }
    return { patches, resources };
  }

  /** Adds the in-cluster Kafka listener's port to the Service. */
  private internalListenerServicePatch(): unknown {
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name },
      spec: {
        ports: [
          {
            name: 'kafka-internal',
            port: KAFKA_INTERNAL_PORT,
            targetPort: 'kafka-internal',
            protocol: 'TCP',
          },
        ],
      },
    };
  }

  /** Secrets the datastore reads in `env`, with their keys (and type). */
  public secretsFor(env: Environment): { name: string; keys: readonly string[]; type?: string }[] {
    const secrets: { name: string; keys: readonly string[]; type?: string }[] = [
      {
        name: this.credentialsSecret,
        keys: this.spec.secretKeys,
        type:
          this.engine === DatastoreEngine.POSTGRESQL && this.topologyIn(env) === DatastoreTopology.HA
            ? 'kubernetes.io/basic-auth'
            : undefined,
      },
    ];
    if (this.spec.secretKeys.length === 0) secrets.shift();
    const backup = this.backupIn(env, this.topologyIn(env)).secret;
    if (backup) secrets.push(backup);
    return secrets;
  }

  private haResource(env: Environment, backupPlan: DatastoreBackup): unknown {
    const settings = env.datastores;
    const { pod, container } = this.securityContexts();
    const metadata = { name: this.name, labels: this.labels };
    if (this.engine === DatastoreEngine.MINIO)
      throw new StagecraftError(this.node.path, 'MinIO has no HA topology here');
    switch (this.engine) {
      case DatastoreEngine.MONGODB: {
        const spec: db.MongoDbCommunitySpec = {
          members: 3,
          type: 'ReplicaSet',
          version: this.version,
          security: { authentication: { modes: ['SCRAM'] } },
          users: [
            {
              name: this.database,
              db: 'admin',
              passwordSecretRef: { name: this.credentialsSecret, key: 'password' },
              roles: [
                { name: 'readWrite', db: this.database },
                { name: 'clusterMonitor', db: 'admin' },
              ],
              scramCredentialsSecretName: `${this.name}-scram`,
            },
          ],
          statefulSet: {
            spec: {
              template: {
                spec: {
                  containers: [
                    { name: 'mongod', resources: settings.resources },
                    { name: 'mongodb-agent', resources: settings.resources },
                  ],
                },
              },
              volumeClaimTemplates: [
                { metadata: { name: 'data-volume' }, spec: { resources: { requests: { storage: settings.storage } } } },
              ],
            },
          },
        };
        return { apiVersion: 'mongodbcommunity.mongodb.com/v1', kind: 'MongoDBCommunity', metadata, spec };
      }
      case DatastoreEngine.POSTGRESQL: {
        const backup = backupPlan.method === BackupMethod.NATIVE ? settings.backup : undefined;
        if (backup && !backup.objectStore) {
          throw new StagecraftError(
            `environments/${env.name}`,
            `datastores.backup.objectStore is required for ${this.name} (PostgreSQL HA backs up to an object store), got none`,
          );
        }
        const spec: db.CnpgClusterSpec = {
          instances: 1 + this.replicasIn(env),
          storage: { size: settings.storage },
          resources: settings.resources,
          bootstrap: {
            initdb: { database: this.database, owner: this.database, secret: { name: this.credentialsSecret } },
          },
          ...(backup
            ? {
                backup: {
                  retentionPolicy: `${backup.retentionDays}d`,
                  barmanObjectStore: {
                    destinationPath: backup.objectStore!,
                    s3Credentials: {
                      accessKeyId: { name: `${this.name}-backup-credentials`, key: 'ACCESS_KEY_ID' },
                      secretAccessKey: { name: `${this.name}-backup-credentials`, key: 'ACCESS_SECRET_KEY' },
                    },
                  },
                },
              }
            : {}),
        };
        return { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata, spec };
      }
      case DatastoreEngine.REDIS: {
        const spec: db.RedisFailoverSpec = {
          sentinel: {
            replicas: 3,
            resources: settings.resources,
            securityContext: pod,
            containerSecurityContext: container,
          },
          redis: {
            replicas: 3,
            resources: settings.resources,
            storage: {
              keepAfterDeletion: true,
              persistentVolumeClaim: {
                metadata: { name: `${this.name}-data` },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.storage } } },
              },
            },
            securityContext: pod,
            containerSecurityContext: container,
          },
          auth: { secretPath: this.credentialsSecret },
        };
        return { apiVersion: 'databases.spotahome.com/v1', kind: 'RedisFailover', metadata, spec };
      }
      case DatastoreEngine.KAFKA: {
        const spec: strimzi.KafkaSpec = {
          kafka: {
            version: this.version,
            listeners: [{ name: 'plain', port: this.port, type: 'internal', tls: false }],
            config: {
              'default.replication.factor': 3,
              'min.insync.replicas': 2,
              'offsets.topic.replication.factor': 3,
              'transaction.state.log.min.isr': 2,
              'transaction.state.log.replication.factor': 3,
            },
          },
          entityOperator: { topicOperator: {}, userOperator: {} },
        };
        return {
          apiVersion: 'kafka.strimzi.io/v1beta2',
          kind: 'Kafka',
          metadata: { ...metadata, annotations: { 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' } },
          spec,
        };
      }
    }
  }

  /** CloudNativePG's PgBouncer in front of the cluster's primary (`rw`). */
  private cnpgPooler(env: Environment, pooler: PoolerSettings): unknown {
    const spec: db.CnpgPoolerSpec = {
      cluster: { name: this.name },
      instances: pooler.instances,
      type: 'rw',
      pgbouncer: { poolMode: pooler.poolMode },
      template: {
        metadata: {
          labels: {
            ...this.labels,
            'app.kubernetes.io/name': this.poolerName,
            'app.kubernetes.io/component': 'pooler',
          },
        },
        spec: { containers: [{ name: 'pgbouncer', resources: env.datastores.resources }] },
      },
    };
    return {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Pooler',
      metadata: { name: this.poolerName, labels: this.labels },
      spec,
    };
  }

  /** PgBouncer as a Deployment and Service in front of the single-instance database. */
  private pgbouncer(env: Environment, pooler: PoolerSettings): Record<string, unknown> {
    const selector = this.poolerSelectorFor(env);
    const labels = { ...this.labels, ...selector, 'app.kubernetes.io/component': 'pooler' };
    const metadata = { name: this.poolerName, labels };
    const { container } = this.securityContexts();
    const port = { port: 'pgbouncer' };
    const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } } });
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
            serviceAccountName: this.poolerName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(PGBOUNCER_UID),
            containers: [
              {
                name: 'pgbouncer',
                image: PGBOUNCER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'pgbouncer', containerPort: this.port, protocol: 'TCP' }],
                env: [
                  { name: 'DB_HOST', value: this.name },
                  { name: 'DB_PORT', value: `${this.port}` },
                  { name: 'DB_NAME', value: this.database },
                  { name: 'DB_USER', ...secret('username') },
                  { name: 'DB_PASSWORD', ...secret('password') },
                  { name: 'AUTH_TYPE', value: 'scram-sha-256' },
                  { name: 'LISTEN_PORT', value: `${this.port}` },
                  { name: 'POOL_MODE', value: pooler.poolMode },
                ],
                livenessProbe: { tcpSocket: port, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 6 },
                readinessProbe: { tcpSocket: port, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
                resources: env.datastores.resources,
                securityContext: container,
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
          ports: [{ name: 'pgbouncer', port: this.port, targetPort: 'pgbouncer', protocol: 'TCP' }],
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
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
    };
  }

  /** The OT-Container-Kit redis-operator's sharded Redis Cluster: masters (leaders) with one follower each. */
  private redisCluster(env: Environment): unknown {
    const pod = restrictedPodSecurityContext(REDIS_CLUSTER_UID);
    const container = restrictedContainerSecurityContext();
    const claim = (storage: string) => ({
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    });
    const spec: db.RedisClusterSpec = {
      clusterSize: this.clusterSizeIn(env),
      clusterVersion: 'v7',
      persistenceEnabled: true,
      kubernetesConfig: {
        image: REDIS_CLUSTER_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        resources: env.datastores.resources,
        existingPasswordSecret: { name: this.credentialsSecret, key: 'password' },
      },
      podSecurityContext: pod,
      redisLeader: { securityContext: container },
      redisFollower: { securityContext: container },
      storage: {
        volumeClaimTemplate: claim(env.datastores.storage),
        nodeConfVolume: true,
        nodeConfVolumeClaimTemplate: claim('1Gi'),
      },
    };
    return {
      apiVersion: 'redis.redis.opstreelabs.in/v1beta2',
      kind: 'RedisCluster',
      metadata: { name: this.name, labels: this.labels },
      spec,
    };
  }

  /** Strimzi's KafkaNodePool: three combined controller/broker nodes with volumes. */
  private kafkaNodePool(env: Environment): unknown {
    const spec: strimzi.KafkaNodePoolSpec = {
      replicas: 3,
      roles: ['controller', 'broker'],
      storage: { type: 'persistent-claim', size: env.datastores.storage, deleteClaim: false },
      resources: env.datastores.resources,
    };
    return {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaNodePool',
      metadata: { name: `${this.name}-nodes`, labels: { ...this.labels, 'strimzi.io/cluster': this.name } },
      spec,
    };
  }

  /** The CronJob that runs `dump` on the backup schedule, then prunes dumps past the retention. */
  private backupCronJob(env: Environment, dump: string): unknown {
    const backup = env.datastores.backup!;
    const prune = `find /backups -type f -name '${this.name}-*' -mtime +${backup.retentionDays} -delete`;
    const { pod, container } = this.securityContexts();
    const env_ = this.spec.secretKeys.map((key) => ({
      name: `DB_${key.toUpperCase()}`,
      valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } },
    }));
    const labels = {
      ...this.labels,
      'app.kubernetes.io/name': `${this.name}-backup`,
      'app.kubernetes.io/component': 'backup',
    };
    return {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: `${this.name}-backup`, labels },
      spec: {
        schedule: backup.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'OnFailure',
                automountServiceAccountToken: false,
                serviceAccountName: `${this.name}-backup`,
                securityContext: pod,
                containers: [
                  {
                    name: 'backup',
                    image: `${this.spec.image}:${this.version}`,
                    imagePullPolicy: 'IfNotPresent',
                    command: ['sh', '-c', `set -eu; ${dump}; ${prune}`],
                    env: env_,
                    resources: env.datastores.resources,
                    securityContext: container,
                    volumeMounts: [
                      { name: 'backups', mountPath: '/backups' },
                      { name: 'tmp', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  { name: 'backups', persistentVolumeClaim: { claimName: `${this.name}-backups` } },
                  { name: 'tmp', emptyDir: {} },
                ],
              },
            },
          },
        },
      },
    };
  }

  /** The shell command that dumps this datastore with `topology` into one file below `/backups`. */
  private dumpCommand(topology: DatastoreTopology): string {
    const host =
      topology === DatastoreTopology.HA
        ? {
            mongodb: `${this.name}-svc`,
            postgresql: `${this.name}-rw`,
            redis: `rfr-${this.name}`,
            kafka: this.name,
            minio: this.name,
          }[this.engine]
        : this.name;
    const stamp = '$(date -u +%Y%m%dT%H%M%SZ)';
    return {
      mongodb: `mongodump --uri="mongodb://$DB_USERNAME:$DB_PASSWORD@${host}:${this.port}/?authSource=admin" --gzip --archive=/backups/${this.name}-${stamp}.archive.gz`,
      postgresql: `PGPASSWORD="$DB_PASSWORD" pg_dump -h ${host} -U "$DB_USERNAME" -d ${this.database} -Fc -f /backups/${this.name}-${stamp}.dump`,
      redis: `redis-cli -h ${host} -a "$DB_PASSWORD" --no-auth-warning --rdb /backups/${this.name}-${stamp}.rdb`,
      kafka: '',
      minio: '',
    }[this.engine];
  }

  /**
   * The single-instance container as a plain description (image, environment with Secret
   * keys, arguments, data path, health command), for runtimes outside Kubernetes such as the
   * local Docker Compose file.
   */
  public containerSpec(): {
    image: string;
    port: number;
    dataPath: string;
    environment: Record<string, { secretKey: string } | { value: string }>;
    args: string[] | undefined;
    healthcheck: string[];
  } {
    const environment: Record<string, { secretKey: string } | { value: string }> = {};
    for (const [name, key] of Object.entries(SERVER_ENV[this.engine])) environment[name] = { secretKey: key };
    for (const [name, value] of Object.entries(serverSettings(this.engine, this.name, this.spec.dataPath))) {
      environment[name] = { value };
    }
    if (this.engine === DatastoreEngine.MONGODB) environment.MONGO_INITDB_DATABASE = { value: this.database };
    if (this.engine === DatastoreEngine.POSTGRESQL) environment.POSTGRES_DB = { value: this.database };
    return {
      image: `${this.spec.image}:${this.version}`,
      port: this.port,
      dataPath: this.spec.dataPath,
      environment,
      args:
        this.engine === DatastoreEngine.REDIS
          ? ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', this.spec.dataPath]
          : undefined,
      healthcheck: READINESS[this.engine],
    };
  }

  /** The base manifests of the single topology. */
  public baseManifests(): ReturnType<Chart['toJson']> {
    return this.base.toJson();
  }
}
