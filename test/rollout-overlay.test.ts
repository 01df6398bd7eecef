import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { EnvironmentTable, Objective, Platform, RolloutStrategy, Scaling, synth, Worker } from '../lib';
import { rolloutOverlay } from '../lib/generators/rollout-overlay';
import { checkSchema } from '../lib/gate/schema';
import { kustomizeSync } from '../lib/kube/kubectl';
import { K8sObject } from '../lib/kube/object';
import { relay } from './fixtures/platforms/relay';
import { rolloutDocSections } from '../lib/generators/rollout-doc';
import { tempDir } from './support';

const root = tempDir();
synth(relay(new App()), { rootDir: root, outdir: 'dist', makefileRepoTargets: false });
const render = (env: string, service: string) => kustomizeSync(path.join(root, 'overlays', env, service));
const rendered = {
  stagingApi: render('staging', 'api'),
  prodApi: render('prod', 'api'),
  prodLedger: render('prod', 'ledger'),
};
const find = (objects: K8sObject[], kind: string, name: string): any => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
};

describe('canary in prod (the table), rendered by the real Kustomize', () => {
  const rollout = find(rendered.prodApi, 'Rollout', 'api');

  it('points the Rollout at the Deployment, in the namespace, with the steps and the analysis', () => {
    expect(rollout.metadata.namespace).toBe('relay-prod');
    expect(rollout.spec.workloadRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'api',
      scaleDown: 'onsuccess',
    });
    expect(rollout.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/part-of': 'relay',
    });
    expect(rollout.spec.template).toBeUndefined();
    expect(rollout.spec.strategy.canary).toEqual({
      analysis: { templates: [{ templateName: 'api-availability' }] },
      steps: [{ setWeight: 20 }, { pause: { duration: 300 } }, { setWeight: 50 }, { pause: { duration: 600 } }],
    });
  });

  it('keeps the image pin and the patches on the Deployment, and leaves the replicas to the HPA on the Rollout', () => {
    const deployment = find(rendered.prodApi, 'Deployment', 'api');
    expect(deployment.spec.template.spec.containers[0].image).toBe('relay/api:1.0.0');
    expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(rollout.spec.replicas).toBeUndefined();
    expect(find(rendered.prodApi, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'api',
    });
    const pdb = find(rendered.prodApi, 'PodDisruptionBudget', 'api');
    expect(pdb.spec.selector.matchLabels).toEqual(rollout.spec.selector.matchLabels);
  });

  it('derives the AnalysisTemplate from the objective: success ratio of the SLI at or above 99.9 % per interval', () => {
    const template = find(rendered.prodApi, 'AnalysisTemplate', 'api-availability');
    expect(template.spec.metrics).toEqual([
      {
        name: 'success-ratio',
        interval: '1m',
        failureLimit: 1,
        successCondition: 'result[0] >= 0.999',
        failureCondition: 'result[0] < 0.999',
        provider: {
          prometheus: {
            address: 'http://prometheus-operated.monitoring.svc:9090',
            query:
              '(1 - ((sum(rate(http_requests_total{job="api",namespace="relay-prod",code=~"5.."}[1m])) / ' +
              'sum(rate(http_requests_total{job="api",namespace="relay-prod"}[1m]))) or on() vector(0))) ' +
              'and on() (sum(up{job="api",namespace="relay-prod"}) > 0)',
          },
        },
      },
    ]);
  });

  it('leaves a rolling environment a plain Deployment with its replicas', () => {
    expect(rendered.stagingApi.filter((o) => o.kind === 'Rollout' || o.kind === 'AnalysisTemplate')).toEqual([]);
    expect(find(rendered.stagingApi, 'Deployment', 'api').spec.replicas).toBe(2);
    expect(fs.existsSync(path.join(root, 'overlays', 'staging', 'api', 'rollout-transform.yaml'))).toBe(false);
  });
});

