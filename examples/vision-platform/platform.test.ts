import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { App } from 'cdk8s';
import { synth } from '../../lib';
import { kustomizeSync } from '../../lib/kube/kubectl';
import { DNS_EGRESS_RULE, readTree, tempDir } from '../../test/support';
import { visionPlatform } from './platform';
import { K8sObject } from '../../lib/kube/object';

const root = tempDir('vision-platform-');
synth(visionPlatform(new App()), { rootDir: root, outdir: 'dist' });

function find(objects: K8sObject[], kind: string, name: string): any {
  return objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
}

describe('vision-platform example (seed 002)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  test.each([
    ['kind', 'minio'],
    ['prod', 'r2'],
  ])('%s runs frontend and backend in platform with EXECUTION_MODE kubernetes and STORAGE_TYPE %s', (env, storage) => {
    // GIVEN the environment overlay WHEN rendered with the real Kustomize
    const objects = kustomizeSync(path.join(root, 'overlays', env));
    // THEN both services live in platform and only the backend may talk to the API
    for (const service of ['frontend', 'backend']) {
      expect(find(objects, 'Deployment', service).metadata.namespace).toBe('platform');
    }
    expect(find(objects, 'ConfigMap', 'platform-config').data).toMatchObject({
      EXECUTION_MODE: 'kubernetes',
      STORAGE_TYPE: storage,
    });
    expect(find(objects, 'Deployment', 'backend').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'Deployment', 'frontend').spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(objects.some((o) => (o.metadata as { namespace?: string }).namespace === 'training')).toBe(false);
  });

  test.each([
    [
      'kind',
      {
        DATABASE_URL: 'postgresql://postgres:5432/platform',
        REDIS_URL: 'redis://redis:6379/0',
        S3_ENDPOINT: 'http://minio:9000',
        STORAGE_TYPE: 'minio',
      },
    ],
    [
      'prod',
      {
        // Managed PostgreSQL, Redis in the cluster, Cloudflare R2.
        DATABASE_URL: 'postgresql://db.example.com:5432/platform',
        REDIS_URL: 'redis://redis:6379/0',
        S3_ENDPOINT: 'https://7c1f2e9a4b3d5e6f.r2.cloudflarestorage.com',
        STORAGE_TYPE: 'r2',
      },
    ],
  ])('%s has one shared ConfigMap platform-config in platform with the seed values', (env, tier) => {
    // GIVEN the environment overlay WHEN rendered with the real Kustomize
    const objects = kustomizeSync(path.join(root, 'overlays', env));
    // THEN exactly one platform-config exists, in platform, with the tier's values and URLs
    // derived from the datastores, without user or password
    const configs = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'platform-config');
    expect(configs.map((o) => o.metadata.namespace)).toEqual(['platform']);
    expect(configs[0].data).toEqual({
      BACKEND_BASE_URL: 'http://backend:8000',
      EXECUTION_MODE: 'kubernetes',
      JWT_ALGORITHM: 'HS256',
      ...tier,
    });
    // The services' own ConfigMaps no longer carry the tier's values.
    expect(find(objects, 'ConfigMap', 'backend').data ?? {}).toEqual({});
  });

  test.each(['kind', 'prod'])(
    '%s: frontend and backend read platform-config and Secret platform-secrets by name',
    (env) => {
      const objects = kustomizeSync(path.join(root, 'overlays', env));
      for (const service of ['frontend', 'backend']) {
        const container = find(objects, 'Deployment', service).spec.template.spec.containers[0];
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'platform-config' } },
          { secretRef: { name: 'platform-secrets' } },
          { configMapRef: { name: service } },
        ]);
      }
      // No Secret object is ever rendered with data: kind creates it by hand, prod syncs it.
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      const external = find(objects, 'ExternalSecret', 'platform-secrets');
      if (env === 'kind') {
        expect(external).toBeUndefined();
      } else {
        expect(external.metadata.namespace).toBe('platform');
        expect(external.spec.secretStoreRef).toEqual({ name: 'onepassword', kind: 'ClusterSecretStore' });
        expect(external.spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual([
          'ANTHROPIC_API_KEY',
          'JWT_SECRET',
          'OPENAI_API_KEY',
        ]);
      }
    },
  );

  test("the shared configuration is part of each consumer's config hash, so its pods roll", () => {
    const hash = (env: string, service: string) =>
      find(kustomizeSync(path.join(root, 'overlays', env)), 'Deployment', service).spec.template.metadata.annotations[
        'stagecraft.dev/config-hash'
      ];
    // The frontend's own variables are the same in kind and prod; only STORAGE_TYPE differs.
    expect(hash('kind', 'frontend')).not.toEqual(hash('prod', 'frontend'));
  });

  test.each(['kind', 'prod'])(
    '%s gives the backend only Secret references in env (object-store keys, datastore credentials), the frontend none',
    (env) => {
      const objects = kustomizeSync(path.join(root, 'overlays', env));
      const ref = (name: string, secret: string, key: string) => ({
        name,
        valueFrom: { secretKeyRef: { name: secret, key } },
      });
      const credentials = [
        ref('POSTGRES_USERNAME', 'postgres-credentials', 'username'),
        ref('POSTGRES_PASSWORD', 'postgres-credentials', 'password'),
        ref('REDIS_PASSWORD', 'redis-credentials', 'password'),
      ];
      // S3_ENDPOINT is in platform-config only: each key is defined once.
      expect(find(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env).toEqual([
        ref('AWS_ACCESS_KEY_ID', 'minio-credentials', 'username'),
        ref('AWS_SECRET_ACCESS_KEY', 'minio-credentials', 'password'),
        ...credentials,
      ]);
      // The frontend reads platform-config but is not connected: no credentials reach it.
      expect(find(objects, 'Deployment', 'frontend').spec.template.spec.containers[0].env).toBeUndefined();
    },
  );

  test.each([
    ['kind', ['minio', 'postgres', 'redis']],
    ['prod', ['redis']],
  ])('%s runs the datastores %j as single StatefulSets in platform', (env, names) => {
    const objects = kustomizeSync(path.join(root, 'overlays', env));
    // THEN PostgreSQL and MinIO run in kind only (managed and R2 in prod), Redis in both
    const statefulSets = objects.filter((o) => o.kind === 'StatefulSet');
    expect(statefulSets.map((o) => o.metadata.name).sort()).toEqual(names);
    expect(statefulSets.map((o) => o.metadata.namespace)).toEqual(names.map(() => 'platform'));
    const services = objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name);
    expect(services.sort()).toEqual(['backend', 'frontend', ...names.flatMap((n) => [n, `${n}-headless`])].sort());
    if (env === 'kind') {
      const postgres = find(objects, 'StatefulSet', 'postgres').spec.template.spec.containers[0];
      expect(postgres.env).toContainEqual({ name: 'POSTGRES_DB', value: 'platform' });
      expect(postgres.resources).toEqual({
        requests: { cpu: '250m', memory: '512Mi' },
        limits: { cpu: '250m', memory: '512Mi' },
      });
    }
    // No workload of any kind for PostgreSQL in prod.
    expect(objects.filter((o) => o.metadata.name === 'postgres')).toEqual(env === 'kind' ? expect.anything() : []);
  });

  test.each(['kind', 'prod'])(
    '%s network policies let the backend reach exactly what platform-config points it at, the frontend nothing but DNS (and the trace collector where prod traces)',
    (env) => {
      const objects = kustomizeSync(path.join(root, 'overlays', env));
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      const policy = (name: string) => policies.find((p) => p.metadata.name === name) as any;
      const pods = (name: string) => ({
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'vision-platform' },
        },
      });
      const inCluster = env === 'kind' ? ['postgres', 'redis', 'minio'] : ['redis'];
      for (const service of ['backend']) {
        // Ingress to each in-cluster datastore from the service
        for (const datastore of inCluster) {
          expect(policy(`allow-${service}-to-${datastore}`).spec.ingress[0].from).toEqual([pods(service)]);
        }
        // Egress (DNS is allow-dns-egress, for every pod): each datastore, by port (its pods in the
        // cluster, the managed port anywhere in prod), and the API server, as the backend creates Jobs
        const anywhere = (...ports: number[]) => ({
          to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
          ports: ports.map((port) => ({ protocol: 'TCP', port })),
        });
        const pod = (name: string, port: number) => ({ to: [pods(name)], ports: [{ protocol: 'TCP', port }] });
        const egress = [...policy(`allow-${service}-egress`).spec.egress].sort(
          (a: any, b: any) => a.ports[0].port - b.ports[0].port,
        );
        // prod traces: the OTLP port of the collector (Tempo), in any namespace
        const collector = { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4317 }] };
        const apiServer = anywhere(443, 6443);
        expect(egress).toEqual(
          env === 'kind'
            ? [apiServer, pod('postgres', 5432), pod('redis', 6379), pod('minio', 9000)]
            : [anywhere(443), apiServer, collector, anywhere(5432), pod('redis', 6379)],
        );
      }
      if (env === 'prod') expect(policy('allow-backend-to-postgres')).toBeUndefined();
      // Every pod resolves names through kube-system's kube-dns, and nothing else by that policy.
      expect(policy('allow-dns-egress').spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [DNS_EGRESS_RULE],
      });
      // Least privilege: the frontend, a consumer of platform-config but not of its connections,
      // reaches nothing but DNS (and the collector where prod traces).
      expect(policies.filter((p) => p.metadata.name.startsWith('allow-frontend-to-'))).toEqual([]);
      if (env === 'prod') {
        expect(policy('allow-frontend-egress').spec.egress.map((e: any) => e.ports[0].port)).toEqual([4317]);
      } else expect(policy('allow-frontend-egress')).toBeUndefined();
    },
  );

  test.each(['kind', 'prod'])(
    '%s/training holds the trainer template (2 CPU / 4Gi, limits 4 / 8Gi) and the backend grant',
    (env) => {
      // GIVEN the training overlay WHEN rendered with the real Kustomize
      const objects = kustomizeSync(path.join(root, 'overlays', env, 'training'));
      // THEN every object stays in training and the Job template matches the seed
      expect(objects.map((o) => [o.kind, (o.metadata as { name: string }).name, o.metadata.namespace])).toEqual([
        ['Namespace', 'training', undefined],
        ['ResourceQuota', 'platform-quota', 'training'],
        ['Role', 'backend-runs-trainer', 'training'],
        ['RoleBinding', 'backend-runs-trainer', 'training'],
        ['LimitRange', 'platform-limits', 'training'],
        ['CronJob', 'trainer', 'training'],
        ['NetworkPolicy', 'allow-trainer-egress', 'training'],
        ['NetworkPolicy', 'default-deny-egress', 'training'],
        ['NetworkPolicy', 'default-deny-ingress', 'training'],
      ]);
      const cronJob = find(objects, 'CronJob', 'trainer');
      const pod = cronJob.spec.jobTemplate.spec.template.spec;
      expect(cronJob.spec.suspend).toBe(true);
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.containers[0].image).toBe('vision-platform/trainer:0.1.0');
      expect(pod.containers[0].resources).toEqual({
        requests: { cpu: '2', memory: '4Gi' },
        limits: { cpu: '4', memory: '8Gi' },
      });
      expect(find(objects, 'Role', 'backend-runs-trainer').rules).toEqual([
        { apiGroups: ['batch'], resources: ['cronjobs'], resourceNames: ['trainer'], verbs: ['get'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
      ]);
      expect(find(objects, 'RoleBinding', 'backend-runs-trainer').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'backend', namespace: 'platform' },
      ]);
      expect(find(objects, 'CronJob', 'trainer').metadata.labels.environment).toBe(env);
    },
  );

  test.each(['kind', 'prod'])('%s/training has its own Namespace with the restricted Pod Security labels', (env) => {
    const objects = kustomizeSync(path.join(root, 'overlays', env, 'training'));
    expect(find(objects, 'Namespace', 'training').metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'stagecraft',
      'app.kubernetes.io/part-of': 'vision-platform',
      environment: env,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    // Sized for one trainer Job at 4 CPU / 8Gi, plus the 25% headroom; no claims.
    expect(find(objects, 'ResourceQuota', 'platform-quota').spec.hard).toMatchObject({
      'limits.cpu': '5',
      'limits.memory': '10Gi',
      pods: '2',
      persistentvolumeclaims: '0',
    });
    expect(find(objects, 'LimitRange', 'platform-limits').spec.limits[0].max).toEqual({ cpu: '4', memory: '8Gi' });
    expect(find(objects, 'NetworkPolicy', 'default-deny-ingress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
  });

  test.each(['kind', 'prod'])(
    '%s/training denies egress but the DNS and the backend, which admits the trainer',
    (env) => {
      const trainer = { 'app.kubernetes.io/name': 'trainer', 'app.kubernetes.io/component': 'job' };
      const objects = kustomizeSync(path.join(root, 'overlays', env, 'training'));
      expect(find(objects, 'NetworkPolicy', 'default-deny-egress').spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
      });
      const egress = find(objects, 'NetworkPolicy', 'allow-trainer-egress').spec;
      expect(egress.podSelector).toEqual({ matchLabels: trainer });
      expect(egress.egress.map((e: any) => e.ports.map((p: any) => p.port))).toEqual([[53, 53], [8000]]);
      expect(egress.egress[1].to).toEqual([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform' } },
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'backend', 'app.kubernetes.io/part-of': 'vision-platform' },
          },
        },
      ]);
      // The backend, in the environment's namespace, admits the trainer's Jobs from training on its port only.
      const shared = kustomizeSync(path.join(root, 'overlays', env, 'shared'));
      expect(find(shared, 'NetworkPolicy', 'allow-training-trainer-to-backend').spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'training' } },
              podSelector: { matchLabels: trainer },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8000 }],
        },
      ]);
    },
  );

  test('prod reads 1Password through a ClusterSecretStore admitting namespace platform only; kind has none', () => {
    const objects = kustomizeSync(path.join(root, 'overlays', 'prod'));
    const store = find(objects, 'ClusterSecretStore', 'onepassword');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.conditions).toEqual([{ namespaces: ['platform'] }]);
    expect(store.spec.provider.onepassword.auth.secretRef.connectTokenSecretRef).toEqual({
      namespace: 'onepassword',
      name: 'onepassword-connect-token',
      key: 'token',
    });
    expect(
      objects.filter((o) => o.kind === 'ExternalSecret').map((o: any) => [o.metadata.name, o.spec.secretStoreRef]),
    ).toEqual(
      ['minio-credentials', 'platform-secrets', 'postgres-credentials', 'redis-credentials'].map((name) => [
        name,
        { name: 'onepassword', kind: 'ClusterSecretStore' },
      ]),
    );
    expect(fs.existsSync(path.join(root, 'overlays', 'kind', 'secret-store'))).toBe(false);
  });

  test('Argo CD deploys prod to its own cluster, vision-prod, fenced by the prod AppProject', () => {
    const read = (file: string): any => parse(fs.readFileSync(path.join(root, 'argocd', file), 'utf8'));
    expect(read('apps/prod/backend.yaml').spec).toMatchObject({
      project: 'vision-platform-prod',
      source: { path: 'overlays/prod/backend' },
      destination: { name: 'vision-prod', namespace: 'platform' },
    });
    const project = read('apps/prod/project.yaml').spec;
    expect(project.destinations).toEqual([
      { name: 'vision-prod', namespace: 'platform' },
      { name: 'vision-prod', namespace: 'training' },
    ]);
    expect(project.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'platform' },
      { group: '', kind: 'Namespace', name: 'training' },
      { group: 'external-secrets.io', kind: 'ClusterSecretStore', name: 'onepassword' },
    ]);
    expect(read('apps/prod/training.yaml').spec).toMatchObject({
      project: 'vision-platform-prod',
      source: { path: 'overlays/prod/training' },
      destination: { name: 'vision-prod', namespace: 'training' },
    });
    expect(read('apps/kind/project.yaml').spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'platform' },
      { server: 'https://kubernetes.default.svc', namespace: 'training' },
    ]);
  });

  test('the backend is scraped in both clusters; prod alerts and traces to Tempo (seed 002: Prometheus, Grafana, Tempo)', () => {
    for (const env of ['kind', 'prod']) {
      const monitor = find(kustomizeSync(path.join(root, 'overlays', env, 'backend')), 'ServiceMonitor', 'backend');
      expect(monitor.spec.endpoints).toEqual([
        { port: 'http', path: '/metrics', interval: env === 'kind' ? '60s' : '30s' },
      ]);
    }
    const shared = kustomizeSync(path.join(root, 'overlays', 'prod', 'shared'));
    expect(find(shared, 'PrometheusRule', 'vision-platform').spec.groups.map((g: { name: string }) => g.name)).toEqual([
      'vision-platform-workloads',
    ]);
    expect(find(shared, 'Instrumentation', 'vision-platform').spec.exporter).toEqual({
      endpoint: 'http://tempo.monitoring.svc:4317',
    });
    const kind = kustomizeSync(path.join(root, 'overlays', 'kind', 'shared'));
    expect(kind.some((o) => o.kind === 'PrometheusRule' || o.kind === 'Instrumentation')).toBe(false);
  });
});
