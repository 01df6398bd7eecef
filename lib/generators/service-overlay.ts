import { createHash } from 'crypto';
import * as path from 'path';
import { GENERATED_HEADER, toYaml } from '../core/yaml';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { Environment } from '../model/environment';
import { ImagePin } from '../kube/image-pin';
import { Microservice, ServiceSettings } from '../constructs/microservice';
import { RenderedObject } from '../constructs/service-customizer';
import { customization } from './service-customization';
import { KustomizationPatch } from './kustomization';
import { podScheduling } from '../constructs/pod-scheduling';
import { MONITOR_FILE, serviceMonitor } from './monitors';
import { tracingAnnotations } from './observability';
import { rolloutOverlay } from './rollout-overlay';
import { chartJson } from '../constructs/chart-json';

/** Annotation that changes whenever a service's configuration does, so pods roll. */
const CONFIG_HASH_ANNOTATION = 'stagecraft.dev/config-hash';

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
  /**
   * The image pin the overlay holds (kept from the existing file, or the initial tag); a
   * layered cluster overlay holds one only where a wave pinned the cluster apart.
   * @default - no pin: the layered overlay renders the environment's
   */
  readonly pin?: ImagePin;
  /** Path of the service's base, relative to the overlay directory. */
  readonly basePath: string;
  /**
   * Path of the environment's overlay of the service, relative to the overlay directory, when
   * this is one cluster's overlay layered over it: it then patches only what the cluster
   * changes (scaling, resources, variables and the config hash) and keeps the environment's
   * namespace, labels, disruption budget and, unless `pin` is set, its image pin.
   * @default - not layered: the overlay is built on the base
   */
  readonly layeredOver?: string;
  /** Path of the service's PodDisruptionBudget component, relative to the overlay directory. */
  readonly disruptionBudgetPath: string;
  /** Platform name: the Instrumentation the pods' inject annotation names. */
  readonly platform: string;
}

/** The files of one service overlay, by file name, as plain objects ready to serialize. */
function serviceOverlay(options: ServiceOverlayOptions): Record<string, unknown> {
  const { service, env, settings, pin } = options;
  const files: Record<string, unknown> = {};
  const layered = options.layeredOver !== undefined;
  const resources = [options.layeredOver ?? options.basePath];
  const patches: (string | KustomizationPatch)[] = [];
  const autoscale = settings.scaling.autoscale;
  const rollout = rolloutOverlay(service, env);
  if (autoscale) {
    // Over the environment's overlay the HPA exists already: the cluster's bounds patch it.
    (layered ? patches : resources).push('hpa.yaml');
    files['hpa.yaml'] = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: service.name, labels: { ...service.selectorLabels } },
      spec: {
        scaleTargetRef: rollout?.scaleTargetRef ?? { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name },
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
      ...(settings.scaling.replicas !== undefined && !rollout?.rolloutOwnsReplicas
        ? { replicas: settings.scaling.replicas }
        : {}),
      template: {
        metadata: {
          annotations: { [CONFIG_HASH_ANNOTATION]: configHash, ...tracingAnnotations(options.platform, env) },
        },
        spec: {
          ...podScheduling(env.scheduling, service.selectorLabels, settings.scaling.maxReplicas),
          containers: [
            {
              name: service.containerName,
              imagePullPolicy: env.scheduling.imagePullPolicy,
              ...(settings.connectionEnv.length > 0 ? { env: settings.connectionEnv } : {}),
              resources: settings.resources,
            },
          ],
        },
      },
    },
  };
  patches.push('deployment-patch.yaml');
  if (Object.keys(settings.environmentVariables).length > 0) {
    files['configmap-patch.yaml'] = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: service.name },
      data: settings.environmentVariables,
    };
    patches.push('configmap-patch.yaml');
  }
  if (layered) {
    // A cluster's overlay sits over its environment's, which already carries the service's
    // customization: only the cluster's own values (and a wave pin) are patched here.
    files['kustomization.yaml'] = kustomization({
      resources,
      images: pin ? [{ name: service.image, ...pin }] : [],
      patches: [...patches].sort(),
    });
    return files;
  }
  if (rollout) {
    Object.assign(files, rollout.files);
    resources.push(...rollout.resources);
  }
  const monitor = serviceMonitor(service, env);
  if (monitor) {
    resources.push(MONITOR_FILE);
    files[MONITOR_FILE] = monitor;
  }
  const custom = customization(service, env, {
    settings,
    podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash },
    extra: [
      ...(files['hpa.yaml'] ? [files['hpa.yaml'] as RenderedObject] : []),
      ...(env.disruptionBudget ? (chartJson(service.disruptionBudget) as RenderedObject[]) : []),
    ],
  });
  Object.assign(files, custom.files);
  resources.push(...custom.resources);
  patches.push(...custom.patches);
  files['kustomization.yaml'] = kustomization({
    namespace: env.namespace,
    resources,
    components: env.disruptionBudget ? [options.disruptionBudgetPath] : [],
    configurations: rollout?.configurations,
    labels: { environment: env.name },
    images: [{ name: service.image, ...pin }],
    patches,
  });
  return files;
}

const OVERLAY_HEADER =
  '# Generated by `npm run synth` from main.ts. Only images[].newTag and digest are edited,\n' +
  '# by `npm run set-image` and `npm run promote`; synth keeps them. Change the rest in the model.\n';

/**
 * `overlays/<env>/<service>/` for every service that runs in each environment, and
 * `overlays/<env>/clusters/<cluster>/<service>/` layered over it for each cluster of an
 * environment that spans several.
 */
export const serviceOverlays: Generator = (view, files) => {
  const { outdir, overlaysDir } = view.layout;
  for (const placement of view.environments.environments.flatMap((e) => view.placementsOf(e))) {
    const env = placement.env;
    for (const service of view.servicesIn(env)) {
      const dir = path.posix.join(placement.dir, service.name);
      const pin = placement.layered ? view.clusterPinOf(env, service) : view.pinOf(env, service);
      const overlay = serviceOverlay({
        service,
        env,
        settings: service.settingsFor(env),
        shared: view.sharedConfig?.consumedBy(service) ? view.sharedConfig.fingerprint(env) : undefined,
        ...(pin ? { pin } : {}),
        basePath: path.posix.relative(dir, path.posix.join(outdir, service.name)),
        disruptionBudgetPath: path.posix.relative(dir, path.posix.join(outdir, service.name, 'components', 'pdb')),
        ...(placement.layered
          ? { layeredOver: path.posix.relative(dir, path.posix.join(overlaysDir, env.name, service.name)) }
          : {}),
        platform: view.name,
      });
      for (const [name, content] of Object.entries(overlay)) {
        files.add(
          path.posix.join(dir, name),
          toYaml(content, name === 'kustomization.yaml' ? OVERLAY_HEADER : GENERATED_HEADER),
        );
      }
    }
  }
};
