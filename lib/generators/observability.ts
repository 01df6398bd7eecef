import { Datastore } from '../constructs/datastores/datastore';
import { Microservice } from '../constructs/microservice';
import { Environment } from '../model/environment';
import { alertRuleGroups, prometheusRule } from './alert-rules';

/** The pod annotation that asks the OpenTelemetry operator to inject the SDK configuration. */
export const INJECT_SDK_ANNOTATION = 'instrumentation.opentelemetry.io/inject-sdk';

/** Inputs of an environment's observability objects. */
export interface ObservabilityOptions {
  /** Platform name: the PrometheusRule and the Instrumentation are called this. */
  readonly platform: string;
  /** The environment. */
  readonly env: Environment;
  /** The services that run there. */
  readonly services: readonly Microservice[];
  /** The datastores. */
  readonly datastores: readonly Datastore[];
}

/**
 * The shared observability objects of an environment, by file name: the PrometheusRule where the
 * table alerts, the OpenTelemetry Instrumentation where it traces and services run.
 */
export function observabilityObjects(
  options: ObservabilityOptions,
  labels: Record<string, string>,
): Record<string, object[]> {
  const { platform, env } = options;
  const files: Record<string, object[]> = {};
  const groups = alertRuleGroups(options);
  if (groups.length > 0) files['prometheus-rules.yaml'] = [prometheusRule(platform, env, groups, labels)];
  const tracing = instrumentation(platform, env, labels);
  if (tracing && options.services.length > 0) files['instrumentation.yaml'] = [tracing];
  return files;
}

/**
 * The OpenTelemetry operator's Instrumentation of `env`: the exporter, sampler, propagators and
 * resource attributes the `inject-sdk` annotation gives every service's container as `OTEL_*`
 * variables. The operator adds `service.name` (the Deployment), the `k8s.*` attributes and
 * `service.version` (the image tag): the version a span carries is the tag promotion pinned.
 */
export function instrumentation(
  platform: string,
  env: Environment,
  labels: Record<string, string>,
): object | undefined {
  const otel = env.operations.tracing.openTelemetry;
  if (!otel) return undefined;
  const attributes = { ...otel.resourceAttributes, 'deployment.environment.name': env.name };
  return {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    metadata: { name: platform, labels },
    spec: {
      exporter: { endpoint: otel.endpoint },
      propagators: [...otel.propagators],
      sampler: { type: 'parentbased_traceidratio', argument: String(otel.samplerRatio) },
      resource: {
        resourceAttributes: Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))),
      },
    },
  };
}

/** Pod annotations of a service in `env`: the inject annotation naming the Instrumentation, where tracing is on. */
export function tracingAnnotations(platform: string, env: Environment): Record<string, string> {
  return env.operations.tracing.enabled ? { [INJECT_SDK_ANNOTATION]: platform } : {};
}
