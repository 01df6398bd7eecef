import { StagecraftError } from '../core/errors';
import { Environment } from '../model/environment';
import { RolloutStrategy } from '../model/rollout-strategy';
import { Microservice } from '../constructs/microservice';
import { objectiveOf, requiredSuccessRatio, rolloutStrategyOf, successRatioQuery } from '../constructs/service-rollout';

const ROLLOUTS_API = 'argoproj.io/v1alpha1';

/** File of the Kustomize transformer configuration that teaches Kustomize the Rollout's fields. */
export const ROLLOUT_TRANSFORM_FILE = 'rollout-transform.yaml';

/** What a progressive rollout adds to one service overlay. */
export interface RolloutOverlay {
  /** Extra files by name (Rollout, AnalysisTemplate, preview Service, transformer configuration). */
  readonly files: Readonly<Record<string, unknown>>;
  /** Of those, the resources the kustomization lists. */
  readonly resources: readonly string[];
  /** Transformer configurations the kustomization lists. */
  readonly configurations: readonly string[];
  /** What the HorizontalPodAutoscaler scales. */
  readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** Whether the Rollout, not the Deployment, owns the replica count. */
  readonly rolloutOwnsReplicas: boolean;
}

/**
 * The Rollout of `service` in `env`, or undefined where the service rolls as a plain
 * Deployment. The Rollout points at the Deployment (`workloadRef`) instead of replacing it:
 * the base keeps the one pod template of every environment, so the overlay's image pin and
 * `deployment-patch.yaml` keep applying with Kustomize's built-in transformers, promotion and
 * parity read the same files, and the PodDisruptionBudget selects the Rollout's pods by the
 * same labels. Only the replica count moves: the Rollout (or the HPA, retargeted at it) owns
 * it, and Argo Rollouts scales the Deployment down once the Rollout is healthy.
 */
export function rolloutOverlay(service: Microservice, env: Environment): RolloutOverlay | undefined {
  const strategy = rolloutStrategyOf(service, env);
  if (!strategy.progressive) return undefined;
  const served = service.base.node.tryFindChild('service') !== undefined;
  if (!served && strategy.kind === 'blue-green') {
    throw new StagecraftError(
      `${service.node.path}/overrides/${env.name}`,
      `a blue-green rollout switches a Service between versions and a worker has none, got ${strategy.describe()}: use a canary or a rolling update`,
    );
  }
  const labels = { ...service.selectorLabels };
  // Nothing measured (no metrics endpoint, no scraping, a worker without an SLI): the canary runs on the pauses alone.
  const analysis = analysisTemplate(service, env, strategy);
  const templateName = analysis ? `${service.name}-${analysis.objectiveName}` : undefined;
  const replicas = service.settingsFor(env).scaling.replicas;
  const files: Record<string, unknown> = {
    'rollout.yaml': {
      apiVersion: ROLLOUTS_API,
      kind: 'Rollout',
      metadata: { name: service.name, labels },
      spec: {
        ...(replicas !== undefined ? { replicas } : {}),
        revisionHistoryLimit: 3,
        selector: { matchLabels: labels },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.name, scaleDown: 'onsuccess' },
        strategy: strategySpec(service, strategy, templateName),
      },
    },
  };
  const resources = ['rollout.yaml'];
  if (analysis) {
    files['analysis-template.yaml'] = analysis.template;
    resources.push('analysis-template.yaml');
  }
  if (strategy.kind === 'blue-green') {
    files['preview-service.yaml'] = previewService(service);
    resources.push('preview-service.yaml');
  }
  files[ROLLOUT_TRANSFORM_FILE] = ROLLOUT_TRANSFORM;
  return {
    files,
    resources: resources.sort(),
    configurations: [ROLLOUT_TRANSFORM_FILE],
    scaleTargetRef: { apiVersion: ROLLOUTS_API, kind: 'Rollout', name: service.name },
    rolloutOwnsReplicas: true,
  };
}

function strategySpec(service: Microservice, strategy: RolloutStrategy, templateName: string | undefined) {
  const templates = templateName ? { templates: [{ templateName }] } : undefined;
  if (strategy.kind === 'blue-green') {
    return {
      blueGreen: {
        activeService: service.name,
        previewService: previewName(service),
        autoPromotionEnabled: strategy.autoPromotionSeconds !== undefined,
        ...(strategy.autoPromotionSeconds !== undefined ? { autoPromotionSeconds: strategy.autoPromotionSeconds } : {}),
        scaleDownDelaySeconds: strategy.scaleDownDelaySeconds,
        // After the switch, so an analysis that fails switches traffic back to the old pods, still running.
        ...(templates ? { postPromotionAnalysis: templates } : {}),
      },
    };
  }
  return {
    canary: {
      // In the background from the first step on: a burn aborts the canary mid-pause, not only between steps.
      ...(templates ? { analysis: templates } : {}),
      steps: strategy.steps.flatMap((step) => [
        { setWeight: step.weight },
        { pause: step.pauseSeconds === undefined ? {} : { duration: step.pauseSeconds } },
      ]),
    },
  };
}

