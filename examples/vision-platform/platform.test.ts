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
    expect(find(objects, 'ConfigMap', 'backend').data).toMatchObject({
      EXECUTION_MODE: 'kubernetes',
      STORAGE_TYPE: storage,
    });
    expect(find(objects, 'Deployment', 'backend').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'Deployment', 'frontend').spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(objects.some((o) => (o.metadata as { namespace?: string }).namespace === 'training')).toBe(false);
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
