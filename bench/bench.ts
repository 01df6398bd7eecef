import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { findKustomizations, kustomizeAll, runMain } from '../lib';
import { helmChart } from './helm-chart';
import { syntheticPlatform, SyntheticSize } from './synthetic';

const ROOT = path.resolve(__dirname, '..');

/** Min and median of a phase's runs, in milliseconds. */
interface Timing {
  readonly minMs: number;
  readonly medianMs: number;
}

/** One timed child process: wall time and peak resident memory (VmHWM, sampled). */
interface ChildRun {
  readonly ms: number;
  readonly peakRssKb: number;
  readonly stdoutBytes: number;
}

function parseArgs(argv: string[]): SyntheticSize & { runs: number; json: boolean; kustomizeSample: number } {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be an integer >= 1, got ${argv[i + 1]}`);
    return n;
  };
  return {
    services: value('--services', 4),
    envs: value('--envs', 3),
    runs: value('--runs', 5),
    json: argv.includes('--json'),
    kustomizeSample: argv.includes('--kustomize-all') ? Infinity : value('--kustomize-sample', 100),
  };
}

/** Runs a command, sampling /proc/<pid>/status VmHWM (a high-water mark) every 5 ms. */
function runChild(command: string, args: string[], cwd: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakRssKb = 0;
    let stdoutBytes = 0;
    let stderr = '';
    const sample = () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const match = /VmHWM:\s+(\d+)/.exec(status);
        if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
      } catch {
        // the process just exited
      }
    };
    const timer = setInterval(sample, 5);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      sample();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0)
        reject(new Error(`${path.basename(command)} ${args.join(' ')} failed: ${stderr.trim().split('\n')[0]}`));
      else resolve({ ms, peakRssKb, stdoutBytes });
    });
  });
}

async function timeAsync(fn: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function summarize(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { minMs: round(sorted[0]), medianMs: round(median) };
}

function round(ms: number, digits = 1): number {
  return Math.round(ms * 10 ** digits) / 10 ** digits;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
}

/**
 * The validate phase, wired to `lib/validate/` when it is on this branch (resolved at run
 * time so the bench builds without it). Returns undefined when there is nothing to measure.
 */
function validatePhase(): ((rootDir: string, cacheDir: string) => Promise<void>) | undefined {
  const modulePath = path.join(ROOT, 'lib', 'validate');
  if (!fs.existsSync(modulePath) && !fs.existsSync(`${modulePath}.ts`)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validate } = require(modulePath) as {
    validate: (o: { rootDir: string; cacheDir?: string }) => Promise<unknown> | unknown;
  };
  return async (rootDir, cacheDir) => {
    await validate({ rootDir, cacheDir });
  };
}

/** The peer (Helm) and the floor render manifests only: no ENVIRONMENTS.md, Makefile or compose file. */
const MANIFESTS_ONLY = { environmentsDoc: false, compose: false, makefile: false } as const;

const ENTRY = (size: SyntheticSize) =>
  `import { App } from 'cdk8s';\n` +
  `import { runMain } from '${ROOT}/lib';\n` +
  `import { syntheticPlatform } from '${ROOT}/bench/synthetic';\n\n` +
  `runMain('synth', () => {\n` +
  `  syntheticPlatform(new App(), { services: ${size.services}, envs: ${size.envs} }).synth(${JSON.stringify(MANIFESTS_ONLY)});\n` +
  `});\n`;

async function bench(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const size: SyntheticSize = { services: options.services, envs: options.envs };
  const runs = options.runs;
  // Inside the repo (.cache/ is ignored) so the entry script resolves cdk8s and tsx like main.ts.
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.cache', 'bench-'));
  try {
    const node = process.execPath;
    const synthDir = path.join(work, 'platform');
    fs.mkdirSync(synthDir);
    fs.writeFileSync(path.join(synthDir, 'main.ts'), ENTRY(size));

    // (a) synth as `npm run synth` runs it (scripts/synth.mjs: cached esbuild bundle, plain
    // node), every run into an empty tree; the first run builds the bundle and is kept apart.
    const launcher = [path.join(ROOT, 'scripts', 'synth.mjs'), 'main.ts'];
    const clean = (dir: string) => {
      for (const d of ['dist', 'overlays']) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
    };
    const synthColdCache = await runChild(node, launcher, synthDir);
    const synthRuns: ChildRun[] = [];
    for (let i = 0; i < runs; i++) {
      clean(synthDir);
      synthRuns.push(await runChild(node, launcher, synthDir));
    }
    const synthBytes = treeBytes(path.join(synthDir, 'dist')) + treeBytes(path.join(synthDir, 'overlays'));
    // (a') synth again with nothing changed (every write skipped).
    const resynthRuns: ChildRun[] = [];
    for (let i = 0; i < runs; i++) resynthRuns.push(await runChild(node, launcher, synthDir));
    // (a'') the same synth through tsx (`node --import tsx main.ts`, the foundation's command).
    const tsxRuns: ChildRun[] = [];
    for (let i = 0; i < runs; i++) {
      clean(synthDir);
      tsxRuns.push(await runChild(node, ['--import', 'tsx', 'main.ts'], synthDir));
    }
    // (a''') the reference platform (Craftista's main.ts, 4 x 3) into an empty tree.
    const referenceDir = path.join(work, 'reference');
    fs.mkdirSync(referenceDir);
    const referenceRuns: ChildRun[] = [];
    for (let i = 0; i < runs; i++) {
      clean(referenceDir);
      referenceRuns.push(await runChild(node, [launcher[0], path.join(ROOT, 'main.ts')], referenceDir));
    }

    // (b) overlay generation in-process: build + render in memory, then write.
    const renderMs: number[] = [];
    const writeMs: number[] = [];
    let dump: { file: string; header: string; value: unknown; multi: boolean }[] = [];
    for (let i = 0; i < runs; i++) {
      let files = syntheticPlatform(new App(), size).render(MANIFESTS_ONLY);
      renderMs.push(await timeAsync(() => void (files = syntheticPlatform(new App(), size).render(MANIFESTS_ONLY))));
      const out = path.join(work, `write-${i}`);
      writeMs.push(await timeAsync(() => files.commit(out, ['dist', 'overlays'])));
      fs.rmSync(out, { recursive: true, force: true });
      dump = files.entries().map(([file, content]) => {
        const newline = content.indexOf('\n', content.lastIndexOf('\n#', content.indexOf('\napiVersion')) + 1);
        const header = content.slice(0, newline + 1);
        const docs = parseAllDocuments(content.slice(newline + 1)).map((d) => d.toJS());
        return { file, header, value: docs.length === 1 ? docs[0] : docs, multi: docs.length > 1 };
      });
    }

    // (c) every per-service overlay rendered with the real Kustomize, in parallel.
    const serviceOverlays = findKustomizations(path.join(synthDir, 'overlays')).filter(
      (d) => path.relative(path.join(synthDir, 'overlays'), d).split(path.sep).length === 2,
    );
    // Kustomize costs ~100 ms of CPU per overlay whatever its size, so above
    // --kustomize-sample overlays (default 100) an evenly spaced sample is rendered and the
    // time scaled to all of them; --kustomize-all renders every one.
    const sampleSize = Math.min(serviceOverlays.length, options.kustomizeSample);
    const sample = Array.from(
      { length: sampleSize },
      (_, i) => serviceOverlays[Math.floor((i * serviceOverlays.length) / sampleSize)],
    );
    const scale = serviceOverlays.length / sample.length;
    const kustomizeMs: number[] = [];
    let kustomizeBytes = 0;
    for (let i = 0; i < runs; i++) {
      let rendered = new Map<string, string>();
      kustomizeMs.push(scale * (await timeAsync(async () => void (rendered = await kustomizeAll(sample)))));
      kustomizeBytes = Math.round(scale * [...rendered.values()].reduce((n, y) => n + Buffer.byteLength(y), 0));
    }

    // (d) validation, once lib/validate/ lands: a first run and a second with nothing changed.
    const validate = validatePhase();
    const validateMs: number[] = [];
    const revalidateMs: number[] = [];
    if (validate) {
      for (let i = 0; i < runs; i++) {
        const cacheDir = path.join(work, `validate-cache-${i}`);
        validateMs.push(await timeAsync(() => validate(synthDir, cacheDir)));
        revalidateMs.push(await timeAsync(() => validate(synthDir, cacheDir)));
      }
    }

    // (e) the peer: the same platform as a Helm chart, `helm template` once per environment.
    const chartDir = path.join(work, 'chart');
    writeFiles(chartDir, helmChart(size));
    const helm = path.join(ROOT, '.tools', 'bin', 'helm');
    const helmRuns: ChildRun[][] = [];
    for (let i = 0; i < runs; i++) {
      const perEnv: ChildRun[] = [];
      for (let e = 0; e < size.envs; e++) {
        perEnv.push(
          await runChild(
            helm,
            ['template', 'bench', chartDir, '-f', path.join(chartDir, `values-env-${e}.yaml`)],
            work,
          ),
        );
      }
      helmRuns.push(perEnv);
    }

    // (f) the floor: node startup + serializing the same objects with the same YAML library.
    const dumpFile = path.join(work, 'objects.json');
    fs.writeFileSync(dumpFile, JSON.stringify(dump));
    const floorRuns: ChildRun[] = [];
    let floorBytes = 0;
    for (let i = 0; i < runs; i++) {
      const out = path.join(work, 'floor');
      fs.rmSync(out, { recursive: true, force: true });
      floorRuns.push(await runChild(node, [path.join(__dirname, 'floor.mjs'), dumpFile, out], ROOT));
      floorBytes = treeBytes(out);
    }

    const synth = summarize(synthRuns.map((r) => r.ms));
    const helmTotal = summarize(helmRuns.map((rs) => rs.reduce((n, r) => n + r.ms, 0)));
    const floor = summarize(floorRuns.map((r) => r.ms));
    const cells = size.services * size.envs;
    const result = {
      services: size.services,
      envs: size.envs,
      runs,
      files: dump.length,
      perServiceOverlays: serviceOverlays.length,
      kustomizeRendered: sample.length,
      synth,
      synthColdCacheMs: round(synthColdCache.ms),
      synthViaTsx: summarize(tsxRuns.map((r) => r.ms)),
      referenceCraftistaSynth: summarize(referenceRuns.map((r) => r.ms)),
      resynthUnchanged: summarize(resynthRuns.map((r) => r.ms)),
      render: summarize(renderMs),
      write: summarize(writeMs),
      kustomizeAll: summarize(kustomizeMs),
      validate: validate ? summarize(validateMs) : null,
      revalidateUnchanged: validate ? summarize(revalidateMs) : null,
      helmTemplateAllEnvs: helmTotal,
      floor,
      synthOverHelm: round(synth.medianMs / helmTotal.medianMs, 2),
      referenceOverHelm:
        size.services === 4 && size.envs === 3
          ? round(summarize(referenceRuns.map((r) => r.ms)).medianMs / helmTotal.medianMs, 2)
          : null,
      synthOverFloor: round(synth.medianMs / floor.medianMs, 2),
      synthPerServiceEnvMs: round(synth.medianMs / cells, 2),
      helmPerServiceEnvMs: round(helmTotal.medianMs / cells, 2),
      kustomizePerOverlayMs: round((kustomizeMs.length ? summarize(kustomizeMs).medianMs : 0) / serviceOverlays.length),
      bytes: {
        synth: synthBytes,
        floor: floorBytes,
        helm: helmRuns[0].reduce((n, r) => n + r.stdoutBytes, 0),
        kustomize: kustomizeBytes,
      },
      peakRssKb: {
        synth: Math.max(...synthRuns.map((r) => r.peakRssKb)),
        synthViaTsx: Math.max(...tsxRuns.map((r) => r.peakRssKb)),
        helm: Math.max(...helmRuns.flat().map((r) => r.peakRssKb)),
        floor: Math.max(...floorRuns.map((r) => r.peakRssKb)),
        benchProcess: process.resourceUsage().maxRSS,
      },
      machine: { nproc: os.availableParallelism(), loadavg: os.loadavg().map((l) => round(l)), node: process.version },
    };
    if (!options.json) printTable(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function printTable(r: Record<string, unknown>): void {
  const row = (name: string, t: Timing | null, note = '') =>
    `${name.padEnd(34)}${t ? `${String(t.minMs).padStart(10)}${String(t.medianMs).padStart(10)}` : '       n/a       n/a'}  ${note}`;
  const t = (k: string) => r[k] as Timing | null;
  const lines = [
    `${r.services} services x ${r.envs} envs, ${r.runs} runs, ${r.files} files, load ${(r.machine as { loadavg: number[] }).loadavg.join(' ')}`,
    `${'phase'.padEnd(34)}${'min ms'.padStart(10)}${'median ms'.padStart(10)}`,
    row('synth (whole process)', t('synth'), `${r.synthOverHelm}x helm, ${r.synthOverFloor}x floor`),
    row('synth again, nothing changed', t('resynthUnchanged')),
    row('synth through tsx (before)', t('synthViaTsx'), `first run with a cold bundle cache: ${r.synthColdCacheMs} ms`),
    row(
      'Craftista main.ts synth (4 x 3)',
      t('referenceCraftistaSynth'),
      r.referenceOverHelm === null ? 'reference platform' : `reference platform, ${r.referenceOverHelm}x helm`,
    ),
    row('overlay generation (render)', t('render'), 'in-process'),
    row('write (fresh tree)', t('write'), 'in-process'),
    row(
      `kustomize all ${r.perServiceOverlays} overlays`,
      t('kustomizeAll'),
      `${r.kustomizePerOverlayMs} ms/overlay${r.kustomizeRendered === r.perServiceOverlays ? '' : `, ${r.kustomizeRendered} rendered, scaled`}`,
    ),
    row('validate', t('validate'), t('validate') ? '' : 'lib/validate/ not on this branch'),
    row('validate again, nothing changed', t('revalidateUnchanged')),
    row(`helm template x ${r.envs} envs`, t('helmTemplateAllEnvs'), 'peer'),
    row('floor (node + yaml stringify)', t('floor')),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

runMain('bench', () => bench(process.argv.slice(2)));
