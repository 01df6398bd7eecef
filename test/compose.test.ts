import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { Datastore, DatastoreEngine, EnvironmentTable, Microservice, Platform, Scaling, Worker, synth } from '../lib';
import { repositoryEntries } from '../lib/synth/example-entries';
import { tempDir } from './support';

const repoRoot = path.resolve(__dirname, '..');

/** A local tier with every case the compose file got wrong: same ports, args, users, a worker, a Redis not named redis, `$`. */
function fixture(): Platform {
  const platform = new Platform(new App(), 'tier', {
    environments: new EnvironmentTable([
      { name: 'dev', namespace: 'tier-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
    ]),
  });
  const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS });
  new Microservice(platform, 'a', {
    image: 'tier/a',
    port: 8080,
    initialTag: '1',
    args: ['serve', '--greeting', 'costs $5'],
    variables: { TEMPLATE: 'hello ${HOME}' },
    connections: { CACHE_URL: cache },
  });
  new Microservice(platform, 'b', { image: 'tier/b', port: 8080, initialTag: '1', runAsUser: 20002 });
  new Microservice(platform, 'c', { image: 'tier/c', port: 8080, initialTag: '1', localPort: 9090 });
  new Worker(platform, 'w', {
    image: 'tier/w',
    initialTag: '1',
    command: ['celery', '-A', 'app', 'worker'],
    probeCommand: ['celery', 'inspect', 'ping'],
    writablePaths: ['/tmp', '/var/run/celery'],
  });
  return platform;
}

describe('the compose file', () => {
  const root = tempDir();
  const files = new Map(synth(fixture(), { rootDir: root, outdir: 'dist' }).entries());
  const text = files.get('local/docker-compose.yaml')!;
  const compose = parse(text);
  const envExample = files.get('local/.env.example')!;

  test('publishes unique host ports from the model and none for a worker', () => {
    expect(compose.services.a.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.b.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(compose.services.c.ports).toEqual(['127.0.0.1:9090:8080']);
    expect(compose.services.cache.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(compose.services.w.ports).toBeUndefined();
    expect(files.get('ENVIRONMENTS.md')).toContain('Ports on localhost: cache 6379, a 8080, b 8081, c 9090.');
  });

  test('keeps command and args, the model user and writable paths', () => {
    expect(compose.services.a.command).toEqual(['serve', '--greeting', 'costs $$5']);
    expect(compose.services.w.entrypoint).toEqual(['celery', '-A', 'app', 'worker']);
    expect(compose.services.a.user).toBe('10001:10001');
    expect(compose.services.b.user).toBe('20002:20002');
    expect(compose.services.w.tmpfs).toEqual(['/tmp', '/var/run/celery']);
  });

  test('escapes a literal $ so Compose does not interpolate it from the host', () => {
    expect(compose.services.a.environment.TEMPLATE).toBe('hello $${HOME}');
  });

  test('names the secret variables of a Redis not called redis as .env.example defines them', () => {
    expect(compose.services.cache.environment.REDIS_PASSWORD).toBe(
      '${CACHE_PASSWORD:?set CACHE_PASSWORD in local/.env (see local/.env.example)}',
    );
    expect(compose.services.cache.command).toContain('${CACHE_PASSWORD}');
    expect(compose.services.a.environment.CACHE_URL).toBe('redis://:${CACHE_PASSWORD}@cache:6379/0');
    const referenced = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?::[-?][^}]*)?\}/g)].map((m) => m[1]));
    const defined = new Set([...envExample.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect([...referenced].filter((v) => !defined.has(v))).toEqual([]);
  });

  describe('every compose file is accepted by each Compose that is installed', () => {
    const composes = [
      { name: 'docker-compose (v1)', command: 'docker-compose', args: [] as string[] },
      { name: 'docker compose (v2 plugin)', command: 'docker', args: ['compose'] },
    ];
    const entries = Object.values(repositoryEntries(repoRoot));
    const targets = [
      { name: 'the fixture', dir: path.join(root, 'local') },
      ...entries
        .map((e) => ({ name: path.relative(repoRoot, e.file), dir: path.join(e.rootDir, 'local') }))
        .filter((t) => fs.existsSync(path.join(t.dir, 'docker-compose.yaml'))),
    ];
    for (const c of composes) {
      const installed = spawnSync(c.command, [...c.args, 'version'], { encoding: 'utf8' }).status === 0;
      // CI installs Debian's docker-compose (v1); the v2 plugin is checked where it is installed.
      const run = installed ? test : test.skip;
      for (const t of targets) {
        run(`${c.name} config -q: ${t.name}${installed ? '' : ` (skipped: ${c.name} is not installed)`}`, () => {
          const result = spawnSync(
            c.command,
            [...c.args, '-f', 'docker-compose.yaml', '--env-file', '.env.example', 'config', '-q'],
            { cwd: t.dir, encoding: 'utf8' },
          );
          expect([result.status, result.stderr]).toEqual([0, '']);
        });
      }
    }
  });
});
