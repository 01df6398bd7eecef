import { CrdSchema, JsonSchema } from './crd-schema';

// The fields the platform renders of the prometheus-operator's monitoring.coreos.com/v1 kinds
// (ServiceMonitor, PodMonitor, PrometheusRule) and the OpenTelemetry operator's
// opentelemetry.io/v1alpha1 Instrumentation, each spelled and typed as the upstream CRDs
// (/work/shared/crds) define it; anything else is an unknown field for the gate.

const str: JsonSchema = { type: 'string' };
const stringMap: JsonSchema = { type: 'object', additionalProperties: str };
const labelSelector: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { matchLabels: stringMap },
};
const endpoint: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: str,
    path: str,
    interval: {
      type: 'string',
      pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
    },
  },
};
const rule: JsonSchema = {
  type: 'object',
  required: ['expr'],
  additionalProperties: false,
  properties: {
    record: str,
    alert: str,
    expr: { 'x-kubernetes-int-or-string': true },
    for: {
      type: 'string',
      pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
    },
    labels: stringMap,
    annotations: stringMap,
  },
};

/** Schemas of the monitoring and tracing kinds, for the validation gate. */
export const MONITORING_SCHEMAS: readonly CrdSchema[] = [
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    schema: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          required: ['selector'],
          additionalProperties: false,
          properties: { jobLabel: str, selector: labelSelector, endpoints: { type: 'array', items: endpoint } },
        },
      },
    },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    schema: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          required: ['selector'],
          additionalProperties: false,
          properties: {
            jobLabel: str,
            selector: labelSelector,
            podMetricsEndpoints: { type: 'array', items: endpoint },
          },
        },
      },
    },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    schema: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            groups: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: str, rules: { type: 'array', items: rule } },
              },
            },
          },
        },
      },
    },
  },
  {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    schema: {
      type: 'object',
      required: ['spec'],
      additionalProperties: false,
      properties: {
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            exporter: { type: 'object', additionalProperties: false, properties: { endpoint: str } },
            propagators: {
              type: 'array',
              items: {
                type: 'string',
                enum: ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'],
              },
            },
            sampler: {
              type: 'object',
              additionalProperties: false,
              properties: {
                type: {
                  type: 'string',
                  enum: [
                    'always_on',
                    'always_off',
                    'traceidratio',
                    'parentbased_always_on',
                    'parentbased_always_off',
                    'parentbased_traceidratio',
                    'jaeger_remote',
                    'xray',
                  ],
                },
                argument: str,
              },
            },
            resource: {
              type: 'object',
              additionalProperties: false,
              properties: { addK8sUIDAttributes: { type: 'boolean' }, resourceAttributes: stringMap },
            },
          },
        },
      },
    },
  },
];
