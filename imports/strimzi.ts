import { CrdSchema, JsonSchema } from './crd-schema';

/** Typed props for the Strimzi `kafka.strimzi.io/v1beta2` fields the platform uses (KRaft with node pools). */
export interface KafkaSpec {
  readonly kafka: {
    readonly version: string;
    readonly listeners: ReadonlyArray<{
      readonly name: string;
      readonly port: number;
      readonly type: 'internal';
      readonly tls: boolean;
    }>;
    readonly config: Record<string, number | string>;
  };
  readonly entityOperator: {
    readonly topicOperator: Record<string, never>;
    readonly userOperator: Record<string, never>;
  };
}

/** Strimzi KafkaNodePool spec. */
export interface KafkaNodePoolSpec {
  readonly replicas: number;
  readonly roles: ReadonlyArray<'controller' | 'broker'>;
  readonly storage: {
    readonly type: 'persistent-claim' | 'ephemeral';
    readonly size: string;
    readonly deleteClaim: boolean;
  };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
}

const str: JsonSchema = { type: 'string' };
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});
const quantityMap: JsonSchema = { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } };

/** Schemas of the Strimzi kinds, for the validation gate. */
export const STRIMZI_SCHEMAS: readonly CrdSchema[] = [
  {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'Kafka',
    schema: obj(
      {
        spec: obj(
          {
            kafka: obj(
              {
                version: str,
                listeners: {
                  type: 'array',
                  items: obj(
                    {
                      name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
                      port: { type: 'integer', minimum: 9092 },
                      type: {
                        type: 'string',
                        enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'],
                      },
                      tls: { type: 'boolean' },
                    },
                    ['name', 'port', 'type', 'tls'],
                  ),
                },
                config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
              ['listeners'],
            ),
            entityOperator: obj({
              topicOperator: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              userOperator: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            }),
          },
          ['kafka'],
        ),
      },
      ['spec'],
    ),
  },
  {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaNodePool',
    schema: obj(
      {
        spec: obj(
          {
            replicas: { type: 'integer', minimum: 0 },
            roles: { type: 'array', items: { type: 'string', enum: ['controller', 'broker'] } },
            storage: obj(
              {
                type: { type: 'string', enum: ['persistent-claim', 'ephemeral', 'jbod'] },
                size: str,
                deleteClaim: { type: 'boolean' },
              },
              ['type'],
            ),
            resources: obj({ requests: quantityMap, limits: quantityMap }),
          },
          ['replicas', 'roles', 'storage'],
        ),
      },
      ['spec'],
    ),
  },
];