describe('blue-green for one service (its override), rendered by the real Kustomize', () => {
  it('switches between the active and a preview Service manually, with a post-promotion analysis that ends', () => {
    const rollout = find(rendered.prodLedger, 'Rollout', 'ledger');
    expect(rollout.spec.strategy).toEqual({
      blueGreen: {
        activeService: 'ledger',
        previewService: 'ledger-preview',
        autoPromotionEnabled: false,
        scaleDownDelaySeconds: 300,
        postPromotionAnalysis: { templates: [{ templateName: 'ledger-availability' }] },
      },
    });
    const preview = find(rendered.prodLedger, 'Service', 'ledger-preview');
    expect(preview.spec.ports).toEqual([{ name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP' }]);
    expect(preview.spec.selector).toEqual(find(rendered.prodLedger, 'Service', 'ledger').spec.selector);
    const metric = find(rendered.prodLedger, 'AnalysisTemplate', 'ledger-availability').spec.metrics[0];
    expect(metric.count).toBe(5);
    expect(metric.provider.prometheus.query).toContain(
      'grpc_server_handled_total{job="ledger",namespace="relay-prod",grpc_code!="OK"}',
    );
  });

  it('promotes automatically after the delay the strategy gives', () => {
    const strategy = RolloutStrategy.blueGreen({ autoPromotionSeconds: 600, scaleDownDelaySeconds: 60 });
    expect([strategy.autoPromotionSeconds, strategy.scaleDownDelaySeconds, strategy.describe()]).toEqual([
      600,
      60,
      'blue-green, promoted after 600s',
    ]);
  });
});

// The gate's own index of the upstream CRDs (derived from ../shared/crds into imports/upstream/ by
// npm run derive-upstream, so this runs without ../shared).
describe('the Rollout and AnalysisTemplate against the upstream Argo Rollouts CRDs', () => {
  it('finds no schema problem and no unknown field in any rendered Rollout or AnalysisTemplate', () => {
    const objects = [...rendered.prodApi, ...rendered.prodLedger].filter(
      (o) => o.apiVersion === 'argoproj.io/v1alpha1',
    );
    expect(objects.map((o) => o.kind).sort()).toEqual(['AnalysisTemplate', 'AnalysisTemplate', 'Rollout', 'Rollout']);
    expect(objects.flatMap((o) => checkSchema(o).map((f) => `${o.kind}/${o.metadata.name}: ${f.message}`))).toEqual([]);
  });

  it('fails when a field the CRD does not define is rendered (the check can fail)', () => {
    const rollout = structuredClone(find(rendered.prodApi, 'Rollout', 'api'));
    rollout.spec.strategy.canary.steps.push({ setWeigth: 70 });
    expect(checkSchema(rollout).map((f) => f.message)).toEqual([
      'spec.strategy.canary.steps[4].setWeigth is not a field of this schema',
    ]);
  });
});

describe("the Rollout's Kustomize transformer configuration, with the real Kustomize", () => {
  const transform = fs.readFileSync(path.join(root, 'overlays', 'prod', 'api', 'rollout-transform.yaml'), 'utf8');

  it('renames the Deployment, AnalysisTemplate and Rollout references under a namePrefix on top of the overlay', () => {
    const dir = path.join(root, 'eu');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'rollout-transform.yaml'), transform);
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      stringify({ resources: ['../overlays/prod/api'], namePrefix: 'eu-', configurations: ['rollout-transform.yaml'] }),
    );
    const objects = kustomizeSync(dir);
    const rollout = find(objects, 'Rollout', 'eu-api');
    expect(rollout.spec.workloadRef.name).toBe('eu-api');
    expect(rollout.spec.strategy.canary.analysis.templates[0].templateName).toBe('eu-api-availability');
    expect(find(objects, 'HorizontalPodAutoscaler', 'eu-api').spec.scaleTargetRef.name).toBe('eu-api');
    expect(find(objects, 'Deployment', 'eu-api').metadata.name).toBe('eu-api');
  });

  it('applies images, replicas, labels and a patch to a Rollout that holds its pod template', () => {
    const dir = path.join(root, 'in-place');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'rollout-transform.yaml'), transform);
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'shop/web:1.0.0', envFrom: [{ configMapRef: { name: 'web' } }] }],
          },
        },
        strategy: { canary: { steps: [{ setWeight: 10 }] } },
      },
    };
    fs.writeFileSync(path.join(dir, 'rollout.yaml'), stringify(rollout));
    fs.writeFileSync(
      path.join(dir, 'patch.yaml'),
      stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'web' },
        spec: { strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }] } } },
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      stringify({
        resources: ['rollout.yaml'],
        configurations: ['rollout-transform.yaml'],
        namePrefix: 'blue-',
        labels: [{ pairs: { environment: 'prod' }, includeSelectors: true }],
        configMapGenerator: [{ name: 'web', literals: ['A=1'] }],
        images: [{ name: 'shop/web', newTag: '1.4.2' }],
        replicas: [{ name: 'web', count: 4 }],
        patches: [{ path: 'patch.yaml' }],
      }),
    );
    const objects = kustomizeSync(dir);
    const out = find(objects, 'Rollout', 'blue-web');
    const configMap = objects.find((o) => o.kind === 'ConfigMap')!.metadata.name;
    expect(configMap).toMatch(/^blue-web-[a-z0-9]+$/);
    expect(out.spec.replicas).toBe(4);
    expect(out.spec.selector.matchLabels).toEqual({ app: 'web', environment: 'prod' });
    expect(out.spec.template.metadata.labels).toEqual({ app: 'web', environment: 'prod' });
    expect(out.spec.template.spec.containers[0].image).toBe('shop/web:1.4.2');
    expect(out.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(configMap);
    expect(out.spec.strategy.canary.steps).toEqual([{ setWeight: 25 }, { pause: {} }]);
  });

  it('is needed: without it Kustomize refuses replicas for a Rollout and leaves its ConfigMap reference stale', () => {
    const dir = path.join(root, 'in-place');
    const kustomization = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
    delete kustomization.configurations;
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomization));
    expect(() => kustomizeSync(dir)).toThrow('resource with name web does not match a config with the following GVK');
    delete kustomization.replicas;
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify(kustomization));
    const out = find(kustomizeSync(dir), 'Rollout', 'blue-web');
    expect(out.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe('web');
    expect(out.spec.selector.matchLabels).toEqual({ app: 'web' });
  });
});

