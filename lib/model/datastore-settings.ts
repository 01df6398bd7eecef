import { checkQuantity } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { BackupProps, checkBackup } from './backup';
import { ResolvedResources, ResourceRequirements, resolveResources } from './resources';
import { shape } from '../core/props-shape';
import { RESOURCES_SHAPE } from './resources';
import { BACKUP_SHAPE } from './backup';

/** How a datastore runs in an environment. */
export enum DatastoreTopology {
  /** One StatefulSet pod with a PersistentVolumeClaim. */
  SINGLE = 'single',
  /** The engine's high-availability form, managed by its operator. */
  HA = 'ha',
  /** A managed service outside the cluster (host and port from the environment table). */
  EXTERNAL = 'external',
  /**
   * A sharded cluster, managed by its operator: Redis Cluster through the OT-Container-Kit
   * redis-operator (`RedisCluster`), one follower per master. Redis only.
   */
  CLUSTER = 'cluster',
}

/** How PgBouncer hands server connections to clients. */
export enum PoolMode {
  /** A server connection per client connection, for its whole life (every PostgreSQL feature works). */
  SESSION = 'session',
  /** A server connection per transaction (most reuse; no session state across transactions). */
  TRANSACTION = 'transaction',
}

/**
 * PgBouncer in front of a PostgreSQL datastore. With the single topology it is a Deployment
 * and Service `<name>-pooler`; with the HA topology a CloudNativePG `Pooler` of the same name.
 * Clients then connect to `<name>-pooler:5432` instead of the database.
 */
export interface PoolerProps {
  /**
   * PgBouncer pods.
   * @default 1
   */
  readonly instances?: number;
  /**
   * Pool mode.
   * @default PoolMode.SESSION
   */
  readonly poolMode?: PoolMode;
}

/** `PoolerProps` with defaults filled. */
export interface PoolerSettings {
  readonly instances: number;
  readonly poolMode: PoolMode;
}

/** Where a managed (external) datastore is reached. */
export interface ExternalEndpointProps {
  /** Host name, e.g. `orders.abc123.eu-west-1.rds.amazonaws.com`. */
  readonly host: string;
  /**
   * Port.
   * @default - the engine's port
   */
  readonly port?: number;
}

/** How an environment runs its datastores: one row of the seed's "Database Configuration". */
export interface DatastoreEnvironmentProps {
  /**
   * Topology of every datastore in the environment.
   * @default DatastoreTopology.SINGLE
   */
  readonly topology?: DatastoreTopology;
  /**
   * CPU and memory of each datastore pod.
   * @default - the environment's service resources
   */
  readonly resources?: ResourceRequirements;
  /**
   * Data volume size of each datastore pod.
   * @default '1Gi'
   */
  readonly storage?: string;
  /**
   * Scheduled backups.
   * @default - no backups
   */
  readonly backup?: BackupProps;
  /**
   * Topology of individual datastores, by name, over `topology`.
   * @default {}
   */
  readonly topologies?: Record<string, DatastoreTopology>;
  /**
   * Endpoints of the datastores whose topology is `EXTERNAL`, by name.
   * @default {}
   */
  readonly external?: Record<string, ExternalEndpointProps>;
  /**
   * Address (`host:port`) a single-node Kafka datastore advertises to clients, by name, e.g.
   * `{ kafka: 'localhost:9092' }` where clients run on the host and reach the broker through
   * `kubectl port-forward`. The broker then adds a second listener, `INTERNAL` on port 29092,
   * advertised under its Service name, which in-cluster clients are given instead.
   * @default {} (Kafka advertises its Service name and port)
   */
  readonly advertisedAddresses?: Record<string, string>;
  /**
   * PgBouncer in front of PostgreSQL datastores, by name (SINGLE or HA topology).
   * @default {} (clients connect to the database directly)
   */
  readonly poolers?: Record<string, PoolerProps>;
  /**
   * Standby instances beside the primary of PostgreSQL datastores with the HA topology, by name
   * (the seed's "1 replica" is `1`: a CloudNativePG cluster of 2 instances).
   * @default - 2 (three instances)
   */
  readonly replicas?: Record<string, number>;
  /**
   * Masters of Redis datastores with the CLUSTER topology, by name; each has one follower.
   * @default - 3
   */
  readonly clusterSizes?: Record<string, number>;
}

