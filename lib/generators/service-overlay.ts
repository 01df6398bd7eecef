import { createHash } from 'crypto';
import { Environment } from '../model/environment';
import { ImagePin } from '../kube/image-pin';
import { Microservice, ServiceSettings } from '../constructs/microservice';

/** Annotation that changes whenever a service's configuration does, so pods roll. */
export const CONFIG_HASH_ANNOTATION = 'stagecraft.dev/config-hash';

/** Inputs of one `overlays/<env>/<service>/` directory. */
export interface ServiceOverlayOptions {
  /** The service. */
  readonly service: Microservice;
  /** The environment. */
  readonly env: Environment;
  /** The service's settings in that environment. */
  readonly settings: ServiceSettings;
  /**
   * What the service reads from the platform's `SharedConfig` in that environment; part of
   * the config hash, so a change there rolls the service's pods too.
   * @default - the service reads no shared configuration
   */
  readonly shared?: Readonly<Record<string, unknown>>;
  /** The image pin the overlay holds (kept from the existing file, or the initial tag). */
  readonly pin: ImagePin;
  /** Path of the service's base, relative to the overlay directory. */
  readonly basePath: string;
  /** Path of the service's PodDisruptionBudget component, relative to the overlay directory. */
  readonly disruptionBudgetPath: string;
}

/** The files of one service overlay, by file name, as plain objects ready to serialize. */
export function serviceOverlay(options: ServiceOverlayOptions): Record<string, unknown> {
  const { service, env, settings, pin } = options;
  const files: Record<string, unknown> = {};
  const resources = [options.basePath];
  const patches: { path: string }[] = [];
  const autoscale = settings.scaling.autoscale;
  if (autoscale) {
    resources.push('hpa.yaml');
    files['hpa.yaml'] = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: service.name, labels: { ...service.selectorLabels } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name },
        minReplicas: autoscale.minReplicas,
        maxReplicas: autoscale.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: autoscale.targetCpuUtilizationPercent },
            },
          },
        ],
      },
    };
  }
  // The shared part is appended only when present, so services without it keep their hash.
  const hashInput = JSON.stringify(settings.variables) + (options.shared ? JSON.stringify(options.shared) : '');
  const configHash = createHash('sha256').update(hashInput).digest('hex').slice(0, 16);
  files['deployment-patch.yaml'] = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name },
    spec: {
      ...(settings.scaling.replicas !== undefined ? { replicas: settings.scaling.replicas } : {}),
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: configHash } },
        spec: {
          containers: [
            {
              name: service.name,
              ...(settings.connectionEnv.length > 0 ? { env: settings.connectionEnv } : {}),
              resources: settings.resources,
            },
          ],
        },
      },
    },
  };
  patches.push({ path: 'deployment-patch.yaml' });
  if (Object.keys(settings.environmentVariables).length > 0) {
    files['configmap-patch.yaml'] = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: service.name },
      data: settings.environmentVariables,
    };
    patches.push({ path: 'configmap-patch.yaml' });
  }
  files['kustomization.yaml'] = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: env.namespace,
    resources,
    ...(env.disruptionBudget ? { components: [options.disruptionBudgetPath] } : {}),
    labels: [{ pairs: { environment: env.name }, includeTemplates: true }],
    images: [{ name: service.image, ...pin }],
    patches,
  };
  return files;
}

/**
 * `overlays/<env>/kustomization.yaml`: every service of the environment, composed and nothing
 * more. Each sub-overlay already sets the namespace, so this level sets none: a kustomization
 * that only lists directories renders to their concatenation, which lets the validation gate
 * reuse their renders instead of rendering every object twice (see lib/validate/render-cache.ts).
 */
export function environmentOverlay(resources: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  };
}
