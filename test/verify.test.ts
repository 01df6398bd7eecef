import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { parse } from 'yaml';
import { git, gitInit, synthFixture, tempDir } from './support';
import { Objective } from '../lib';
import { successRatioQuery } from '../lib/constructs/service-rollout';
import { queryScalar } from '../lib/release/prometheus-query';

const repo = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx');
const PROMETHEUS = '/usr/bin/prometheus';
const withPrometheus = fs.existsSync(PROMETHEUS);
const argocdFixtures = path.join(__dirname, 'fixtures', 'argocd');

/** Runs `node --import tsx scripts/<command>.ts ...args` in `cwd` without blocking this process's servers. */
function run(
  cwd: string,
  command: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, path.join(repo, 'scripts', `${command}.ts`), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ARGOCD_AUTH_TOKEN: 'test-token' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A loopback HTTP server; resolves to its base URL. */
function serve(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const { server } = await serve(() => undefined);
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

const loadApplication = (file: string) => JSON.parse(fs.readFileSync(path.join(argocdFixtures, file), 'utf8'));

(withPrometheus ? describe : describe.skip)(
  `npm run verify against a real Prometheus and recorded Argo CD answers${withPrometheus ? '' : ` (skipped: ${PROMETHEUS} is absent)`}`,
  () => {
    const servers: http.Server[] = [];
    let prometheus: ChildProcess | undefined;
    let prometheusUrl = '';
    let argocdUrl = '';
    let hangingUrl = '';
    /** What the recorded Argo CD API answers, by application name; a test may swap one. */
    const applications: Record<string, unknown> = {};
    let root = '';
    /** The relay fixture with staging on clusters staging-eu and staging-us (test/fixtures/platforms/relay-fleet.ts). */
    let fleetRoot = '';

    beforeAll(async () => {
      // The services' counters: api answers 1 in 1000 requests with a 500 (99.9 %), ledger 1 in 10 RPCs Unavailable (90 %).
      let scrapes = 0;
      const metrics = await serve((req, res) => {
        scrapes++;
        const n = scrapes * 1000;
        const body =
          req.url === '/api'
            ? `http_requests_total{code="200"} ${n - scrapes}\nhttp_requests_total{code="500"} ${scrapes}\n`
            : `grpc_server_handled_total{grpc_code="OK"} ${n - 100 * scrapes}\ngrpc_server_handled_total{grpc_code="Unavailable"} ${100 * scrapes}\n`;
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
      });
      servers.push(metrics.server);
      const argocd = await serve((req, res) => {
        const name = /^\/api\/v1\/applications\/([^/?]+)$/.exec(req.url ?? '')?.[1];
        const app = name ? applications[decodeURIComponent(name)] : undefined;
        if (req.headers.authorization !== 'Bearer test-token') {
          res
            .writeHead(401, { 'Content-Type': 'application/json' })
            .end('{"error":"no session information","code":16}');
        } else if (!app) {
          res
            .writeHead(404, { 'Content-Type': 'application/json' })
            .end(`{"error":"applications.argoproj.io \\"${name}\\" not found","code":5}`);
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(app));
        }
      });
      servers.push(argocd.server);
      argocdUrl = argocd.url;
      const hanging = await serve(() => undefined);
      servers.push(hanging.server);
      hangingUrl = hanging.url;

      const promDir = tempDir('stagecraft-prometheus-');
      const target = metrics.url.replace('http://', '');
      fs.writeFileSync(
        path.join(promDir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'scrape_configs:',
          ...['api', 'ledger'].flatMap((job) => [
            `  - job_name: ${job}`,
            `    metrics_path: /${job}`,
            `    static_configs: [{ targets: ['${target}'], labels: { namespace: relay-staging } }]`,
          ]),
          '',
        ].join('\n'),
      );
      const port = await closedPort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${path.join(promDir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(promDir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: 'ignore' },
      );
      // Ready, and each job scraped at least three times (rate() needs two samples): bounded, no timing asserted.
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          const q = encodeURIComponent('min(count_over_time(up[1m])) >= 3 and on() count(up == 1) == 2');
          const answer = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${q}`)).json()) as any;
          if (answer.data?.result?.length === 1) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`prometheus on ${prometheusUrl} did not scrape both jobs within 60s`);
        await new Promise((r) => setTimeout(r, 250));
      }

      root = tempDir();
      synthFixture(root, 'relay');
      gitInit(root);
      fleetRoot = tempDir();
      synthFixture(fleetRoot, 'relay-fleet');
      gitInit(fleetRoot);
    }, 90_000);

    afterAll(async () => {
      prometheus?.kill('SIGTERM');
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    });

    beforeEach(() => {
      for (const key of Object.keys(applications)) delete applications[key];
      applications['relay-staging-api'] = loadApplication('relay-staging-api.json');
      applications['relay-staging-ledger'] = loadApplication('relay-staging-ledger.json');
      git(root, 'checkout', '-q', '--', '.');
      git(root, 'clean', '-qfd');
      git(fleetRoot, 'checkout', '-q', '--', '.');
      git(fleetRoot, 'clean', '-qfd');
    });

    const verified = () => path.join(root, 'releases', 'verified.yaml');
    const records = () => parse(fs.readFileSync(verified(), 'utf8')).verifications;
    const verify = (...args: string[]) =>
      run(root, 'verify', 'staging', '--argocd-server', argocdUrl, '--prometheus', prometheusUrl, ...args);

    it('passes a service that is synced, healthy, runs the pinned image and meets its objective, and records it', async () => {
      const result = await verify('--only', 'api');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/api\s+1\.0\.0\s+passed\s+0\.999/);
      const [record] = records();
      expect(record).toEqual({
        environment: 'staging',
        service: 'api',
        tag: '1.0.0',
        result: 'passed',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        by: 'CI <ci@example.com>',
        deployedAt: '2026-12-01T10:04:47Z',
        successRatio: 0.999,
        objectivePercent: 99,
      });
    });

    it('--json prints the results as clean JSON on stdout, what it recorded on stderr', async () => {
      const result = await verify('--only', 'api', '--json');
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('verify: recorded 1 verification(s) of staging in releases/verified.yaml\n');
      const [printed] = JSON.parse(result.stdout);
      expect(printed.record).toEqual(records()[0]);
      expect(printed.record).toMatchObject({ service: 'api', result: 'passed', successRatio: 0.999 });
    });

    it('fails a service whose success ratio is below the objective, records both, and exits 1', async () => {
      const result = await verify();
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('verify: 1 service(s) of staging failed verification: ledger\n');
      expect(records().map((r: any) => [r.service, r.result, r.successRatio])).toEqual([
        ['api', 'passed', 0.999],
        ['ledger', 'failed', 0.9],
      ]);
      expect(records()[1].reason).toBe('success ratio 0.9 over 30m is below 0.99 (99%)');
    });

    it('fails a service Argo CD reports out of sync, progressing and still running the old image', async () => {
      applications['relay-staging-api'] = loadApplication('relay-staging-api-progressing.json');
      applications['relay-staging-api'] = {
        ...(applications['relay-staging-api'] as object),
        status: {
          ...(applications['relay-staging-api'] as any).status,
          summary: { images: ['relay/api:0.9.0'] },
        },
      };
      const result = await verify('--only', 'api');
      expect(result.status).toBe(1);
      expect(records()[0].reason).toBe(
        'relay-staging-api is OutOfSync; relay-staging-api is Progressing; relay-staging-api runs relay/api:0.9.0, git pins relay/api:1.0.0',
      );
    });

    it('fails when Prometheus is unreachable, in one line, recording nothing', async () => {
      const port = await closedPort();
      const result = await run(
        root,
        'verify',
        'staging',
        '--argocd-server',
        argocdUrl,
        '--prometheus',
        `http://127.0.0.1:${port}`,
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`verify: prometheus http://127.0.0.1:${port}: unreachable (ECONNREFUSED)\n`);
      expect(fs.existsSync(verified())).toBe(false);
    });

    it('fails when Prometheus does not answer in time, in one line, recording nothing', async () => {
      const result = await run(
        root,
        'verify',
        'staging',
        '--argocd-server',
        argocdUrl,
        '--prometheus',
        hangingUrl,
        '--timeout-seconds',
        '1',
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`verify: prometheus ${hangingUrl}: no answer within 1s\n`);
      expect(fs.existsSync(verified())).toBe(false);
    });

    it('fails when Prometheus rejects the objective query, in one line, recording nothing', async () => {
      const fixture = path.join(repo, 'test', 'fixtures', 'platforms', 'relay-platform');
      fs.writeFileSync(
        path.join(root, 'wrong.ts'),
        [
          `import { Objective, Sli } from ${JSON.stringify(path.join(repo, 'lib'))};`,
          `import { relayPlatform } from ${JSON.stringify(fixture)};`,
          'const sli = Sli.promql({ errorRatio: "rate(http_requests_total{{{matchers}}}) / sum(rate(http_requests_total{{{matchers}}}[{{window}}]))" });',
          'export default (app: any) => relayPlatform(app, Objective.availability(99, { sli }));',
          'export const synthOptions = { makefileRepoTargets: false };',
          '',
        ].join('\n'),
      );
      const result = await verify('--app', path.join(root, 'wrong.ts'), '--only', 'api');
      expect(result.status).toBe(1);
      expect(result.stderr.split('\n')).toHaveLength(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^verify: prometheus ${prometheusUrl} rejected the query \\(bad_data: .*expected type range vector in call to function "rate", got instant vector\\): \\(1 - \\(\\(rate\\(http_requests_total\\{job="api",namespace="relay-staging"\\}\\)`,
        ),
      );
      expect(fs.existsSync(verified())).toBe(false);
    });

    it('fails when Argo CD has no such application, in one line, recording nothing', async () => {
      delete applications['relay-staging-api'];
      const result = await verify('--only', 'api');
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`verify: argocd ${argocdUrl}: application relay-staging-api not found\n`);
      expect(fs.existsSync(verified())).toBe(false);
    });

    it('fails when the Argo CD token is refused, in one line', async () => {
      // run() sends the token the recorded server accepts; this sends another
      const refused = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            tsx,
            path.join(repo, 'scripts', 'verify.ts'),
            'staging',
            '--argocd-server',
            argocdUrl,
            '--prometheus',
            prometheusUrl,
          ],
          {
            cwd: root,
            env: { ...process.env, ARGOCD_AUTH_TOKEN: 'wrong' },
          },
        );
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(
        `verify: argocd ${argocdUrl}: not authorized to read application relay-staging-api (set ARGOCD_AUTH_TOKEN)\n`,
      );
    });

    it('fails when releases/verified.yaml is malformed, in one line, leaving it as it was', async () => {
      fs.mkdirSync(path.join(root, 'releases'), { recursive: true });
      const text = 'verifications:\n  - environment: staging\n    service: api\n    result: maybe\n';
      fs.writeFileSync(verified(), text);
      const result = await verify('--only', 'api');
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'verify: releases/verified.yaml: verifications[0].time must be a non-empty string, got undefined\n',
      );
      expect(fs.readFileSync(verified(), 'utf8')).toBe(text);
    });

    it('appends to the records already there, never rewriting them', async () => {
      await verify('--only', 'api');
      const first = fs.readFileSync(verified(), 'utf8');
      await verify('--only', 'api');
      const second = fs.readFileSync(verified(), 'utf8');
      expect(second.startsWith(first)).toBe(true);
      expect(records()).toHaveLength(2);
    });

    it('measures a service without a single error as 1, and refuses one nobody scrapes instead of passing it', async () => {
      const objective = Objective.availability(99).forService('http');
      const api = { job: 'api', namespace: 'relay-staging' };
      expect(await queryScalar(prometheusUrl, successRatioQuery(objective, api, '1m'), 5)).toBeCloseTo(0.999, 3);
      const nowhere = successRatioQuery(objective, { job: 'api', namespace: 'relay-nowhere' }, '1m');
      await expect(queryScalar(prometheusUrl, nowhere, 5)).rejects.toThrow(
        `prometheus ${prometheusUrl} returned 0 series for the query, expected exactly 1 (is the service scraped with these labels?): ${nowhere}`,
      );
    });

    it('fails when the environment has no verification settings', async () => {
      const result = await run(root, 'verify', 'dev', '--argocd-server', argocdUrl);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'verify: environment dev has no verification settings: add verification (prometheusAddress, objective) to its row of the table\n',
      );
    });
    describe('staging on two clusters (staging-eu, staging-us) under one Argo CD', () => {
      /** The recorded answer of staging's api Application in `cluster`, running `image`, in sync and healthy unless changed. */
      const clusterApplication = (cluster: string, image = 'relay/api:1.0.0', status?: object) => {
        const app = loadApplication('relay-staging-api.json');
        const name = `relay-staging-${cluster}-api`;
        return {
          ...app,
          metadata: { ...app.metadata, name },
          spec: { ...app.spec, destination: { name: cluster, namespace: 'relay-staging' } },
          status: { ...app.status, summary: { images: [image] }, ...status },
        };
      };
      const fleetRecords = () =>
        parse(fs.readFileSync(path.join(fleetRoot, 'releases', 'verified.yaml'), 'utf8')).verifications;
      const fleetVerify = (...args: string[]) =>
        run(
          fleetRoot,
          'verify',
          'staging',
          '--argocd-server',
          argocdUrl,
          '--prometheus',
          prometheusUrl,
          '--only',
          'api',
          ...args,
        );
      /** Pins api `tag` in staging as a team would: set-image into dev, promote dev -> staging. */
      const stagingRuns = async (tag: string) => {
        expect((await run(fleetRoot, 'set-image', 'dev', 'api', tag)).status).toBe(0);
        expect((await run(fleetRoot, 'promote', 'dev', 'staging', '--only', 'api')).status).toBe(0);
      };
      const promoteDryRun = () => run(fleetRoot, 'promote', 'staging', 'prod', '--only', 'api', '--dry-run');

      beforeEach(() => {
        for (const cluster of ['staging-eu', 'staging-us']) {
          applications[`relay-staging-${cluster}-api`] = clusterApplication(cluster, 'relay/api:1.1.0');
        }
      });

      it("checks every cluster's Application and records one verification for both where they share the pin", async () => {
        await stagingRuns('1.1.0');
        const result = await fleetVerify();
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect(fleetRecords()).toEqual([
          expect.objectContaining({ environment: 'staging', service: 'api', tag: '1.1.0', result: 'passed' }),
        ]);
        expect(fleetRecords()[0].cluster).toBeUndefined();
        expect((await promoteDryRun()).status).toBe(0);
      });

      it("fails the version when one cluster runs another image, naming that cluster's Application", async () => {
        await stagingRuns('1.1.0');
        applications['relay-staging-staging-us-api'] = clusterApplication('staging-us', 'relay/api:1.0.0', {
          health: { status: 'Degraded' },
        });
        const result = await fleetVerify();
        expect(result.status).toBe(1);
        expect(fleetRecords()).toHaveLength(1);
        expect(fleetRecords()[0]).toMatchObject({ service: 'api', tag: '1.1.0', result: 'failed' });
        expect(fleetRecords()[0].reason).toBe(
          'relay-staging-staging-us-api is Degraded; relay-staging-staging-us-api runs relay/api:1.0.0, git pins relay/api:1.1.0',
        );
        expect((await promoteDryRun()).stderr).toBe(
          'promote: cannot promote staging -> prod: api 1.1.0 has no passed verification in staging; run npm run verify -- staging, or pass --skip-verification --reason "..." (recorded in releases/verified.yaml)\n',
        );
      });

      it('--cluster proves one cluster: prod takes the version only once every staging cluster is proven', async () => {
        await stagingRuns('1.1.0');
        applications['relay-staging-staging-us-api'] = clusterApplication('staging-us', 'relay/api:1.0.0');
        const eu = await fleetVerify('--cluster', 'staging-eu');
        expect(eu.status).toBe(0);
        expect(fleetRecords()).toEqual([
          expect.objectContaining({ service: 'api', tag: '1.1.0', result: 'passed', cluster: 'staging-eu' }),
        ]);
        const refused = await promoteDryRun();
        expect(refused.status).toBe(1);
        expect(refused.stderr).toBe(
          'promote: cannot promote staging -> prod: api 1.1.0 is verified in staging only in staging-eu, not in staging-us; run npm run verify -- staging, or pass --skip-verification --reason "..." (recorded in releases/verified.yaml)\n',
        );
        applications['relay-staging-staging-us-api'] = clusterApplication('staging-us', 'relay/api:1.1.0');
        expect((await fleetVerify('--cluster', 'staging-us')).status).toBe(0);
        expect(fleetRecords().map((r: any) => r.cluster)).toEqual(['staging-eu', 'staging-us']);
        const promoted = await promoteDryRun();
        expect(promoted.stderr).toBe('');
        expect(promoted.status).toBe(0);
        expect(promoted.stdout).toMatch(/api\s.*1\.0\.0\s.*1\.1\.0/);
      });

      it('fails on a cluster the environment does not have, in one line, recording nothing', async () => {
        const result = await fleetVerify('--cluster', 'staging-ap');
        expect(result.status).toBe(1);
        expect(result.stderr).toBe(
          'verify: [environments/staging] unknown cluster "staging-ap"; allowed: staging-eu, staging-us\n',
        );
        expect(fs.existsSync(path.join(fleetRoot, 'releases', 'verified.yaml'))).toBe(false);
      });
    });
  },
);
