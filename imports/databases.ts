import { CrdSchema, JsonSchema } from './crd-schema';

/**
 * Typed props for the database operator CRDs the platform uses in its HA topology:
 * CloudNativePG (`postgresql.cnpg.io/v1` Cluster, ScheduledBackup), the MongoDB Community
 * operator (`mongodbcommunity.mongodb.com/v1` MongoDBCommunity) and the Redis operator by
 * Spotahome (`databases.spotahome.com/v1` RedisFailover: Redis with Sentinel).
 */
export interface CnpgClusterSpec {
  readonly instances: number;
  readonly imageName: string;
  readonly storage: { readonly size: string };
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly bootstrap: {
    readonly initdb: { readonly database: string; readonly owner: string; readonly secret: { readonly name: string } };
  };
  readonly backup?: {
    readonly retentionPolicy: string;
    readonly barmanObjectStore: {
      readonly destinationPath: string;
      readonly s3Credentials: {
        readonly accessKeyId: { readonly name: string; readonly key: string };
        readonly secretAccessKey: { readonly name: string; readonly key: string };
      };
    };
  };
}

/** CloudNativePG ScheduledBackup spec. */
export interface CnpgScheduledBackupSpec {
  readonly schedule: string;
  readonly backupOwnerReference: 'none' | 'self' | 'cluster';
  readonly cluster: { readonly name: string };
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
    readonly passwordSecretRef: { readonly name: string; readonly key?: string };
    readonly roles: ReadonlyArray<{ readonly name: string; readonly db: string }>;
    readonly scramCredentialsSecretName: string;
  }>;
  readonly statefulSet?: { readonly spec: Record<string, unknown> };
}

/** Spotahome RedisFailover spec. */
export interface RedisFailoverSpec {
  readonly sentinel: { readonly replicas: number; readonly resources: Record<string, Record<string, string>> };
  readonly redis: {
    readonly replicas: number;
    readonly resources: Record<string, Record<string, string>>;
    readonly storage?: { readonly persistentVolumeClaim: Record<string, unknown> };
  };
  readonly auth?: { readonly secretPath: string };
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
