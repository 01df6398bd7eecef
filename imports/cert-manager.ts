import { CrdSchema, JsonSchema } from './crd-schema';

/** Typed props for the cert-manager.io/v1 fields the platform uses (cert-manager 1.x CRDs). */
export interface IssuerSpec {
  /** A self-signed issuer. */
  readonly selfSigned?: Record<string, never>;
  /** An ACME issuer (Let's Encrypt). */
  readonly acme?: {
    readonly server: string;
    readonly email: string;
    readonly privateKeySecretRef: { readonly name: string };
    readonly solvers: ReadonlyArray<{ readonly http01: { readonly ingress: { readonly ingressClassName: string } } }>;
  };
}

/** cert-manager Certificate spec. */
export interface CertificateSpec {
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly issuerRef: { readonly name: string; readonly kind: 'Issuer' | 'ClusterIssuer'; readonly group?: string };
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly privateKey?: {
    readonly algorithm?: 'RSA' | 'ECDSA' | 'Ed25519';
    readonly size?: number;
    readonly rotationPolicy?: 'Never' | 'Always';
  };
}

const str: JsonSchema = { type: 'string' };
const issuerSpec: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    selfSigned: {
      type: 'object',
      additionalProperties: false,
      properties: { crlDistributionPoints: { type: 'array', items: str } },
    },
    acme: {
      type: 'object',
      required: ['server', 'privateKeySecretRef'],
      additionalProperties: false,
      properties: {
        server: { type: 'string', pattern: '^https://' },
        email: str,
        privateKeySecretRef: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: str, key: str },
        },
        solvers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              http01: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  ingress: {
                    type: 'object',
                    additionalProperties: false,
                    properties: { ingressClassName: str, class: str },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** Schemas of the cert-manager kinds, for the validation gate. */
export const CERT_MANAGER_SCHEMAS: readonly CrdSchema[] = [
  {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    schema: { type: 'object', required: ['spec'], additionalProperties: false, properties: { spec: issuerSpec } },
  },
  {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    schema: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          required: ['secretName', 'issuerRef'],
          additionalProperties: false,
          properties: {
            secretName: str,
            dnsNames: { type: 'array', items: str },
            commonName: str,
            duration: str,
            renewBefore: str,
            issuerRef: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: { name: str, kind: { type: 'string', enum: ['Issuer', 'ClusterIssuer'] }, group: str },
            },
            privateKey: {
              type: 'object',
              additionalProperties: false,
              properties: {
                algorithm: { type: 'string', enum: ['RSA', 'ECDSA', 'Ed25519'] },
                size: { type: 'integer' },
                rotationPolicy: { type: 'string', enum: ['Never', 'Always'] },
              },
            },
          },
        },
      },
    },
  },
];