/** `DatastoreEnvironmentProps` with defaults filled. */
export interface DatastoreSettings {
  readonly topology: DatastoreTopology;
  readonly topologies: Readonly<Record<string, DatastoreTopology>>;
  readonly external: Readonly<Record<string, ExternalEndpointProps>>;
  readonly advertisedAddresses: Readonly<Record<string, string>>;
  readonly poolers: Readonly<Record<string, PoolerSettings>>;
  readonly replicas: Readonly<Record<string, number>>;
  readonly clusterSizes: Readonly<Record<string, number>>;
  readonly resources: ResolvedResources;
  readonly storage: string;
  readonly backup: BackupProps | undefined;
}

/** Fills and checks the datastore settings of an environment. */
export function resolveDatastoreSettings(
  path: string,
  props: DatastoreEnvironmentProps | undefined,
  fallback: ResourceRequirements,
): DatastoreSettings {
  const storage = props?.storage ?? '1Gi';
  checkQuantity(path, 'datastore storage', storage);
  if (props?.backup) checkBackup(path, props.backup);
  for (const [name, topology] of Object.entries(props?.topologies ?? {})) {
    if (topology === DatastoreTopology.EXTERNAL && !props?.external?.[name]) {
      throw new StagecraftError(
        path,
        `datastores.external.${name} is required: ${name} is EXTERNAL here, got no endpoint`,
      );
    }
  }
  for (const [name, address] of Object.entries(props?.advertisedAddresses ?? {})) {
    const port = Number(/^[a-z0-9.-]+:([0-9]+)$/.exec(address)?.[1]);
    if (!(port >= 1 && port <= 65535)) {
      throw new StagecraftError(
        path,
        `datastores.advertisedAddresses.${name} must be host:port, got ${JSON.stringify(address)}`,
      );
    }
  }
  const poolers: Record<string, PoolerSettings> = {};
  for (const [name, pooler] of Object.entries(props?.poolers ?? {})) {
    const instances = pooler.instances ?? 1;
    checkCount(path, `datastores.poolers.${name}.instances`, instances, 1);
    poolers[name] = { instances, poolMode: pooler.poolMode ?? PoolMode.SESSION };
  }
  for (const [name, replicas] of Object.entries(props?.replicas ?? {})) {
    checkCount(path, `datastores.replicas.${name}`, replicas, 0);
  }
  for (const [name, size] of Object.entries(props?.clusterSizes ?? {})) {
    checkCount(path, `datastores.clusterSizes.${name}`, size, 3, ' (a Redis Cluster needs 3 masters)');
  }
  return {
    topology: props?.topology ?? DatastoreTopology.SINGLE,
    poolers,
    replicas: props?.replicas ?? {},
    clusterSizes: props?.clusterSizes ?? {},
    topologies: props?.topologies ?? {},
    external: props?.external ?? {},
    advertisedAddresses: props?.advertisedAddresses ?? {},
    resources: resolveResources(path, props?.resources ?? fallback),
    storage,
    backup: props?.backup,
  };
}

function checkCount(path: string, what: string, value: number, min: number, why = ''): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StagecraftError(path, `${what} must be an integer >= ${min}${why}, got ${value}`);
  }
}

const TOPOLOGY = { oneOf: Object.values(DatastoreTopology) } as const;

/** The keys of `PoolerProps`, checked at run time. */
export const POOLER_SHAPE = shape<PoolerProps>('PoolerProps', {
  instances: 'number',
  poolMode: { oneOf: Object.values(PoolMode) },
});

/** The keys of `ExternalEndpointProps`, checked at run time. */
export const EXTERNAL_ENDPOINT_SHAPE = shape<ExternalEndpointProps>('ExternalEndpointProps', {
  host: 'string',
  port: 'number',
});

/** The keys of `DatastoreEnvironmentProps`, checked at run time. */
export const DATASTORE_ENVIRONMENT_SHAPE = shape<DatastoreEnvironmentProps>('DatastoreEnvironmentProps', {
  topology: TOPOLOGY,
  resources: RESOURCES_SHAPE,
  storage: 'string',
  backup: BACKUP_SHAPE,
  topologies: { mapOf: TOPOLOGY },
  external: { mapOf: EXTERNAL_ENDPOINT_SHAPE },
  advertisedAddresses: 'stringMap',
  poolers: { mapOf: POOLER_SHAPE },
  replicas: { mapOf: 'number' },
  clusterSizes: { mapOf: 'number' },
});
