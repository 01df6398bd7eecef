import * as path from 'path';
import { App } from 'cdk8s';
import { K8sObject, kustomizeSync } from '../../lib';
import { readTree, tempDir } from '../../test/support';
import { celeryPlatform } from './platform';

const root = tempDir('celery-platform-');
celeryPlatform(new App()).synth({ rootDir: root, outdir: 'dist' });

function render(env: string): K8sObject[] {
  return kustomizeSync(path.join(root, 'overlays', env));
}
function find(objects: K8sObject[], kind: string, name: string): any {
  return objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
}

describe('celery-platform example (seed 004)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  // seed: workers 1/2/3/5+, retention 1/3/7/30 days, PgBouncer from development on, Redis cluster in production
  test.each([
    ['local', 1, undefined, '86400', 'postgresql://celery@postgres:5432/celery', 'redis://redis:6379/0'],
    ['development', 2, undefined, '259200', 'postgresql://celery@pgbouncer:6432/celery', 'redis://redis:6379/0'],
    ['staging', 3, undefined, '604800', 'postgresql://celery@pgbouncer:6432/celery', 'redis://redis:6379/0'],
    ['preprod', 5, undefined, '2592000', 'postgresql://celery@pgbouncer:6432/celery', 'redis://redis-cluster:6379/0'],
    [
      'production',
      undefined,
      5,
      '2592000',
      'postgresql://celery@pgbouncer:6432/celery',
      'redis://redis-cluster:6379/0',
    ],
  ])('%s renders workers %s (HPA min %s), retention %s s, %s, %s', (env, replicas, hpaMin, expires, db, redis) => {
    // GIVEN the environment overlay WHEN rendered with the real Kustomize
    const objects = render(env);
    // THEN the worker runs the seed's count and both services get the seed's values
    const worker = find(objects, 'Deployment', 'worker');
    expect(worker.metadata.namespace).toBe(`celery-${env}`);
    expect(worker.spec.replicas).toBe(replicas);
    expect(find(objects, 'HorizontalPodAutoscaler', 'worker')?.spec.minReplicas).toBe(hpaMin);
    expect(find(objects, 'Service', 'worker')).toBeUndefined();
    expect(find(objects, 'Service', 'web').spec.ports[0].port).toBe(8000);
    for (const service of ['web', 'worker']) {
      const config = find(objects, 'ConfigMap', service).data;
      expect(config.ENVIRONMENT).toBe(env);
      expect(config.CELERY_RESULT_EXPIRES).toBe(expires);
      expect(config.DATABASE_URL).toBe(db);
      expect(config.REDIS_URL).toBe(redis);
    }
  });

  test('secrets reach the pods only by reference: Infisical ExternalSecrets in the cloud, .env locally', () => {
    for (const env of ['local', 'development', 'staging', 'preprod', 'production']) {
      const objects = render(env);
      // No secret key in any ConfigMap.
      const configMaps = JSON.stringify(objects.filter((o) => o.kind === 'ConfigMap'));
      for (const key of ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'PGPASSWORD'])
        expect(configMaps).not.toContain(key);
      // Every workload reads them from celery-secrets.
      for (const d of objects.filter((o) => o.kind === 'Deployment') as any[]) {
        const refs = d.spec.template.spec.containers[0].env
          .filter((e: any) => e.valueFrom)
          .map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.name}`);
        expect(refs).toEqual(
          ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_STORAGE_ACCOUNT', 'AZURE_TENANT_ID', 'PGPASSWORD'].map(
            (k) => `celery-secrets/${k}`,
          ),
        );
      }
      const external = objects.filter((o) => o.kind === 'ExternalSecret') as any[];
      if (env === 'local') expect(external).toEqual([]);
      else {
        expect(external.map((e) => [e.metadata.name, e.spec.secretStoreRef.name])).toEqual([
          ['celery-secrets', env === 'production' ? 'infisical-azure-key-vault' : 'infisical'],
        ]);
      }
    }
  });
});
