import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { synth } from '../lib';
import { acquireLock, LOCK_FILE, withRepositoryLock } from '../lib/core/repo-lock';
import { readImagePin } from '../lib/kube/image-pin';
import { findBlock } from '../lib/release/blocklist';
import { planSetImage } from '../lib/release/promotion';
import { writeRelease } from '../lib/release/release-write';
import { planRollback } from '../lib/release/rollback';
import { LoadedApp } from '../lib/synth/load-app';
import { bazaar } from './fixtures/platforms/bazaar';
import { shop } from './fixtures/platforms/shop';
import { git, gitInit, synthBazaar, tempDir } from './support';
import { Microservice } from '../lib';

const DIGEST = 'sha256:' + 'a'.repeat(64);

function bazaarApp(root: string): LoadedApp {
  return {
    entry: { file: path.join(root, 'main.ts'), rootDir: root } as LoadedApp['entry'],
    platform: bazaar(new App()),
    options: { rootDir: root, outdir: 'dist' },
  };
}

const pinOf = (root: string, env: string, service: string, image = `bazaar/${service}`) =>
  readImagePin(path.join(root, 'overlays', env, service, 'kustomization.yaml'), image);

describe('the repository lock', () => {
  test('fails when another live writer holds it, naming pid, command and since, after the bounded wait', () => {
    const root = tempDir();
    const holder = {
      pid: process.ppid,
      host: os.hostname(),
      command: 'npm run promote -- dev staging',
      since: '2026-12-02T15:00:00.000Z',
    };
    fs.mkdirSync(path.join(root, '.stagecraft'));
    fs.writeFileSync(path.join(root, LOCK_FILE), JSON.stringify(holder));
    const started = Date.now();
    expect(() => withRepositoryLock(root, 'npm run synth', () => 1, { waitSeconds: 0.3 })).toThrow(
      `${LOCK_FILE}: the repository is locked by pid ${process.ppid} on ${os.hostname()} (npm run promote -- dev staging) since 2026-12-02T15:00:00.000Z; waited 0.3 s, try again`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('takes over a lock whose holder is dead, and releases it after', () => {
    const root = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const holder = { pid: Number(dead.stdout), host: os.hostname(), command: 'npm run synth', since: 'x' };
    fs.mkdirSync(path.join(root, '.stagecraft'));
    fs.writeFileSync(path.join(root, LOCK_FILE), JSON.stringify(holder));
    expect(
      withRepositoryLock(
        root,
        'npm run set-image',
        () => JSON.parse(fs.readFileSync(path.join(root, LOCK_FILE), 'utf8')).command,
        { waitSeconds: 1 },
      ),
    ).toBe('npm run set-image');
    expect(fs.existsSync(path.join(root, '.stagecraft'))).toBe(false);
  });

  test('two writers at once: the second waits for the first, so neither loses a tag', () => {
    const root = tempDir();
    synthBazaar(root);
    const script = `
      const { withRepositoryLock } = require(${JSON.stringify(path.resolve(__dirname, '../lib/core/repo-lock.ts'))});
      const fs = require('fs');
      const file = ${JSON.stringify(path.join(root, 'counter'))};
      for (let i = 0; i < 20; i++) withRepositoryLock(${JSON.stringify(root)}, 'counter', () => {
        const n = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
        fs.writeFileSync(file, String(n + 1));
      });`;
    const args = ['--import', require.resolve('tsx'), '-e', script];
    const { spawn } = require('child_process') as typeof import('child_process');
    return Promise.all(
      [0, 1].map(
        () =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
            child.on('exit', (code) => resolve(code ?? -1));
          }),
      ),
    ).then((codes) => {
      expect(codes).toEqual([0, 0]);
      expect(fs.readFileSync(path.join(root, 'counter'), 'utf8')).toBe('40');
    });
  }, 60_000);

  test('nested holds in one process do not deadlock', () => {
    const root = tempDir();
    const release = acquireLock(root, 'outer');
    expect(withRepositoryLock(root, 'inner', () => 'ok')).toBe('ok');
    expect(fs.existsSync(path.join(root, LOCK_FILE))).toBe(true);
    release();
    expect(fs.existsSync(path.join(root, LOCK_FILE))).toBe(false);
  });
});

describe('pins survive model changes', () => {
  test('a changed image repository keeps the pin in every environment, and synth says so', () => {
    const root = tempDir();
    const platformWith = (image: string) => {
      const platform = shop(new App());
      new Microservice(platform, 'catalogue', { image, port: 8080, initialTag: '1.0.0' });
      return platform;
    };
    synth(platformWith('craftista/catalogue'), { rootDir: root });
    const prod = path.join(root, 'overlays/prod/catalogue/kustomization.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace('newTag: 1.0.0', 'newTag: 1.4.2'));
    const log: string[] = [];
    synth(platformWith('ghcr.io/craftista/catalogue'), { rootDir: root, log: (l) => log.push(l) });
    expect(readImagePin(prod, 'ghcr.io/craftista/catalogue')).toEqual({ newTag: '1.4.2' });
    expect(log).toContain(
      'overlays/prod/catalogue/kustomization.yaml: image craftista/catalogue is now ghcr.io/craftista/catalogue; kept its pin 1.4.2',
    );
  });

  test('a renamed service keeps its pins through previousNames; fails without, saying how', () => {
    const root = tempDir();
    const platformWith = (previousNames?: string[]) => {
      const platform = shop(new App());
      new Microservice(platform, 'basket', { image: 'shop/basket', port: 8080, initialTag: '3.0.0', previousNames });
      return platform;
    };
    const before = shop(new App());
    new Microservice(before, 'bag', { image: 'shop/basket', port: 8080, initialTag: '3.0.0' });
    synth(before, { rootDir: root });
    fs.writeFileSync(
      path.join(root, 'overlays/prod/bag/kustomization.yaml'),
      fs
        .readFileSync(path.join(root, 'overlays/prod/bag/kustomization.yaml'), 'utf8')
        .replace('newTag: 3.0.0', 'newTag: 3.2.1'),
    );
    expect(() => synth(platformWith(), { rootDir: root })).toThrow(
      "overlays/dev/basket/kustomization.yaml: would start at initial tag 3.0.0 while overlays/dev/bag/kustomization.yaml (pins 3.0.0) is removed; if the service was renamed add previousNames: ['bag'] to it, else synth with --accept-initial-tags",
    );
    expect(fs.existsSync(path.join(root, 'overlays/prod/bag'))).toBe(true);
    synth(platformWith(['bag']), { rootDir: root });
    expect(pinOf(root, 'prod', 'basket', 'shop/basket')).toEqual({ newTag: '3.2.1' });
    expect(fs.existsSync(path.join(root, 'overlays/prod/bag'))).toBe(false);
  });

  test('fails when an overlay directory was deleted but HEAD pins it, naming the pin; --accept-initial-tags resets', () => {
    const root = tempDir();
    synthBazaar(root);
    const app = bazaarApp(root);
    writeRelease(app, planSetImage({ platform: app.platform, rootDir: root }, 'dev', 'voting', '2.9.0'));
    gitInit(root);
    fs.rmSync(path.join(root, 'overlays/dev/voting'), { recursive: true });
    expect(() => synthBazaar(root)).toThrow(
      'overlays/dev/voting/kustomization.yaml: missing, but HEAD pins 2.9.0 there; restore it with git checkout HEAD -- overlays/dev/voting (or synth with --accept-initial-tags to start it at the initial tag)',
    );
    expect(fs.existsSync(path.join(root, 'overlays/dev/voting'))).toBe(false);
    synth(bazaar(new App()), { rootDir: root, outdir: 'dist', acceptInitialTags: true });
    expect(pinOf(root, 'dev', 'voting')).not.toEqual({ newTag: '2.9.0' });
  });
});

describe('gates that hold', () => {
  test('fails when set-image targets an environment that takes images only by promotion', () => {
    const root = tempDir();
    synthBazaar(root);
    const ctx = { platform: bazaar(new App()), rootDir: root };
    expect(() => planSetImage(ctx, 'prod', 'catalogue', '9.9.9')).toThrow(
      'cannot set-image into prod: it takes images only by promotion (promotion order: dev -> staging -> prod); set-image into dev or kind and promote',
    );
    expect(planSetImage(ctx, 'kind', 'catalogue', '9.9.9')).toHaveLength(1);
  });

  test('fails when promotion would revert a hand patch, naming the file and field; nothing is written', () => {
    const root = tempDir();
    synthBazaar(root);
    const app = bazaarApp(root);
    const patch = path.join(root, 'overlays/staging/voting/deployment-patch.yaml');
    fs.writeFileSync(patch, fs.readFileSync(patch, 'utf8').replace(/replicas: \d+/, 'replicas: 7'));
    const changes = planSetImage({ platform: app.platform, rootDir: root }, 'dev', 'catalogue', '1.8.0');
    expect(() => writeRelease(app, changes)).toThrow(
      'refusing to write: 1 generated file(s) differ from a fresh synth and would be reverted: overlays/staging/voting/deployment-patch.yaml (spec.replicas); put the change in the model and run npm run synth (or restore the files with git checkout), then retry',
    );
    expect(pinOf(root, 'dev', 'catalogue')).toEqual({ newTag: '1.4.2' });
    expect(fs.readFileSync(patch, 'utf8')).toContain('replicas: 7');
  });

  test('a promotion writes only its pin lines and what shows them', () => {
    const root = tempDir();
    synthBazaar(root);
    const app = bazaarApp(root);
    const changes = planSetImage({ platform: app.platform, rootDir: root }, 'dev', 'catalogue', '1.8.0');
    expect(writeRelease(app, changes)).toEqual(expect.arrayContaining(['overlays/dev/catalogue/kustomization.yaml']));
    gitInit(root);
    writeRelease(app, planSetImage({ platform: app.platform, rootDir: root }, 'dev', 'catalogue', '1.9.0'));
    const diff = git(root, 'diff', '-U0', '--', 'overlays')
      .split('\n')
      .filter((l) => /^[-+] /.test(l));
    expect(diff).toEqual(['-    newTag: 1.8.0', '+    newTag: 1.9.0']);
  });

  test('fails when rollback --to names a tag some services never had, naming them', () => {
    const root = tempDir();
    synthBazaar(root);
    const app = bazaarApp(root);
    gitInit(root);
    const ctx = { platform: app.platform, rootDir: root };
    writeRelease(app, planSetImage(ctx, 'dev', 'catalogue', '1.3.0'));
    git(root, 'commit', '-qam', 'catalogue 1.3.0');
    writeRelease(app, planSetImage(ctx, 'dev', 'catalogue', '1.5.0'));
    git(root, 'commit', '-qam', 'catalogue 1.5.0');
    const services = app.platform.services.map((s) => s.name);
    const others = services.filter((s) => s !== 'catalogue');
    expect(() => planRollback(ctx, { env: 'dev', services, to: '1.3.0', reason: 'bad', date: '2026-12-02' })).toThrow(
      `--to 1.3.0: ${others.join(', ')} never had 1.3.0 in dev; name the services that did: catalogue`,
    );
    const plan = planRollback(ctx, {
      env: 'dev',
      services: ['catalogue'],
      to: '1.3.0',
      reason: 'bad',
      date: '2026-12-02',
    });
    expect(plan.changes.map((c) => c.after)).toEqual([{ newTag: '1.3.0' }]);
  });

  test('the blocklist matches digests as well as tags', () => {
    const blocked = [{ service: 'catalogue', digest: DIGEST, reason: 'cve', date: '2026-12-02' }];
    expect(findBlock(blocked, 'catalogue', { digest: DIGEST })?.reason).toBe('cve');
    expect(findBlock(blocked, 'catalogue', { newTag: '1.0.0', digest: DIGEST })?.reason).toBe('cve');
    expect(findBlock(blocked, 'catalogue', { newTag: '1.0.0' })).toBeUndefined();
    expect(
      findBlock([{ service: 'catalogue', tag: '1.0.0', reason: 'r', date: 'd' }], 'catalogue', { newTag: '1.0.0' }),
    ).toBeDefined();
  });
});
