import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentProps,
  EnvironmentTable,
  JobGrant,
  JobTemplate,
  Microservice,
  NamespaceBundle,
  NetworkPolicyMode,
  Platform,
  Scaling,
} from '../lib';
import { render } from '../lib/synth/render';

const RESOURCES = { cpu: '100m', memory: '128Mi' };

function setup(namespaces: string[] = ['platform']) {
  const platform = new Platform(new App(), 'vision', {
    environments: new EnvironmentTable(
      namespaces.map((namespace, i) => ({
        name: `env${i}`,
        namespace,
        scaling: Scaling.fixed(1),
        resources: RESOURCES,
      })),
    ),
  });
  const backend = new Microservice(platform, 'backend', { image: 'vision/backend', port: 8000, initialTag: '1.0.0' });
  const bundle = new NamespaceBundle(platform, 'training', {
    namespace: 'training',
    initialTags: { 'vision/trainer': '1.0.0' },
  });
  return { platform, backend, bundle };
}

/** A GitOps platform over `rows`, with a backend and a trainer template in bundle `training`. */
function gitopsSetup(rows: Partial<EnvironmentProps>[]) {
  const platform = new Platform(new App(), 'vision', {
    environments: new EnvironmentTable(
      rows.map((row, i) => ({
        name: `env${i}`,
        namespace: 'platform',
        scaling: Scaling.fixed(1),
        resources: RESOURCES,
        ...row,
      })),
    ),
    gitops: { repoURL: 'https://git.example.com/vision.git' },
  });
  const backend = new Microservice(platform, 'backend', { image: 'vision/backend', port: 8000, initialTag: '1.0.0' });
  const bundle = new NamespaceBundle(platform, 'training', {
    namespace: 'training',
    initialTags: { 'vision/trainer': '1.0.0' },
  });
  return { platform, backend, bundle };
}

