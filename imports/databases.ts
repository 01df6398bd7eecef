import { CrdSchema, JsonSchema } from './crd-schema';

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
 * (`redis.redis.opstreelabs.in/v1beta2` RedisCluster). The schemas below, used by the
 * validation gate, accept more than these props.
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
      readonly containers: ReadonlyArray<{ readonly name: string; readonly resources: ContainerResources }>;
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
    readonly existingPasswordSecret: SecretKeyRef;
  };
  readonly podSecurityContext: SecurityContext;
  readonly redisLeader: { readonly securityContext: SecurityContext };
  readonly redisFollower: { readonly securityContext: SecurityContext };
  readonly storage: {
    readonly volumeClaimTemplate: RedisClusterClaim;
    readonly nodeConfVolume: boolean;
    readonly nodeConfVolumeClaimTemplate: RedisClusterClaim;
  };
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
  };
  readonly auth: { readonly secretPath: string };
}

const str: JsonSchema = { type: 'string' };
const quantityMap: JsonSchema = { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } };
const resources: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { requests: quantityMap, limits: quantityMap },
};
const keyRef: JsonSchema = {
  type: 'object',
  required: ['name', 'key'],
  additionalProperties: false,
  properties: { name: str, key: str },
};
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});
const preserve: JsonSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** Schemas of the database operator kinds, for the validation gate. */
export const DATABASE_SCHEMAS: readonly CrdSchema[] = [
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    schema: obj(
      {
        spec: obj(
          {
            instances: { type: 'integer', minimum: 1 },
            imageName: str,
            storage: obj({ size: str, storageClass: str }),
            resources,
            bootstrap: obj({
              initdb: obj({ database: str, owner: str, secret: obj({ name: str }, ['name']) }),
            }),
            backup: obj({
              retentionPolicy: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
              barmanObjectStore: obj(
                {
                  destinationPath: str,
                  s3Credentials: obj({ accessKeyId: keyRef, secretAccessKey: keyRef }),
                },
                ['destinationPath'],
              ),
            }),
          },
          ['instances'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    schema: obj(
      {
        spec: obj(
          {
            schedule: str,
            backupOwnerReference: { type: 'string', enum: ['none', 'self', 'cluster'] },
            cluster: obj({ name: str }, ['name']),
          },
          ['schedule', 'cluster'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Pooler',
    schema: obj(
      {
        spec: obj(
          {
            cluster: obj({ name: str }, ['name']),
            instances: { type: 'integer', minimum: 0 },
            type: { type: 'string', enum: ['rw', 'ro'] },
            pgbouncer: obj(
              {
                poolMode: { type: 'string', enum: ['session', 'transaction'] },
                parameters: { type: 'object', additionalProperties: str },
              },
              ['poolMode'],
            ),
            template: obj({ metadata: preserve, spec: preserve }),
          },
          ['cluster', 'pgbouncer'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'redis.redis.opstreelabs.in/v1beta2',
    kind: 'RedisCluster',
    schema: obj(
      {
        spec: obj(
          {
            clusterSize: { type: 'integer', minimum: 3 },
            clusterVersion: { type: 'string', enum: ['v6', 'v7'] },
            persistenceEnabled: { type: 'boolean' },
            kubernetesConfig: obj(
              {
                image: str,
                imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
                resources,
                existingPasswordSecret: keyRef,
              },
              ['image'],
            ),
            podSecurityContext: preserve,
            redisLeader: obj({ replicas: { type: 'integer', minimum: 1 }, securityContext: preserve }),
            redisFollower: obj({ replicas: { type: 'integer', minimum: 0 }, securityContext: preserve }),
            storage: obj(
              {
                volumeClaimTemplate: obj({ spec: preserve }, ['spec']),
                nodeConfVolume: { type: 'boolean' },
                nodeConfVolumeClaimTemplate: obj({ spec: preserve }, ['spec']),
              },
              ['volumeClaimTemplate'],
            ),
          },
          ['clusterSize', 'kubernetesConfig'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'mongodbcommunity.mongodb.com/v1',
    kind: 'MongoDBCommunity',
    schema: obj(
      {
        spec: obj(
          {
            members: { type: 'integer', minimum: 1 },
            type: { type: 'string', enum: ['ReplicaSet'] },
            version: str,
            security: obj({
              authentication: obj({
                modes: {
                  type: 'array',
                  items: { type: 'string', enum: ['SCRAM', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'X509'] },
                },
              }),
            }),
            users: {
              type: 'array',
              items: obj(
                {
                  name: str,
                  db: str,
                  passwordSecretRef: obj({ name: str, key: str }, ['name']),
                  roles: { type: 'array', items: obj({ name: str, db: str }, ['name', 'db']) },
                  scramCredentialsSecretName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
                },
                ['name', 'db', 'passwordSecretRef', 'roles', 'scramCredentialsSecretName'],
              ),
            },
            statefulSet: obj({ spec: preserve }),
          },
          ['members', 'type', 'version', 'security'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'databases.spotahome.com/v1',
    kind: 'RedisFailover',
    schema: obj(
      {
        spec: obj(
          {
            sentinel: obj({
              replicas: { type: 'integer', minimum: 3 },
              resources,
              securityContext: preserve,
              containerSecurityContext: preserve,
            }),
            redis: obj({
              replicas: { type: 'integer', minimum: 1 },
              resources,
              storage: obj({ keepAfterDeletion: { type: 'boolean' }, persistentVolumeClaim: preserve }),
              securityContext: preserve,
              containerSecurityContext: preserve,
            }),
            auth: obj({ secretPath: str }),
          },
          ['sentinel', 'redis'],
        ),
      },
      ['spec'],
    ),
  },
];
