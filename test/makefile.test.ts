import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { synthBazaar, tempDir } from './support';

/**
 * The generated Makefile, run by the real `make` and bash against stand-ins for the programs a
 * developer's machine has and this one has not (docker, kind, kubectl against a cluster): each
 * stand-in logs its arguments and exits as the test says, so the recipes' own logic (context
 * pinning, preflight checks, Compose v2 → v1 fallback, failing port-forwards) runs for real.
 */
const root = tempDir();
synthBazaar(root);
const bin = tempDir();
const log = path.join(bin, 'calls.log');

/** Writes a stand-in `name` that logs `name args` and runs `body` (bash). */
function tool(name: string, body = 'exit 0'): void {
  fs.writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
}

function make(target: string, env: Record<string, string> = {}): { status: number; stderr: string; calls: string[] } {
  fs.writeFileSync(log, '');
  const r = spawnSync('make', ['-s', target, `KUBECTL_BIN=${path.join(bin, 'kubectl')}`], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, ...env },
    timeout: 30_000,
  });
  return { status: r.status ?? -1, stderr: r.stderr, calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const hasMake = spawnSync('make', ['--version']).status === 0;
const describeMake = hasMake ? describe : describe.skip;
if (!hasMake) console.warn('makefile tests skipped: make is not installed');

describeMake('generated Makefile', () => {
  beforeEach(() => {
    for (const f of fs.readdirSync(bin)) fs.rmSync(path.join(bin, f));
    tool('docker');
    tool('kind', '[ "$1" = get ] && echo bazaar; exit 0');
    tool('kubectl');
    tool('openssl', 'echo 0123456789abcdef');
  });

  test('kind-up pins every kubectl call to the kind context and loads every image', () => {
    const r = make('kind-up');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const kubectl = r.calls.filter((c) => c.startsWith('kubectl '));
    expect(kubectl.length).toBeGreaterThan(3);
    for (const call of kubectl) expect(call).toMatch(/^kubectl --context kind-bazaar /);
    expect(kubectl).toContain('kubectl --context kind-bazaar apply -k overlays/kind');
    expect(r.calls.filter((c) => c.startsWith('kind load'))).toEqual(
      ['catalogue', 'voting', 'recommendation', 'frontend'].map(
        (s) => `kind load docker-image bazaar/${s}:local --name bazaar`,
      ),
    );
  });

  test('fails when kind is missing, naming it, and touches nothing', () => {
    fs.rmSync(path.join(bin, 'kind'));
    const r = make('kind-up');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('kind not found: install kind (kind.sigs.k8s.io) first');
    expect(r.calls.filter((c) => c.startsWith('kubectl'))).toEqual([]);
  });

  test('fails when the docker engine is not reachable', () => {
    tool('docker', '[ "$1" = info ] && exit 1; exit 0');
    const r = make('kind-up');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('docker is installed but its engine is not reachable');
  });

  test('fails when an image was neither built nor pulled, naming it', () => {
    tool('docker', '[ "$1 $2" = "image inspect" ] && [ "$3" = bazaar/voting:local ] && exit 1; exit 0');
    const r = make('kind-up');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('image bazaar/voting:local not found locally: run make images');
    expect(r.calls.filter((c) => c.startsWith('kind load'))).toEqual([]);
  });

  test('images fails when a service has no build context, naming the directory', () => {
    const r = make('images', { SRC: bin });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`no ${bin}/catalogue/Dockerfile: set SRC`);
  });

  test('images builds every service from SRC/<service>', () => {
    const src = tempDir();
    for (const s of ['catalogue', 'voting', 'recommendation', 'frontend']) {
      fs.mkdirSync(path.join(src, s));
      fs.writeFileSync(path.join(src, s, 'Dockerfile'), 'FROM scratch\n');
    }
    const r = make('images', { SRC: src });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith('docker build'))).toEqual(
      ['catalogue', 'voting', 'recommendation', 'frontend'].map((s) => `docker build -t bazaar/${s}:local ${src}/${s}`),
    );
  });

  test('kind-forward fails when a port-forward fails, and stops the others', () => {
    tool('kubectl', '[[ "$*" == *svc/voting* ]] && exit 3; [[ "$*" == *port-forward* ]] && exec sleep 30; exit 0');
    const r = make('kind-forward');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('a port-forward ended (exit 3): stopping the others');
    // The others may be stopped before they even start; every one that ran is one of the four.
    const forwards = r.calls.filter((c) => c.includes('port-forward'));
    expect(forwards.some((c) => c.includes('svc/voting'))).toBe(true);
    for (const c of forwards) expect(c).toMatch(/svc\/(catalogue|voting|recommendation|frontend) /);
  });

  test('kind-forward refuses to start without the cluster', () => {
    tool('kubectl', '[ "$3" = cluster-info ] && exit 1; exit 0');
    const r = make('kind-forward');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('kind cluster bazaar is not reachable as context kind-bazaar: run make kind-up first');
    expect(r.calls.filter((c) => c.includes('port-forward'))).toEqual([]);
  });

  test('compose-up uses the Compose v2 plugin where it exists', () => {
    const r = make('compose-up');
    expect(r.status).toBe(0);
    expect(r.calls).toContain('docker compose -f local/docker-compose.yaml --env-file local/.env up -d');
  });

  test('compose-up falls back to docker-compose v1 without the plugin', () => {
    tool('docker', '[ "$1" = compose ] && exit 1; exit 0');
    tool('docker-compose');
    const r = make('compose-up');
    expect(r.status).toBe(0);
    expect(r.calls).toContain('docker-compose -f local/docker-compose.yaml --env-file local/.env up -d');
    expect(r.calls.filter((c) => c.startsWith('docker compose -f'))).toEqual([]);
  });
});
