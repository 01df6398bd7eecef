import * as path from 'path';
import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentProps,
  EnvironmentTable,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  SharedConfig,
  SharedConfigProps,
  synth,
} from '../lib';
import { manualSecrets, platformSecrets } from '../lib/generators/shared-overlay';
import { kustomizeSync } from '../lib/kube/kubectl';
import { render } from '../lib/synth/render';
import { tempDir } from './support';

const RESOURCES = { cpu: '100m', memory: '128Mi' };

function setup(
  envs: Partial<EnvironmentProps>[] = [
    { name: 'kind', sharedVariables: { STORAGE_TYPE: 'minio' } },
    {
      name: 'prod',
      sharedVariables: { STORAGE_TYPE: 'r2' },
      secrets: SecretSource.externalSecrets({ storeName: 'vault', keyPrefix: 'vision/prod' }),
    },
  ],
) {
  const platform = new Platform(new App(), 'vision', {
    environments: new EnvironmentTable(
      envs.map((e) => ({ name: 'env', namespace: 'platform', scaling: Scaling.fixed(1), resources: RESOURCES, ...e })),
    ),
  });
  const frontend = new Microservice(platform, 'frontend', {
    image: 'vision/frontend',
    port: 3000,
    initialTag: '1.0.0',
  });
  const backend = new Microservice(platform, 'backend', { image: 'vision/backend', port: 8000, initialTag: '1.0.0' });
  return { platform, frontend, backend };
}

const SECRET = { name: 'platform-secrets', keys: ['JWT_SECRET'] };

function shared(platform: Platform, props: SharedConfigProps, id = 'platform-config'): SharedConfig {
  return new SharedConfig(platform, id, props);
}

