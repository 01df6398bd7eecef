import * as path from 'path';
import { App } from 'cdk8s';
import {
  EnvironmentProps,
  EnvironmentTable,
  kustomizeSync,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  SharedConfig,
  SharedConfigProps,
} from '../lib';
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
    platform.synth({ rootDir: root, outdir: 'dist', compose: false, makefile: false, environmentsDoc: false });
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
    expect(platform.requiredSecrets('kind')).toEqual([
      { name: 'platform-secrets', keys: ['JWT_SECRET', 'OPENAI_API_KEY'] },
    ]);
    expect(platform.manualSecrets('kind')).toEqual(['platform-secrets']);
    expect(platform.manualSecrets('prod')).toEqual([]);
    const files = new Map(platform.render({ outdir: 'dist' }).entries());
    expect(files.get('overlays/prod/shared/external-secrets.yaml')).toContain('key: vision/prod/platform-secrets');
    expect(files.has('overlays/kind/shared/external-secrets.yaml')).toBe(false);
  });

  test("a change of the environment's shared data changes the consumers' config hash only", () => {
    const hashes = (storage: string) => {
      const { platform, backend } = setup([{ name: 'kind', sharedVariables: { STORAGE_TYPE: storage } }]);
      shared(platform, { consumers: [backend] });
      const files = new Map(platform.render({ outdir: 'dist' }).entries());
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
    const files = new Map(platform.render({ outdir: 'dist' }).entries());
    expect(files.get('local/docker-compose.yaml')).toContain('STORAGE_TYPE: minio');
    expect(files.get('local/docker-compose.yaml')).toContain('JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET in local/.env');
    expect(files.get('local/.env.example')).toContain('# platform-secrets JWT_SECRET\nJWT_SECRET=local-only-change-me');
  });

  test('kind-up creates its Secret with random local-only values when it is missing', () => {
    const { platform, backend } = setup([{ name: 'kind', local: true }, { name: 'prod' }]);
    shared(platform, { consumers: [backend], secret: SECRET });
    const makefile = new Map(platform.render({ outdir: 'dist' }).entries()).get('Makefile') ?? '';
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
    expect(() => platform.render()).toThrow(
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
    expect(() => platform.render()).toThrow(
      '[vision/platform-config] key "STORAGE_TYPE" is set here and by service backend in environment kind, got both; allowed: one of them',
    );
  });

  test('fails when sharedVariables are set without a SharedConfig', () => {
    const { platform } = setup();
    expect(() => platform.render()).toThrow(
      '[environments/kind] sharedVariables need a SharedConfig in the platform, got none; add one or move them to variables',
    );
  });

  test('fails when the platform has two', () => {
    const { platform, backend } = setup();
    shared(platform, { consumers: [backend] });
    shared(platform, { consumers: [backend] }, 'more-config');
    expect(() => platform.render()).toThrow(
      '[vision] a platform has at most one SharedConfig, got 2: platform-config, more-config',
    );
  });

  test("fails when its name is a service's (whose ConfigMap has that name)", () => {
    const { platform, backend } = setup();
    expect(() => shared(platform, { consumers: [backend] }, 'frontend')).toThrow(
      '[vision] duplicate shared config "frontend": every service and datastore needs its own name',
    );
  });
});