describe('a worker (no Service, no request SLI)', () => {
  const platform = (rollout: RolloutStrategy) =>
    new Platform(new App(), 'relay', {
      environments: new EnvironmentTable([
        {
          name: 'prod',
          namespace: 'relay-prod',
          scaling: Scaling.fixed(4),
          resources: { cpu: '100m', memory: '128Mi' },
          rollout,
          verification: { prometheusAddress: 'http://prom:9090', objective: Objective.availability(99.9) },
        },
      ]),
    });
  const worker = (p: Platform) =>
    new Worker(p, 'indexer', { image: 'relay/indexer', initialTag: '1.0.0', probeCommand: ['/bin/healthy'] });

  it('rolls out as a canary on its pauses alone, without an AnalysisTemplate', () => {
    const p = platform(RolloutStrategy.canary({ steps: [{ weight: 25 }] }));
    const overlay = rolloutOverlay(worker(p), p.environments.get('prod'))!;
    expect(overlay.resources).toEqual(['rollout.yaml']);
    expect((overlay.files['rollout.yaml'] as any).spec).toMatchObject({
      replicas: 4,
      strategy: { canary: { steps: [{ setWeight: 25 }, { pause: { duration: 300 } }] } },
    });
  });

  it('fails when a worker is given a blue-green rollout', () => {
    const p = platform(RolloutStrategy.blueGreen());
    expect(() => rolloutOverlay(worker(p), p.environments.get('prod'))).toThrow(
      '[relay/indexer/overrides/prod] a blue-green rollout switches a Service between versions and a worker has none, got blue-green, manual promotion: use a canary or a rolling update',
    );
  });
});