/** The objects of one rendered YAML file. */
function docs(files: Map<string, string>, file: string): any[] {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} was not rendered`);
  return parseAllDocuments(text).map((d) => d.toJSON());
}

describe('NamespaceBundle', () => {
  test('renders its base and one namespace-free overlay per environment, keeping an existing pin', () => {
    // GIVEN a bundle with a template and an overlay that already pins 1.1.0
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/trainer', resources: RESOURCES });
    // WHEN rendered
    const files = new Map(
      render(platform, { outdir: 'dist' }, (file, image) =>
        file === 'overlays/env0/training/kustomization.yaml' && image === 'vision/trainer'
          ? { newTag: '1.1.0' }
          : undefined,
      ).entries(),
    );
    // THEN the bundle has its own base and an overlay without a namespace transformer
    expect(files.get('dist/training/kustomization.yaml')).toContain('- cronjob-trainer.yaml');
    const overlay = files.get('overlays/env0/training/kustomization.yaml') ?? '';
    expect(overlay).not.toContain('namespace:');
    expect(overlay).toContain('newTag: 1.1.0');
  });

  test('fails when a template is in another namespace than its bundle', () => {
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'jobs', image: 'vision/trainer', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training/objects/trainer] namespace "jobs" differs from its bundle\'s; allowed: training',
    );
  });

  test('fails when a template image has no initial tag', () => {
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/other', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training] no initial tag for image "vision/other"; allowed: vision/trainer',
    );
  });

  test('fails when a granted service runs in another namespace in some environment', () => {
    const { platform, backend, bundle } = setup(['platform', 'platform-prod']);
    const template = new JobTemplate(bundle.chart, 'trainer', {
      namespace: 'training',
      image: 'vision/trainer',
      resources: RESOURCES,
    });
    new JobGrant(bundle.chart, 'grant', { template, service: backend, serviceNamespace: 'platform' });
    expect(() => render(platform)).toThrow(
      '[vision/training/objects/grant] serviceNamespace "platform" differs from environment "env1"\'s namespace "platform-prod"',
    );
  });

  test("gives the bundle a Namespace with the environment's Pod Security levels, quota and limits per environment", () => {
    // GIVEN a baseline environment and a restricted one, on two clusters
    const { platform, bundle } = gitopsSetup([
      { podSecurity: { enforce: 'baseline', warn: 'restricted' }, clusters: [{ name: 'dev' }] },
      { clusters: [{ name: 'prod' }] },
    ]);
    new JobTemplate(bundle.chart, 'trainer', {
      namespace: 'training',
      image: 'vision/trainer',
      resources: { cpu: '1', memory: '1Gi' },
      maxConcurrentJobs: 3,
    });
    // WHEN rendered
    const files = new Map(render(platform).entries());
    // THEN each overlay carries Namespace training with that environment's levels
    expect(docs(files, 'overlays/env0/training/namespace.yaml')[0].metadata).toEqual({
      name: 'training',
      labels: {
        'app.kubernetes.io/part-of': 'vision',
        'app.kubernetes.io/managed-by': 'stagecraft',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
      annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
    });
    expect(docs(files, 'overlays/env1/training/namespace.yaml')[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    // AND a quota for three Jobs of 1 CPU / 1Gi plus 25% (CPU rounded up to 100m), in training
    const quota = docs(files, 'overlays/env1/training/resourcequota.yaml')[0];
    expect(quota.metadata.namespace).toBe('training');
    expect(quota.spec.hard).toEqual({
      'limits.cpu': '3800m',
      'limits.memory': '3840Mi',
      persistentvolumeclaims: '0',
      pods: '4',
      'requests.cpu': '3800m',
      'requests.memory': '3840Mi',
      'requests.storage': '0Gi',
    });
    expect(docs(files, 'overlays/env1/training/limitrange.yaml')[0].spec.limits[0].max).toEqual({
      cpu: '1',
      memory: '1Gi',
    });
    expect(files.get('overlays/env1/training/kustomization.yaml')).toContain(
      'resources:\n  - limitrange.yaml\n  - namespace.yaml\n  - network-policies.yaml\n  - resourcequota.yaml\n  - ../../../dist/training\n',
    );
  });

  test('denies only ingress in an allow-namespace environment, and egress but DNS and dependsOn under default deny', () => {
    // GIVEN an allow-namespace environment and a default-deny one where postgres is managed outside
    const { platform, backend, bundle } = gitopsSetup([
      { networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE, clusters: [{ name: 'dev' }] },
      {
        clusters: [{ name: 'prod' }],
        datastores: {
          topologies: { postgres: DatastoreTopology.EXTERNAL },
          external: { postgres: { host: 'db.example.com', port: 5432 } },
        },
      },
    ]);
    const postgres = new Datastore(platform, 'postgres', { engine: DatastoreEngine.POSTGRESQL, database: 'ml' });
    new JobTemplate(bundle.chart, 'trainer', {
      namespace: 'training',
      image: 'vision/trainer',
      resources: RESOURCES,
      dependsOn: [backend, postgres],
    });
    const files = new Map(render(platform).entries());
    const names = (file: string) => docs(files, file).map((p) => p.metadata.name);
    // THEN dev's training has only the ingress deny
    expect(names('overlays/env0/training/network-policies.yaml')).toEqual(['default-deny-ingress']);
    // AND prod's denies egress, then lets the trainer reach DNS, the backend pods and postgres' port anywhere
    expect(names('overlays/env1/training/network-policies.yaml')).toEqual([
      'default-deny-ingress',
      'default-deny-egress',
      'allow-trainer-egress',
    ]);
    const egress = docs(files, 'overlays/env1/training/network-policies.yaml')[2].spec.egress;
    expect(egress.slice(1)).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform' } },
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'backend', 'app.kubernetes.io/part-of': 'vision' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    // AND in both environments the backend admits the trainer from training; dev's postgres too (in the cluster there)
    for (const env of ['env0', 'env1']) {
      const policies = docs(files, `overlays/${env}/shared/network-policies.yaml`);
      const admits = policies.filter((p) => p.metadata.name.startsWith('allow-training-')).map((p) => p.metadata.name);
      expect(admits).toEqual(
        env === 'env0'
          ? ['allow-training-trainer-to-backend', 'allow-training-trainer-to-postgres']
          : ['allow-training-trainer-to-backend'],
      );
    }
  });

  test('lists the bundle namespace in the AppProject and targets it with its own Application', () => {
    const { platform, bundle } = gitopsSetup([{ clusters: [{ name: 'dev' }] }]);
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/trainer', resources: RESOURCES });
    const files = new Map(render(platform).entries());
    const project = docs(files, 'argocd/apps/env0/project.yaml')[0].spec;
    expect(project.destinations).toEqual([
      { name: 'dev', namespace: 'platform' },
      { name: 'dev', namespace: 'training' },
    ]);
    expect(project.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'platform' },
      { group: '', kind: 'Namespace', name: 'training' },
    ]);
    expect(docs(files, 'argocd/apps/env0/training.yaml')[0]).toMatchObject({
      metadata: { name: 'vision-env0-training' },
      spec: {
        project: 'vision-env0',
        source: { path: 'overlays/env0/training' },
        destination: { name: 'dev', namespace: 'training' },
      },
    });
  });

  test('fails when two environments on one cluster would share the bundle namespace', () => {
    // GIVEN two environments that name no cluster: both are Argo CD's default server
    const { platform, bundle } = gitopsSetup([{ namespace: 'platform' }, { namespace: 'platform' }]);
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/trainer', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training] namespace "training" would be shared by environments env0, env1 on one cluster (server https://kubernetes.default.svc); allowed: one environment per cluster for a namespace bundle (give each environment its own cluster)',
    );
  });

  test('fails when a template may run fewer than one Job at once', () => {
    const { bundle } = setup();
    expect(
      () =>
        new JobTemplate(bundle.chart, 'trainer', {
          namespace: 'training',
          image: 'vision/trainer',
          resources: RESOURCES,
          maxConcurrentJobs: 0,
        }),
    ).toThrow('[vision/training/objects/trainer] maxConcurrentJobs must be >= 1, got 0');
  });

  test("fails when a cluster of an environment would change the bundle's objects", () => {
    // GIVEN an environment on two clusters, one of which sizes containers differently (the LimitRange default)
    const { platform, bundle } = gitopsSetup([
      { clusters: [{ name: 'eu' }, { name: 'us', resources: { cpu: '200m', memory: '256Mi' } }] },
    ]);
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/trainer', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training] cluster "us" of environment "env0" changes the bundle\'s namespace objects (its resources, or datastores.external of an endpoint the Jobs reach); allowed: cluster values that leave them as the environment\'s, as every cluster syncs overlays/env0/training',
    );
  });
});