describe('SharedConfig', () => {
  test('emits one ConfigMap per environment in the shared overlay, read by name by its consumers only', () => {
    // GIVEN a shared config read by the backend only
    const { platform, backend } = setup();
    shared(platform, { consumers: [backend], variables: { EXECUTION_MODE: 'kubernetes' }, secret: SECRET });
    const root = tempDir('shared-config-');
    synth(platform, { rootDir: root, outdir: 'dist', compose: false, makefile: false, environmentsDoc: false });
    for (const [env, storage] of [
      ['kind', 'minio'],
      ['prod', 'r2'],
    ]) {
      // WHEN the environment is rendered with the real Kustomize
      const objects = kustomizeSync(path.join(root, 'overlays', env)) as any[];
      const find = (kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
      // THEN the ConfigMap exists once, in the namespace, with the table's data over the constants
      const configs = find('ConfigMap', 'platform-config');
      expect(configs.map((c) => [c.metadata.namespace, c.data])).toEqual([
        ['platform', { EXECUTION_MODE: 'kubernetes', STORAGE_TYPE: storage }],
      ]);
      // AND only the consumer reads it and the Secret, before its own ConfigMap
      expect(find('Deployment', 'backend')[0].spec.template.spec.containers[0].envFrom).toEqual([
        { configMapRef: { name: 'platform-config' } },
        { secretRef: { name: 'platform-secrets' } },
        { configMapRef: { name: 'backend' } },
      ]);
      expect(find('Deployment', 'frontend')[0].spec.template.spec.containers[0].envFrom).toEqual([
        { configMapRef: { name: 'frontend' } },
      ]);
    }
  });

  test('its Secret is required everywhere: manual where secrets are manual, an ExternalSecret in the cloud', () => {
    const { platform, backend } = setup();
    shared(platform, {
      consumers: [backend],
      secret: { name: 'platform-secrets', keys: ['OPENAI_API_KEY', 'JWT_SECRET'] },
    });
    expect(platformSecrets(platform, platform.environments.get('kind'))).toEqual([
      { name: 'platform-secrets', keys: ['JWT_SECRET', 'OPENAI_API_KEY'] },
    ]);
    expect(manualSecrets(platform, platform.environments.get('kind'))).toEqual(['platform-secrets']);
    expect(manualSecrets(platform, platform.environments.get('prod'))).toEqual([]);
    const files = new Map(render(platform, { outdir: 'dist' }).entries());
    expect(files.get('overlays/prod/shared/external-secrets.yaml')).toContain('key: vision/prod/platform-secrets');
    expect(files.has('overlays/kind/shared/external-secrets.yaml')).toBe(false);
  });

  test("a change of the environment's shared data changes the consumers' config hash only", () => {
    const hashes = (storage: string) => {
      const { platform, backend } = setup([{ name: 'kind', sharedVariables: { STORAGE_TYPE: storage } }]);
      shared(platform, { consumers: [backend] });
      const files = new Map(render(platform, { outdir: 'dist' }).entries());
      return ['backend', 'frontend'].map(
        (s) => /config-hash: (\w+)/.exec(files.get(`overlays/kind/${s}/deployment-patch.yaml`) ?? '')?.[1],
      );
    };
    const [backendMinio, frontendMinio] = hashes('minio');
    const [backendR2, frontendR2] = hashes('r2');
    expect(backendMinio).not.toEqual(backendR2);
    expect(frontendMinio).toEqual(frontendR2);
  });

  test('the local compose file gives consumers the data and reads the Secret keys from local/.env', () => {
    const { platform, backend } = setup();
    shared(platform, { consumers: [backend], secret: SECRET });
    const files = new Map(render(platform, { outdir: 'dist' }).entries());
    expect(files.get('local/docker-compose.yaml')).toContain('STORAGE_TYPE: minio');
    expect(files.get('local/docker-compose.yaml')).toContain('JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET in local/.env');
    expect(files.get('local/.env.example')).toContain('# platform-secrets JWT_SECRET\nJWT_SECRET=local-only-change-me');
  });

  test('kind-up creates its Secret with random local-only values when it is missing', () => {
    const { platform, backend } = setup([{ name: 'kind', local: true }, { name: 'prod' }]);
    shared(platform, { consumers: [backend], secret: SECRET });
    const makefile = new Map(render(platform, { outdir: 'dist' }).entries()).get('Makefile') ?? '';
    expect(makefile).toContain(
      '\t$(KUBECTL) -n platform get secret platform-secrets >/dev/null 2>&1 || \\\n' +
        '\t  $(KUBECTL) -n platform create secret generic platform-secrets --from-literal=JWT_SECRET=$$(openssl rand -hex 16)',
    );
  });

  test('fails when the name is not a DNS-1123 label', () => {
    const { platform, backend } = setup();
    expect(() => shared(platform, { consumers: [backend] }, 'Platform_Config')).toThrow(
      `[vision/Platform_Config] config map name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got "Platform_Config"`,
    );
  });

  test('fails when it has no consumers', () => {
    const { platform } = setup();
    expect(() => shared(platform, { consumers: [] })).toThrow(
      '[vision/platform-config] consumers must list at least one service, got none',
    );
  });

  test('fails when a key is both a variable and a secret key', () => {
    const { platform, backend } = setup();
    expect(() => shared(platform, { consumers: [backend], variables: { JWT_SECRET: 'x' }, secret: SECRET })).toThrow(
      '[vision/platform-config] key "JWT_SECRET" is a variable and a secret key, got both; allowed: one of them',
    );
  });

  test("fails when an environment's sharedVariables set a key of the shared Secret", () => {
    const { platform, backend } = setup([{ name: 'kind', sharedVariables: { JWT_SECRET: 'x' } }]);
    shared(platform, { consumers: [backend], secret: SECRET });
    expect(() => render(platform)).toThrow(
      '[environments/kind] sharedVariables key "JWT_SECRET" is also a key of secret platform-secrets, got both; allowed: one of them',
    );
  });

  test('fails when a consumer sets a shared key itself', () => {
    const { platform, backend } = setup([
      {
        name: 'kind',
        sharedVariables: { STORAGE_TYPE: 'minio' },
        serviceVariables: { backend: { STORAGE_TYPE: 'local' } },
      },
    ]);
    shared(platform, { consumers: [backend] });
    expect(() => render(platform)).toThrow(
      '[vision/platform-config] key "STORAGE_TYPE" is set here and by service backend in environment kind, got both; allowed: one of them',
    );
  });

  test('fails when sharedVariables are set without a SharedConfig', () => {
    const { platform } = setup();
    expect(() => render(platform)).toThrow(
      '[environments/kind] sharedVariables need a SharedConfig in the platform, got none; add one or move them to variables',
    );
  });

  test('fails when the platform has two', () => {
    const { platform, backend } = setup();
    shared(platform, { consumers: [backend] });
    shared(platform, { consumers: [backend] }, 'more-config');
    expect(() => render(platform)).toThrow(
      '[vision] a platform has at most one SharedConfig, got 2: platform-config, more-config',
    );
  });

  test("fails when its name is a service's (whose ConfigMap has that name)", () => {
    const { platform, backend } = setup();
    expect(() => shared(platform, { consumers: [backend] }, 'frontend')).toThrow(
      '[vision] duplicate shared config "frontend": every service and datastore needs its own name',
    );
  });

  describe('connections', () => {
    const ENVS: Partial<EnvironmentProps>[] = [
      { name: 'kind' },
      {
        name: 'prod',
        datastores: {
          topologies: { postgres: DatastoreTopology.EXTERNAL },
          external: { postgres: { host: 'db.example.com' } },
        },
      },
    ];

    function withDatastores(envs = ENVS) {
      const { platform, frontend, backend } = setup(envs);
      const postgres = new Datastore(platform, 'postgres', { engine: DatastoreEngine.POSTGRESQL, database: 'vision' });
      const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
      return { platform, frontend, backend, postgres, redis };
    }

    test('put each URL without credentials in the ConfigMap, per environment', () => {
      // GIVEN the shared config connects its consumers to Postgres (managed in prod) and Redis
      const { platform, frontend, backend, postgres, redis } = withDatastores();
      const config = shared(platform, {
        consumers: [frontend, backend],
        variables: { JWT_ALGORITHM: 'HS256' },
        connections: { DATABASE_URL: postgres, REDIS_URL: redis },
      });
      // THEN the data holds the in-cluster or the managed endpoint, and no credential
      expect(config.dataFor(platform.environments.get('kind'))).toEqual({
        DATABASE_URL: 'postgresql://postgres:5432/vision',
        JWT_ALGORITHM: 'HS256',
        REDIS_URL: 'redis://redis:6379/0',
      });
      expect(config.dataFor(platform.environments.get('prod'))).toEqual({
        DATABASE_URL: 'postgresql://db.example.com:5432/vision',
        JWT_ALGORITHM: 'HS256',
        REDIS_URL: 'redis://redis:6379/0',
      });
    });

    test('give every consumer the credentials by Secret reference in its own env, once', () => {
      // GIVEN a worker that also connects to Postgres directly
      const { platform, frontend, postgres, redis } = withDatastores();
      const worker = new Microservice(platform, 'worker', {
        image: 'vision/worker',
        port: 8001,
        initialTag: '1.0.0',
        connections: { PRIMARY_DSN: postgres },
      });
      shared(platform, { consumers: [frontend, worker], connections: { DATABASE_URL: postgres, REDIS_URL: redis } });
      const ref = (name: string, secret: string, key: string) => ({
        name,
        valueFrom: { secretKeyRef: { name: secret, key } },
      });
      // THEN the frontend reads the user and passwords from the datastores' Secrets
      expect(frontend.settingsFor(platform.environments.get('prod')).connectionEnv).toEqual([
        ref('POSTGRES_USERNAME', 'postgres-credentials', 'username'),
        ref('POSTGRES_PASSWORD', 'postgres-credentials', 'password'),
        ref('REDIS_PASSWORD', 'redis-credentials', 'password'),
      ]);
      // AND the worker's direct connection already lists the Postgres credentials: no duplicate
      expect(worker.settingsFor(platform.environments.get('kind')).connectionEnv.map((e) => e.name)).toEqual([
        'POSTGRES_USERNAME',
        'POSTGRES_PASSWORD',
        'PRIMARY_DSN',
        'REDIS_PASSWORD',
      ]);
      expect(platformSecrets(platform, platform.environments.get('kind')).map((s) => s.name)).toEqual([
        'postgres-credentials',
        'redis-credentials',
      ]);
    });

    test('let every consumer reach what it connects to, as a direct connection would', () => {
      // GIVEN both services read Postgres and Redis through the shared config
      const { platform, frontend, backend, postgres, redis } = withDatastores();
      shared(platform, { consumers: [frontend, backend], connections: { DATABASE_URL: postgres, REDIS_URL: redis } });
      const root = tempDir('shared-config-');
      synth(platform, { rootDir: root, outdir: 'dist', compose: false, makefile: false, environmentsDoc: false });
      const policies = (env: string) =>
        (kustomizeSync(path.join(root, 'overlays', env, 'shared')) as any[]).filter((o) => o.kind === 'NetworkPolicy');
      const named = (env: string, name: string) => policies(env).find((p) => p.metadata.name === name);
      // WHEN rendered with the real Kustomize THEN each consumer may reach both in kind
      for (const service of ['frontend', 'backend']) {
        for (const [datastore, port] of [
          ['postgres', 5432],
          ['redis', 6379],
        ] as const) {
          expect(named('kind', `allow-${service}-to-${datastore}`).spec.ingress).toEqual([
            {
              from: [
                {
                  podSelector: {
                    matchLabels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'vision' },
                  },
                },
              ],
              ports: [{ protocol: 'TCP', port }],
            },
          ]);
        }
      }
      // AND in prod its egress goes to the in-cluster Redis and to the managed Postgres's port anywhere
      expect(named('prod', 'allow-frontend-to-postgres')).toBeUndefined();
      // (DNS is allow-dns-egress's, for every pod)
      expect(named('prod', 'allow-frontend-egress').spec.egress).toEqual([
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        {
          to: [
            {
              podSelector: {
                matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/part-of': 'vision' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ]);
    });

    test('Datastore.fields() chooses the variables, the URL still without credentials', () => {
      const { platform, frontend, postgres } = withDatastores();
      const config = shared(platform, {
        consumers: [frontend],
        connections: { DATABASE_URL: postgres.fields({ url: 'DATABASE_URL', user: 'PGUSER', password: 'PGPASSWORD' }) },
      });
      expect(config.dataFor(platform.environments.get('kind'))).toEqual({
        DATABASE_URL: 'postgresql://postgres:5432/vision',
      });
      expect(frontend.settingsFor(platform.environments.get('kind')).connectionEnv.map((e) => e.name)).toEqual([
        'PGUSER',
        'PGPASSWORD',
      ]);
    });

    test('connectedConsumers narrows credentials and network edges; every consumer still reads the URLs', () => {
      const { platform, frontend, backend, postgres } = withDatastores();
      const config = shared(platform, {
        consumers: [frontend, backend],
        connections: { DATABASE_URL: postgres },
        connectedConsumers: [backend],
      });
      const kind = platform.environments.get('kind');
      expect(config.dataFor(kind)).toEqual({ DATABASE_URL: 'postgresql://postgres:5432/vision' });
      expect(backend.settingsFor(kind).connectionEnv.map((e) => e.name)).toEqual([
        'POSTGRES_USERNAME',
        'POSTGRES_PASSWORD',
      ]);
      expect(frontend.settingsFor(kind).connectionEnv).toEqual([]);
      const files = Object.fromEntries(render(platform).entries());
      expect(files['overlays/kind/shared/network-policies.yaml']).toContain('name: allow-backend-to-postgres');
      expect(files['overlays/kind/shared/network-policies.yaml']).not.toContain('name: allow-frontend-to-postgres');
    });

    test('fails when connectedConsumers lists a service that is not a consumer', () => {
      const { platform, frontend, backend, postgres } = withDatastores();
      expect(() =>
        shared(platform, {
          consumers: [backend],
          connections: { DATABASE_URL: postgres },
          connectedConsumers: [frontend],
        }),
      ).toThrow(
        '[vision/platform-config] connectedConsumers lists frontend, which is not a consumer; allowed: backend',
      );
    });

    test('fails when a key is both a variable and a connection', () => {
      const { platform, backend, postgres } = withDatastores();
      expect(() =>
        shared(platform, {
          consumers: [backend],
          variables: { DATABASE_URL: 'postgresql://localhost/vision' },
          connections: { DATABASE_URL: postgres },
        }),
      ).toThrow(
        '[vision/platform-config] key "DATABASE_URL" is a connection and a variable, got both; allowed: one of them',
      );
    });

    test('fails when a connection is a datastore of another platform', () => {
      const { platform, backend } = withDatastores();
      const other = withDatastores().platform;
      const elsewhere = new Datastore(other, 'cache', { engine: DatastoreEngine.REDIS });
      shared(platform, { consumers: [backend], connections: { REDIS_URL: elsewhere } });
      expect(() => render(platform)).toThrow(
        '[vision/platform-config] connection REDIS_URL is vision/cache, not a service or datastore of this platform; allowed: frontend, backend, postgres, redis',
      );
    });

    test("fails when an environment's sharedVariables set a connection's key", () => {
      const { platform, backend, redis } = withDatastores([
        { name: 'kind', sharedVariables: { REDIS_URL: 'redis://x' } },
      ]);
      shared(platform, { consumers: [backend], connections: { REDIS_URL: redis } });
      expect(() => render(platform)).toThrow(
        '[environments/kind] sharedVariables key "REDIS_URL" is also a connection of shared config platform-config, got both; allowed: one of them',
      );
    });

    test('fails when a consumer connects to a shared key itself', () => {
      const { platform, redis } = withDatastores();
      const worker = new Microservice(platform, 'worker', {
        image: 'vision/worker',
        port: 8001,
        initialTag: '1.0.0',
        connections: { REDIS_URL: redis },
      });
      shared(platform, { consumers: [worker], connections: { REDIS_URL: redis } });
      expect(() => render(platform)).toThrow(
        '[vision/platform-config] key "REDIS_URL" is set here and by service worker in environment kind, got both; allowed: one of them',
      );
    });
  });
});
