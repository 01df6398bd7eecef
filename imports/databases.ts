/** Requests and limits of one container, as the operators' CRDs take them. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A pod or container security context, passed through to the pods the operator creates. */
export type SecurityContext = Readonly<Record<string, unknown>>;

/** A reference to one key of a Secret. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/**
 * Typed props for the database operator CRDs the platform uses in its HA and CLUSTER
 * topologies, exactly the fields it renders: CloudNativePG (`postgresql.cnpg.io/v1` Cluster,
 * ScheduledBackup, Pooler), the MongoDB Community operator (`mongodbcommunity.mongodb.com/v1`
 * MongoDBCommunity), the Redis operator by Spotahome (`databases.spotahome.com/v1`
 * RedisFailover: Redis with Sentinel) and the OT-Container-Kit redis-operator
 * (`redis.redis.opstreelabs.in/v1beta2` RedisCluster). The validation gate checks what is
 * rendered against the operators' own CRDs (imports/upstream/crd-schemas.json).
 */
export interface CnpgClusterSpec {
  readonly instances: number;
  readonly storage: { readonly size: string };
  readonly resources: ContainerResources;
  readonly bootstrap: {
    readonly initdb: { readonly database: string; readonly owner: string; readonly secret: { readonly name: string } };
  };
  /** Continuous backup to an object store, where the environment asks for backups. */
  readonly backup?: {
    readonly retentionPolicy: string;
    readonly barmanObjectStore: {
      readonly destinationPath: string;
      readonly s3Credentials: { readonly accessKeyId: SecretKeyRef; readonly secretAccessKey: SecretKeyRef };
    };
  };
}

/** CloudNativePG ScheduledBackup spec. */
export interface CnpgScheduledBackupSpec {
  readonly schedule: string;
  readonly backupOwnerReference: 'none' | 'self' | 'cluster';
  readonly cluster: { readonly name: string };
}

/** CloudNativePG Pooler spec: PgBouncer pods in front of a Cluster's `rw` (or `ro`) service. */
export interface CnpgPoolerSpec {
  readonly cluster: { readonly name: string };
  readonly instances: number;
  readonly type: 'rw' | 'ro';
  readonly pgbouncer: { readonly poolMode: 'session' | 'transaction' };
  readonly template: {
    readonly metadata: { readonly labels: Readonly<Record<string, string>> };
    readonly spec: {
      readonly securityContext: SecurityContext;
      readonly priorityClassName?: string;
      readonly topologySpreadConstraints?: ReadonlyArray<Readonly<Record<string, unknown>>>;
      readonly containers: ReadonlyArray<{
        readonly name: string;
        readonly image: string;
        readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
        readonly ports: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
        readonly livenessProbe: Readonly<Record<string, unknown>>;
        readonly resources: ContainerResources;
        readonly securityContext: SecurityContext;
      }>;
    };
  };
}

/** A PersistentVolumeClaim template of the OT-Container-Kit redis-operator. */
export interface RedisClusterClaim {
  readonly spec: {
    readonly accessModes: readonly string[];
    readonly resources: { readonly requests: { readonly storage: string } };
  };
}

/** OT-Container-Kit redis-operator RedisCluster spec (v1beta2): `clusterSize` masters, one follower each. */
export interface RedisClusterSpec {
  readonly clusterSize: number;
  readonly clusterVersion: 'v6' | 'v7';
  readonly persistenceEnabled: boolean;
  readonly kubernetesConfig: {
    readonly image: string;
    readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
    readonly resources: ContainerResources;
    /** The Secret key holding the password Redis requires (`requirepass`). */
    readonly redisSecret: SecretKeyRef;
  };
  readonly podSecurityContext: SecurityContext;
  readonly redisLeader: { readonly securityContext: SecurityContext };
  readonly redisFollower: { readonly securityContext: SecurityContext };
  readonly storage: {
    readonly volumeClaimTemplate: RedisClusterClaim;
    readonly nodeConfVolume: boolean;
    readonly nodeConfVolumeClaimTemplate: RedisClusterClaim;
  };
  /** The redis-exporter sidecar of every leader and follower, where the datastore is scraped. */
  readonly redisExporter?: ExporterSidecar & { readonly securityContext: SecurityContext };
}

/** A Prometheus exporter sidecar an operator adds to its pods. */
export interface ExporterSidecar {
  readonly enabled: boolean;
  readonly image: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  readonly resources: ContainerResources;
}

/** MongoDB Community operator spec. */
export interface MongoDbCommunitySpec {
  readonly members: number;
  readonly type: 'ReplicaSet';
  readonly version: string;
  readonly security: {
    readonly authentication: { readonly modes: ReadonlyArray<'SCRAM' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256'> };
  };
  readonly users: ReadonlyArray<{
    readonly name: string;
    readonly db: string;
    readonly passwordSecretRef: SecretKeyRef;
    readonly roles: ReadonlyArray<{ readonly name: string; readonly db: string }>;
    readonly scramCredentialsSecretName: string;
  }>;
  /** Overrides merged into the StatefulSet the operator creates. */
  readonly statefulSet: { readonly spec: Readonly<Record<string, unknown>> };
  /** The agent's Prometheus endpoint behind HTTP basic auth, where the datastore is scraped. */
  readonly prometheus?: {
    readonly username: string;
    readonly passwordSecretRef: SecretKeyRef;
    readonly port: number;
    readonly metricsPath: string;
  };
}

/** One pod group (Redis or Sentinel) of a Spotahome RedisFailover. */
export interface RedisFailoverPods {
  readonly replicas: number;
  readonly resources: ContainerResources;
  readonly securityContext: SecurityContext;
  readonly containerSecurityContext: SecurityContext;
}

/** Spotahome RedisFailover spec. */
export interface RedisFailoverSpec {
  readonly sentinel: RedisFailoverPods;
  readonly redis: RedisFailoverPods & {
    readonly storage: {
      readonly keepAfterDeletion: boolean;
      readonly persistentVolumeClaim: Readonly<Record<string, unknown>>;
    };
    /** The redis_exporter sidecar of every Redis pod, where the datastore is scraped. */
    readonly exporter?: ExporterSidecar & { readonly containerSecurityContext: SecurityContext };
  };
  readonly auth: { readonly secretPath: string };
}
