import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './support';

const REPO = path.resolve(__dirname, '..');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'platforms', 'bazaar');

/** An entry that builds the bazaar fixture plus whatever `extra` adds to `p`. */
function entry(extra = ''): string {
  return [
    `import { App } from 'cdk8s';`,
    `import { Microservice } from ${JSON.stringify(path.join(REPO, 'lib'))};`,
    `import { bazaar } from ${JSON.stringify(FIXTURE)};`,
    ``,
    `export default (app: App) => {`,
    `  const p = bazaar(app);`,
    extra,
    `  return p;`,
    `};`,
    ``,
  ].join('\n');
}

const extraService = (port: number) =>
  `  new Microservice(p, 'extra', { image: 'bazaar/extra', port: ${port}, initialTag: '0.1.0' });`;

/** Every dev process a test started, stopped after each test even when it failed. */
const running = new Set<Dev>();
afterEach(async () => {
  for (const dev of running) await dev.stop('SIGKILL');
});

/** `npm run dev` on `file`, with what it printed so far and a way to wait for the next cycle. */
class Dev {
  public output = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  public constructor(file: string) {
    this.child = spawn(process.execPath, [path.join(REPO, 'scripts', 'dev.mjs'), '--app', file], {
      cwd: REPO,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve(code);
      }),
    );
    running.add(this);
  }

  /** Resolves with the output printed after `from` once the `count`-th "watching" line after it is there. */
  public async cycle(from: number, count = 1): Promise<string> {
    for (;;) {
      const text = this.output.slice(from);
      if ((text.match(/^dev: watching \d+ file\(s\)/gm) ?? []).length >= count) return text;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`dev exited early: ${this.output}`);
      }
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  /** The process id (its bundles are named after it). */
  public get pid(): number {
    return this.child.pid!;
  }

  public async stop(signal: NodeJS.Signals): Promise<number | null> {
    running.delete(this);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

describe('npm run dev', () => {
  test('synthesizes and validates, then on every save prints the objects that changed; SIGINT stops it cleanly', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'platform.ts');
    fs.writeFileSync(file, entry());
    const dev = new Dev(file);
    const first = await dev.cycle(0);
    expect(first).toMatch(
      /^dev: synth \d+\.\d\d s, validate \d+\.\d\d s \(dev, kind, kind-headless, prod, staging\): \d+ objects in 5 environment\(s\), 0 error\(s\)/m,
    );
    expect(fs.existsSync(path.join(dir, 'overlays/prod/catalogue/kustomization.yaml'))).toBe(true);

    // An added service: its objects appear in every environment that runs services.
    let from = dev.output.length;
    fs.writeFileSync(file, entry(extraService(8080)));
    const added = await dev.cycle(from);
    expect(added).toMatch(/validate \d+\.\d\d s \(dev, kind, prod, staging\): \d+ object\(s\) changed, 0 error\(s\)/);
    const namespaces = { dev: 'bazaar-dev', kind: 'bazaar', prod: 'bazaar-prod', staging: 'bazaar-staging' };
    for (const [env, namespace] of Object.entries(namespaces)) {
      expect(added).toContain(`  added    ${env.padEnd(14)} apps/Deployment ${namespace}/extra\n`);
      expect(added).toContain(`  changed  ${env.padEnd(14)} core/ResourceQuota ${namespace}/platform-quota\n`);
    }
    expect(added).not.toContain('kind-headless ');
    expect(fs.existsSync(path.join(dir, 'overlays/staging/extra/kustomization.yaml'))).toBe(true);

    // A changed value: the service's objects change, nothing is added or removed.
    from = dev.output.length;
    fs.writeFileSync(file, entry(extraService(8081)));
    const changed = await dev.cycle(from);
    expect(changed).toContain('  changed  staging        apps/Deployment bazaar-staging/extra\n');
    expect(changed).toContain('  changed  staging        core/Service bazaar-staging/extra\n');
    expect(changed).not.toMatch(/^ {2}(added|removed) /m);

    expect(await dev.stop('SIGINT')).toBe(0);
    expect(dev.output).toMatch(/dev: stopped \(SIGINT\)\n$/);
    // The per-cycle bundle is removed.
    const bundles = path.join(REPO, '.cache', 'dev');
    expect(fs.readdirSync(bundles).filter((f) => f.startsWith(`dev-${dev.pid}-`))).toEqual([]);
  });

  test('a model that does not compile is one error line, the fix is picked up, and SIGTERM stops it cleanly', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'platform.ts');
    fs.writeFileSync(file, entry());
    const dev = new Dev(file);
    await dev.cycle(0);
    let from = dev.output.length;
    fs.writeFileSync(file, entry('  new Microservice(p, {'));
    const broken = await dev.cycle(from);
    expect(broken).toMatch(/^dev: error: .*platform\.ts: /m);
    from = dev.output.length;
    fs.writeFileSync(
      file,
      entry(`  new Microservice(p, 'web', { image: 'bazaar/web', port: 8080, initialTag: '1.0.0' });`),
    );
    const fixed = await dev.cycle(from);
    expect(fixed).toContain('  added    prod           apps/Deployment bazaar-prod/web\n');
    expect(await dev.stop('SIGTERM')).toBe(0);
    expect(dev.output).toMatch(/dev: stopped \(SIGTERM\)\n$/);
  });
});
