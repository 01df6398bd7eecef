import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { kustomizeSync } from '../lib/kube/kubectl';
import { synthBazaar, tempDir } from './support';

const root = tempDir();
synthBazaar(root);
const composeText = fs.readFileSync(path.join(root, 'local/docker-compose.yaml'), 'utf8');
const compose = parse(composeText);
const envExample = fs.readFileSync(path.join(root, 'local/.env.example'), 'utf8');

describe('local Docker Compose tier', () => {
  test('runs every service and datastore with the dev values of the table', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'catalogue',
      'frontend',
      'mongodb',
      'postgresql',
      'recommendation',
      'redis',
      'voting',
    ]);
    expect(compose.services.catalogue.environment).toMatchObject({
      LOG_LEVEL: 'DEBUG',
      FLASK_DEBUG: 'True',
      FLASK_APP: 'app.py',
    });
    expect(compose.services.frontend.environment).toMatchObject({
      NODE_ENV: 'development',
      PRODUCTS_API_BASE_URI: 'http://catalogue:5000',
    });
    expect(compose.services.recommendation.environment.GIN_MODE).toBe('debug');
    expect(compose.services.catalogue.environment.MONGO_URI).toBe(
      'mongodb://${MONGODB_USERNAME}:${MONGODB_PASSWORD}@mongodb:27017/bazaar?authSource=admin',
    );
    expect(compose.services.voting.image).toBe('bazaar/voting:${VOTING_TAG:-2.1.0}');
  });

  test('datastores have health checks and named volumes; services wait for healthy datastores', () => {
    for (const d of ['mongodb', 'postgresql', 'redis']) {
      expect(compose.services[d].healthcheck.test[0]).toBe('CMD');
      expect(compose.services[d].volumes[0]).toMatch(new RegExp(`^${d}-data:/`));
      expect(compose.volumes).toHaveProperty([`${d}-data`]);
    }
    expect(compose.services.catalogue.depends_on).toEqual({ mongodb: { condition: 'service_healthy' } });
    expect(compose.services.frontend.depends_on).toEqual({
      catalogue: { condition: 'service_started' },
      recommendation: { condition: 'service_started' },
      voting: { condition: 'service_started' },
    });
    expect(compose.services.frontend).toMatchObject({ read_only: true, cap_drop: ['ALL'], user: '10001:10001' });
  });

  test('credentials come only from local/.env; .env.example names every variable with local-only values', () => {
    const used = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    const listed = new Map(
      envExample
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split('=') as [string, string]),
    );
    expect([...used].sort()).toEqual([...listed.keys()].sort());
    for (const [name, value] of listed) {
      if (name.endsWith('_PASSWORD')) expect([name, value]).toEqual([name, 'local-only-change-me']);
    }
    expect(composeText).not.toMatch(/PASSWORD: (?!\$\{)/);
  });

  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
  (dockerCompose ? test : test.skip)('passes docker-compose config -q (installed by .ci/run)', () => {
    const result = spawnSync(
      'docker-compose',
      ['-f', 'local/docker-compose.yaml', '--env-file', 'local/.env.example', 'config', '-q'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect([result.status, result.stderr]).toEqual([0, '']);
  });
});

describe('kind tiers', () => {
  test('kind renders everything with tiny resources and locally loaded images', () => {
    const objects = kustomizeSync(path.join(root, 'overlays/kind'));
    const deployments = objects.filter((o) => o.kind === 'Deployment') as any[];
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
      'catalogue',
      'frontend',
      'recommendation',
      'voting',
    ]);
    for (const d of deployments) {
      const [c] = d.spec.template.spec.containers;
      expect(c.image).toBe(`bazaar/${d.metadata.name}:local`);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.resources).toEqual({
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { cpu: '250m', memory: '256Mi' },
      });
      expect(d.metadata.namespace).toBe('bazaar');
    }
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('kind-headless renders only the datastores (and their namespace objects)', () => {
    const objects = kustomizeSync(path.join(root, 'overlays/kind-headless'));
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name)).toEqual([
      'mongodb',
      'postgresql',
      'redis',
    ]);
  });

  test('local tiers are not synced by Argo CD', () => {
    expect(fs.readdirSync(path.join(root, 'argocd/apps')).sort()).toEqual(['dev', 'prod', 'staging']);
  });

  test('the Makefile has the targets the seeds use, calling the repo kubectl on the kind context', () => {
    const makefile = fs.readFileSync(path.join(root, 'Makefile'), 'utf8');
    for (const target of ['synth', 'validate', 'images', 'kind-up', 'kind-headless', 'kind-forward', 'compose-up'])
      expect(makefile).toMatch(new RegExp(`^${target}:`, 'm'));
    expect(makefile).toContain('KUBECTL = $(KUBECTL_BIN) --context $(KIND_CONTEXT)');
    expect(makefile).toContain('\t$(KUBECTL) apply -k overlays/kind\n');
    expect(makefile).toContain('port-forward svc/redis 6379:6379');
    // Only the preflight checks are silent; every other recipe line is printed before it runs.
    for (const line of makefile.split('\n').filter((l) => l.startsWith('\t@')))
      expect(line).toMatch(
        /^\t@(command -v|docker info|docker image inspect|\$\(KUBECTL\) cluster-info) .* \|\| \{ echo ".*" >&2; exit 1; \}$/,
      );
  });
});