describe('the strategy and verification tables', () => {
  const envs = (prod: object) =>
    new EnvironmentTable([
      { name: 'staging', namespace: 's', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
      {
        name: 'prod',
        namespace: 'p',
        promotedFrom: 'staging',
        scaling: Scaling.fixed(1),
        resources: { cpu: '100m', memory: '128Mi' },
        ...prod,
      },
    ]);

  it('describes each strategy for the documentation', () => {
    expect(RolloutStrategy.rolling().describe()).toBe('rolling update');
    expect(RolloutStrategy.canary({ steps: [{ weight: 10 }, { weight: 50, pause: 'manual' }] }).describe()).toBe(
      'canary 10% 5m, 50% manual',
    );
    expect(RolloutStrategy.blueGreen().describe()).toBe('blue-green, manual promotion');
  });

  it('renders a manual pause as an indefinite Argo Rollouts pause', () => {
    const step = RolloutStrategy.canary({ steps: [{ weight: 50, pause: 'manual' }] }).steps[0];
    expect(step).toEqual({ weight: 50, pause: 'manual', pauseSeconds: undefined });
  });

  it('fails when the canary has no steps', () => {
    expect(() => RolloutStrategy.canary({ steps: [] })).toThrow(
      '[rollout] canary steps must hold at least one step such as { weight: 20, pause: "5m" }, got none',
    );
  });

  it('fails when canary weights do not increase', () => {
    expect(() => RolloutStrategy.canary({ steps: [{ weight: 50 }, { weight: 20 }] })).toThrow(
      '[rollout] canary steps[1].weight must be a whole number above 50 (the step before) and below 100, got 20',
    );
  });

  it('fails when a canary weight is 100', () => {
    expect(() => RolloutStrategy.canary({ steps: [{ weight: 100 }] })).toThrow(
      '[rollout] canary steps[0].weight must be a whole number above 0 (the step before) and below 100, got 100',
    );
  });

  it('fails when a pause is not a duration', () => {
    expect(() => RolloutStrategy.canary({ steps: [{ weight: 20, pause: '5 minutes' }] })).toThrow(
      '[rollout] canary steps[0].pause (or "manual") must be a Prometheus duration of one unit (s, m, h, d or w) such as 30s, 5m, 1h or 3d, got "5 minutes"',
    );
  });

  it('fails when the blue-green scale-down delay is too short', () => {
    expect(() => RolloutStrategy.blueGreen({ scaleDownDelaySeconds: 5 })).toThrow(
      "[rollout] blue-green scaleDownDelaySeconds must be a whole number >= 30 (Argo Rollouts' minimum for a safe switch), got 5",
    );
  });

  it('fails when the Prometheus address is not a URL', () => {
    expect(() =>
      envs({ verification: { prometheusAddress: 'prometheus:9090', objective: Objective.availability(99) } }),
    ).toThrow(
      '[environments/prod/verification] prometheusAddress must be an http(s) URL without query such as http://prometheus.monitoring.svc:9090, got "prometheus:9090"',
    );
  });

  it('fails when the analysis could never fail', () => {
    expect(() =>
      envs({
        verification: {
          prometheusAddress: 'http://prom:9090',
          objective: Objective.availability(99),
          analysisCount: 2,
          analysisFailureLimit: 2,
        },
      }),
    ).toThrow(
      '[environments/prod/verification] analysisFailureLimit must be below analysisCount (2) or no analysis could fail, got 2',
    );
  });

  it('fails when an environment requires verified versions from one that cannot be verified', () => {
    expect(() => envs({ requiresVerifiedSource: true })).toThrow(
      '[environments/prod] requiresVerifiedSource needs the environment it is promoted from to have verification settings, got staging without verification',
    );
  });
});

describe('ENVIRONMENTS.md says how each service rolls out and what verifies it', () => {
  const doc = fs.readFileSync(path.join(root, 'ENVIRONMENTS.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Rollouts and verification'));

  it('has the strategy and analysis of every service per environment, and the verification of each', () => {
    expect(section).toContain(
      '| api | rolling update | rolling update | canary 20% 5m, 50% 10m; analysis: availability ≥ 99.9% |\n' +
        '| ledger | rolling update | rolling update | blue-green, manual promotion; analysis: availability ≥ 99.9% |\n',
    );
    expect(section).toContain('- **Dev**: no verification settings.\n');
    expect(section).toContain(
      '- **Prod**: `npm run verify -- prod`: Argo CD sync and health, availability ≥ 99.9% over 30 min from http://prometheus-operated.monitoring.svc:9090; promotion into prod needs a passed verification in staging',
    );
  });

  it('says when a progressive service has no analysis, and why', () => {
    const p = new Platform(new App(), 'relay', {
      environments: new EnvironmentTable([
        {
          name: 'prod',
          namespace: 'relay-prod',
          scaling: Scaling.fixed(2),
          resources: { cpu: '100m', memory: '128Mi' },
          rollout: RolloutStrategy.canary({ steps: [{ weight: 25 }] }),
          verification: { prometheusAddress: 'http://prom:9090', objective: Objective.availability(99.9) },
        },
      ]),
    });
    new Worker(p, 'indexer', { image: 'relay/indexer', initialTag: '1.0.0', probeCommand: ['/bin/healthy'] });
    const [docSection] = rolloutDocSections(p.environments.deployed, p.services);
    expect(docSection.body).toContain(
      '| indexer | canary 25% 5m; no analysis (no metrics endpoint): steps advance on their pauses alone, verify checks Argo CD health only |',
    );
  });
});
