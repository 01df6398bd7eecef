import * as path from 'path';
import { App } from 'cdk8s';
import { K8sObject, kustomizeSync } from '../../lib';
import { readTree, tempDir } from '../../test/support';
import { visionPlatform } from './platform';

const root = tempDir('vision-platform-');
visionPlatform(new App()).synth({ rootDir: root, outdir: 'dist' });

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
    ['kind', 'minio'],
    ['prod', 'r2'],
  ])('%s has one shared ConfigMap platform-config in platform with the seed values', (env, storage) => {
    // GIVEN the environment overlay WHEN rendered with the real Kustomize
    const objects = kustomizeSync(path.join(root, 'overlays', env));
    // THEN exactly one platform-config exists, in platform, with the tier's values
    const configs = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'platform-config');
    expect(configs.map((o) => o.metadata.namespace)).toEqual(['platform']);
    expect(configs[0].data).toEqual({
      BACKEND_BASE_URL: 'http://backend:8000',
      EXECUTION_MODE: 'kubernetes',
      JWT_ALGORITHM: 'HS256',
      STORAGE_TYPE: storage,
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

  test.each([
    ['kind', 'http://minio:9000'],
    ['prod', 'https://7c1f2e9a4b3d5e6f.r2.cloudflarestorage.com'],
  ])(
    '%s points the backend at its object store (MinIO in kind, R2 in prod), keys by Secret reference',
    (env, endpoint) => {
      const objects = kustomizeSync(path.join(root, 'overlays', env));
      const backendEnv = find(objects, 'Deployment', 'backend').spec.template.spec.containers[0].env;
      expect(backendEnv).toEqual([
        { name: 'S3_ENDPOINT', value: endpoint },
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'username' } } },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'password' } } },
      ]);
      // MinIO runs in kind only; prod has no object-store pods of its own.
      expect(objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name)).toEqual(
        env === 'kind' ? ['minio'] : [],
      );
    },
  );

  test.each(['kind', 'prod'])(
    '%s/training holds the trainer template (2 CPU / 4Gi, limits 4 / 8Gi) and the backend grant',
    (env) => {
      // GIVEN the training overlay WHEN rendered with the real Kustomize
      const objects = kustomizeSync(path.join(root, 'overlays', env, 'training'));
      // THEN every object stays in training and the Job template matches the seed
      expect(objects.map((o) => [o.kind, (o.metadata as { namespace: string }).namespace])).toEqual([
        ['Role', 'training'],
        ['RoleBinding', 'training'],
        ['CronJob', 'training'],
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
});
