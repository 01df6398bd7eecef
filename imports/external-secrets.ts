import { CrdSchema, JsonSchema } from './crd-schema';

/** Typed props for the external-secrets.io/v1beta1 ExternalSecret fields the platform uses. */
export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly name: string; readonly kind: 'SecretStore' | 'ClusterSecretStore' };
  readonly target: {
    readonly name: string;
    readonly creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None';
    readonly template?: { readonly type?: string };
  };
  readonly data: ReadonlyArray<{
    readonly secretKey: string;
    readonly remoteRef: { readonly key: string; readonly property?: string };
  }>;
}

const str: JsonSchema = { type: 'string' };

const stringMap: JsonSchema = { type: 'object', additionalProperties: str };

/** An ExternalSecret's schema, with the `target.template` properties its version defines. */
function externalSecretSchema(template: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    required: ['spec'],
    additionalProperties: false,
    properties: {
      spec: {
        type: 'object',
        required: ['secretStoreRef', 'target'],
        additionalProperties: false,
        properties: {
          refreshInterval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$' },
          secretStoreRef: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: str, kind: { type: 'string', enum: ['SecretStore', 'ClusterSecretStore'] } },
          },
          target: {
            type: 'object',
            additionalProperties: false,
            properties: {
              name: str,
              creationPolicy: { type: 'string', enum: ['Owner', 'Orphan', 'Merge', 'None'] },
              template: { type: 'object', additionalProperties: false, properties: template },
            },
          },
          data: {
            type: 'array',
            items: {
              type: 'object',
              required: ['secretKey', 'remoteRef'],
              additionalProperties: false,
              properties: {
                secretKey: str,
                remoteRef: {
                  type: 'object',
                  required: ['key'],
                  additionalProperties: false,
                  properties: { key: str, property: str },
                },
              },
            },
          },
        },
      },
    },
  };
}

/**
 * Schemas of the External Secrets kinds, for the validation gate. v1 (the version the
 * operator serves since v0.16; the cluster Secrets of `argocd/` use it) adds the template's
 * `metadata` and `data`, which the Argo CD cluster Secret needs for its label and fields.
 */
export const EXTERNAL_SECRETS_SCHEMAS: readonly CrdSchema[] = [
  {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    schema: externalSecretSchema({ type: str }),
  },
  {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    schema: externalSecretSchema({
      type: str,
      metadata: {
        type: 'object',
        additionalProperties: false,
        properties: { labels: stringMap, annotations: stringMap },
      },
      data: stringMap,
    }),
  },
];
