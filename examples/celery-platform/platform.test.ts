import * as path from 'path';
import { App } from 'cdk8s';
import { checkRequiredVariables, synth } from '../../lib';
import { kustomizeSync } from '../../lib/kube/kubectl';
import { readTree, tempDir } from '../../test/support';
import { celeryPlatform, REQUIRED } from './platform';
import { K8sObject } from '../../lib/kube/object';

const root = tempDir('celery-platform-');
synth(celeryPlatform(new App()), { rootDir: root, outdir: 'dist' });

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

  // seed: workers 1/2/3/5+, retention 1/3/7/30 days
  test.each([
    ['local', 1, undefined, '86400'],
    ['development', 2, undefined, '259200'],
    ['staging', 3, undefined, '604800'],
    ['preprod', 5, undefined, '2592000'],
    ['production', undefined, 5, '2592000'],
  ])('%s renders workers %s (HPA min %s), retention %s s', (env, replicas, hpaMin, expires) => {
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
    }
  });

  // seed: PostgreSQL 16 direct locally, PgBouncer from development on, 1 standby in staging and
  // 2 in production; Redis single node, Redis Cluster in production (preprod mirrors it)
  const pooled = 'postgresql://$(POSTGRES_USERNAME):$(POSTGRES_PASSWORD)@postgres-pooler:5432/celery';
  const single = 'redis://:$(REDIS_PASSWORD)@redis:6379/0';
  const cluster = 'redis://:$(REDIS_PASSWORD)@redis-leader:6379/0';
  test.each([
    [
      'local',
      'StatefulSet',
      undefined,
      'postgresql://$(POSTGRES_USERNAME):$(POSTGRES_PASSWORD)@postgres:5432/celery',
      'StatefulSet',
      single,
    ],
    ['development', 'StatefulSet', ['Deployment', 1], pooled, 'StatefulSet', single],
    ['staging', 'Cluster 2', ['Pooler', 2], pooled, 'StatefulSet', single],
    ['preprod', 'Cluster 3', ['Pooler', 3], pooled, 'RedisCluster', cluster],
    ['production', 'Cluster 3', ['Pooler', 3], pooled, 'RedisCluster', cluster],
  ])('%s runs Postgres as %s with pooler %j (%s) and Redis as %s (%s)', (env, pg, pooler, db, redisKind, redisUrl) => {
    // GIVEN the environment overlay WHEN rendered with the real Kustomize
    const objects = render(env);
    // THEN Postgres, its pooler and Redis take the seed's form
    const cnpg = find(objects, 'Cluster', 'postgres');
    expect(cnpg ? `Cluster ${cnpg.spec.instances}` : find(objects, 'StatefulSet', 'postgres') && 'StatefulSet').toBe(
      pg,
    );
    const poolers = objects.filter((o) => (o.metadata as { name: string }).name === 'postgres-pooler') as any[];
    const workload = poolers.find((o) => o.kind === 'Pooler' || o.kind === 'Deployment');
    expect(workload && [workload.kind, workload.spec.instances ?? workload.spec.replicas]).toEqual(pooler);
    if (workload) {
      expect(poolers.find((o) => o.kind === 'Service' || o.kind === 'Pooler')).toBeDefined();
      if (workload.kind === 'Pooler')
        expect(workload.spec).toMatchObject({ cluster: { name: 'postgres' }, type: 'rw' });
    }
    expect(find(objects, redisKind, 'redis')).toBeDefined();
    if (redisKind === 'RedisCluster') expect(find(objects, 'RedisCluster', 'redis').spec.clusterSize).toBe(3);
    // AND both containers get the URLs of what runs, credentials by Secret reference
    for (const service of ['web', 'worker']) {
      const env_ = Object.fromEntries(
        find(objects, 'Deployment', service).spec.template.spec.containers[0].env.map((e: any) => [
          e.name,
          e.value ?? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`,
        ]),
      );
      expect(env_).toMatchObject({
        DATABASE_URL: db,
        POSTGRES_PASSWORD: 'secret:postgres-credentials/password',
        REDIS_URL: redisUrl,
        REDIS_PASSWORD: 'secret:redis-credentials/password',
      });
    }
  });

  test('the single-node PgBouncer runs under the restricted profile against the database Service', () => {
    const pgbouncer = find(render('development'), 'Deployment', 'postgres-pooler').spec.template.spec;
    const container = pgbouncer.containers[0];
    expect(container.image).toBe('edoburu/pgbouncer:v1.23.1-p2');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pgbouncer.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.resources.limits).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(container.env.find((e: any) => e.name === 'DB_HOST').value).toBe('postgres');
  });

  test('fails synth when a required variable is missing, naming the service and the environment', () => {
    const platform = celeryPlatform(new App());
    expect(() => checkRequiredVariables(platform, { worker: [...REQUIRED, 'SENTRY_DSN'] })).toThrow(
      '[celery-platform/worker] required variable SENTRY_DSN missing in environment "local"; set it in the environment table, the service or a secret reference',
    );
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
        if (d.metadata.name === 'postgres-pooler') continue;
        const refs = d.spec.template.spec.containers[0].env
          .filter((e: any) => e.valueFrom && e.valueFrom.secretKeyRef.name === 'celery-secrets')
          .map((e: any) => `${e.valueFrom.secretKeyRef.name}/${e.name}`);
        expect(refs).toEqual(
          ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_STORAGE_ACCOUNT', 'AZURE_TENANT_ID'].map(
            (k) => `celery-secrets/${k}`,
          ),
        );
      }
      const external = objects.filter((o) => o.kind === 'ExternalSecret') as any[];
      if (env === 'local') expect(external).toEqual([]);
      else {
        const store = env === 'production' ? 'infisical-azure-key-vault' : 'infisical';
        expect(external.map((e) => [e.metadata.name, e.spec.secretStoreRef.name]).sort()).toEqual([
          ['celery-secrets', store],
          ['postgres-credentials', store],
          ['redis-credentials', store],
        ]);
      }
    }
  });

  test.each(['development', 'staging', 'preprod'])(
    '%s reads Infisical through a ClusterSecretStore admitting its namespace only, its own machine identity',
    (env) => {
      const objects = render(env);
      const store = find(objects, 'ClusterSecretStore', 'infisical');
      expect(store.metadata.namespace).toBeUndefined();
      expect(store.spec.conditions).toEqual([{ namespaces: [`celery-${env}`] }]);
      const credentials = { namespace: 'external-secrets', name: `infisical-celery-${env}` };
      expect(store.spec.provider).toEqual({
        infisical: {
          hostAPI: 'https://app.infisical.com/api',
          auth: {
            universalAuthCredentials: {
              clientId: { ...credentials, key: 'clientId' },
              clientSecret: { ...credentials, key: 'clientSecret' },
            },
          },
          secretsScope: { projectSlug: 'celery-platform', environmentSlug: env, secretsPath: '/' },
        },
      });
      // Absolute paths: Infisical reads keys without a leading '/' as names in secretsPath.
      const secrets = find(objects, 'ExternalSecret', 'celery-secrets');
      expect(secrets.spec.data[0].remoteRef).toEqual({
        key: '/celery-platform/celery-secrets',
        property: 'AZURE_CLIENT_ID',
      });
    },
  );

  test('production reads Azure Key Vault with Workload Identity through a store admitting celery-production only', () => {
    const objects = render('production');
    expect(find(objects, 'ClusterSecretStore', 'infisical')).toBeUndefined();
    const store = find(objects, 'ClusterSecretStore', 'infisical-azure-key-vault');
    expect(store.spec).toEqual({
      conditions: [{ namespaces: ['celery-production'] }],
      provider: {
        azurekv: {
          vaultUrl: 'https://celery-production.vault.azure.net',
          authType: 'WorkloadIdentity',
          serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' },
        },
      },
    });
    // Key Vault names are <object type>/<name>.
    const keys = (objects.filter((o) => o.kind === 'ExternalSecret') as any[]).flatMap((e) =>
      e.spec.data.map((d: any) => d.remoteRef.key),
    );
    expect([...new Set(keys)].sort()).toEqual([
      'secret/celery-secrets',
      'secret/postgres-credentials',
      'secret/redis-credentials',
    ]);
    expect(render('local').filter((o) => o.kind === 'ClusterSecretStore')).toEqual([]);
  });
});