function analysisTemplate(service: Microservice, env: Environment, strategy: RolloutStrategy) {
  const verification = env.verification;
  const objective = objectiveOf(service, env);
  if (!verification || !objective) return undefined;
  const ratio = requiredSuccessRatio(objective);
  const template = {
    apiVersion: ROLLOUTS_API,
    kind: 'AnalysisTemplate',
    metadata: { name: `${service.name}-${objective.name}`, labels: { ...service.selectorLabels } },
    spec: {
      metrics: [
        {
          name: 'success-ratio',
          interval: verification.analysisInterval,
          // A canary's background analysis runs until the canary ends; a blue-green one must end by itself.
          ...(strategy.kind === 'blue-green' ? { count: verification.analysisCount } : {}),
          failureLimit: verification.analysisFailureLimit,
          // Neither condition holds for NaN (counters that did not move: no traffic): inconclusive, the rollout pauses for a human.
          // No target up gives no series: a measurement error, and Argo's consecutiveErrorLimit (4) errors the run and aborts.
          successCondition: `result[0] >= ${ratio}`,
          failureCondition: `result[0] < ${ratio}`,
          provider: {
            prometheus: {
              address: verification.prometheusAddress,
              query: successRatioQuery(objective, service.seriesIn(env), verification.analysisInterval),
            },
          },
        },
      ],
    },
  };
  return { template, objectiveName: objective.name };
}

function previewName(service: Microservice): string {
  return `${service.name}-preview`;
}

/** The preview Service of a blue-green rollout: the active Service's port; the controller adds the pod hash selector. */
function previewService(service: Microservice): Record<string, unknown> {
  const portName = service.protocol === 'grpc' ? 'grpc' : 'http';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: previewName(service), labels: { ...service.selectorLabels } },
    spec: {
      type: 'ClusterIP',
      selector: { ...service.selectorLabels },
      ports: [{ name: portName, port: service.port, targetPort: portName, protocol: 'TCP' }],
    },
  };
}

const rollout = (path: string, create = false) => ({
  group: 'argoproj.io',
  kind: 'Rollout',
  path,
  ...(create ? { create } : {}),
});
const templateSpecs = (...paths: string[]) => paths.map((p) => rollout(p));

/**
 * Kustomize's transformer configuration for Argo Rollouts' `Rollout`, which Kustomize does not
 * know: replica counts and labels reach it (Kustomize 5 already pins images at
 * `spec/template/spec/containers[]/image` of any kind, so an images entry needs nothing here;
 * listing it again is a conflicting fieldspec), and renamed Deployments, Services, AnalysisTemplates, ConfigMaps and Secrets (a
 * `namePrefix`, a hashed generator name) stay referenced by it and by an HPA that scales it.
 * Selector and template labels are never created: a `workloadRef` Rollout has no template.
 */
const ROLLOUT_TRANSFORM = {
  replicas: [rollout('spec/replicas', true)],
  commonLabels: templateSpecs('spec/selector/matchLabels', 'spec/template/metadata/labels'),
  templateLabels: templateSpecs('spec/template/metadata/labels'),
  nameReference: [
    { kind: 'Deployment', group: 'apps', fieldSpecs: templateSpecs('spec/workloadRef/name') },
    {
      kind: 'Service',
      version: 'v1',
      fieldSpecs: templateSpecs(
        'spec/strategy/blueGreen/activeService',
        'spec/strategy/blueGreen/previewService',
        'spec/strategy/canary/canaryService',
        'spec/strategy/canary/stableService',
      ),
    },
    {
      kind: 'AnalysisTemplate',
      group: 'argoproj.io',
      fieldSpecs: templateSpecs(
        'spec/strategy/canary/analysis/templates/templateName',
        'spec/strategy/canary/steps/analysis/templates/templateName',
        'spec/strategy/blueGreen/prePromotionAnalysis/templates/templateName',
        'spec/strategy/blueGreen/postPromotionAnalysis/templates/templateName',
      ),
    },
    {
      kind: 'Rollout',
      group: 'argoproj.io',
      fieldSpecs: [{ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name' }],
    },
    {
      kind: 'ConfigMap',
      version: 'v1',
      fieldSpecs: templateSpecs(
        'spec/template/spec/volumes/configMap/name',
        'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name',
        'spec/template/spec/containers/envFrom/configMapRef/name',
      ),
    },
    {
      kind: 'Secret',
      version: 'v1',
      fieldSpecs: templateSpecs(
        'spec/template/spec/volumes/secret/secretName',
        'spec/template/spec/containers/env/valueFrom/secretKeyRef/name',
        'spec/template/spec/containers/envFrom/secretRef/name',
      ),
    },
    {
      kind: 'ServiceAccount',
      version: 'v1',
      fieldSpecs: templateSpecs('spec/template/spec/serviceAccountName'),
    },
  ],
};
