import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { runMain } from '../lib';
import { validate } from '../lib/gate/gate';
import { kustomizeAll } from '../lib/kube/kubectl';
import { render } from '../lib/synth/render';
import { helmChart } from './helm-chart';
import { syntheticEnvironments, syntheticPlatform, syntheticServices, SyntheticSize } from './synthetic';
import { checkProps } from '../lib/core/props-shape';
import { ENVIRONMENT_SHAPE } from '../lib/model/environment';
import { MICROSERVICE_SHAPE } from '../lib/constructs/microservice';
import { ArgoCdObjects } from '../lib/model/gitops';
import { argoCdObjects, diffTrees, formatText } from '../lib/review/diff';
import { findKustomizations } from '../lib/kube/overlays';
import { craftistaLoopPlatform, LoopRun, reviewLoop, syntheticLoopPlatform, watchLoop } from './review-loop';
import { Progress } from '../lib/core/progress';

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

/**
 * The parts of the bench `--phases` selects (all by default): synth (fresh, again, through tsx,
 * Craftista's, in-process, the floor; the fleet comparison with --clusters), validate (kubectl
 * per overlay, validate fresh and again), helm (the peer chart) and review-loop (synth, validate
 * and diff as commands after a model change, the watch mode, and the 4 x 3 chart as its peer).
 */
const PHASES = ['synth', 'validate', 'helm', 'review-loop'] as const;
type Phase = (typeof PHASES)[number];

interface BenchOptions extends SyntheticSize {
  /** The phases to measure. */
  readonly phases: ReadonlySet<Phase>;
  /** Runs of every phase. */
  readonly runs: number;
  /** Runs of the validate phases (each renders every overlay). */
  readonly validateRuns: number;
  /** Print only the JSON line. */
  readonly json: boolean;
  /** Show no progress line (`--quiet`). */
  readonly quiet: boolean;
  /** Overlays rendered one kubectl process each, for the per-process figure. */
  readonly kustomizeSample: number;
  /** Also time synth through tsx (the foundation's command). */
  readonly tsx: boolean;
}

function parseArgs(argv: string[]): BenchOptions {
  const known = [
    '--services',
    '--envs',
    '--clusters',
    '--runs',
    '--validate-runs',
    '--kustomize-sample',
    '--json',
    '--quiet',
    '--tsx',
    '--phases',
  ];
  const unknown = argv.find((a) => a.startsWith('--') && !known.includes(a));
  if (unknown) throw new Error(`unknown option ${unknown}; allowed: ${known.join(', ')}`);
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be an integer >= 1, got ${argv[i + 1]}`);
    return n;
  };
  const runs = value('--runs', 3);
  return {
    services: value('--services', 4),
    envs: value('--envs', 3),
    ...(argv.includes('--clusters') ? { clusters: value('--clusters', 1) } : {}),
    runs,
    validateRuns: value('--validate-runs', Math.min(runs, 2)),
    json: argv.includes('--json'),
    quiet: argv.includes('--quiet'),
    kustomizeSample: value('--kustomize-sample', 10),
    tsx: argv.includes('--tsx'),
    phases: parsePhases(argv),
  };
}

/** `--phases a,b`: each one of PHASES. */
function parsePhases(argv: string[]): ReadonlySet<Phase> {
  const i = argv.indexOf('--phases');
  if (i < 0) return new Set(PHASES);
  const named = (argv[i + 1] ?? '').split(',');
  const unknown = named.find((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown !== undefined) {
    throw new Error(
      `--phases takes a comma-separated list of ${PHASES.join(', ')}, got ${JSON.stringify(argv[i + 1] ?? '')}`,
    );
  }
  return new Set(named as Phase[]);
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

/** `summarize`, or null for a phase that was not run. */
function summarizeRuns(ms: number[]): Timing | null {
  return ms.length > 0 ? summarize(ms) : null;
}

/** `summarize` to the microsecond, for phases far below a millisecond. */
function summarize3(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { minMs: round(sorted[0], 3), medianMs: round(median, 3) };
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

/** The peer (Helm) and the floor render manifests only: no ENVIRONMENTS.md, Makefile or compose file. */
const MANIFESTS_ONLY = { environmentsDoc: false, compose: false, makefile: false } as const;

const ENTRY = (size: SyntheticSize) =>
  `import { App } from 'cdk8s';\n` +
  `import { syntheticPlatform } from '${ROOT}/bench/synthetic';\n\n` +
  `export const synthOptions = ${JSON.stringify(MANIFESTS_ONLY)};\n` +
  `export default (app: App) => syntheticPlatform(app, ${JSON.stringify(size)});\n`;

/** The same synth through tsx, without the bundle (`--tsx`): the entry loaded by Node's require under tsx. */
const TSX_RUNNER =
  `import * as path from 'path';\n` +
  `import { resolveAppEntry } from '${ROOT}/lib/synth/app-entry';\n` +
  `import { runSynthCommand } from '${ROOT}/lib/synth/synth-command';\n\n` +
  `const entry = resolveAppEntry({ app: 'main.ts' });\n` +
  `runSynthCommand(entry, () => require(path.resolve(entry.file)));\n`;

/** Writes a synthetic platform's entry point into `dir` (inside the repo, so it resolves cdk8s). */
function platformDir(work: string, name: string, size: SyntheticSize): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.ts'), ENTRY(size));
  fs.writeFileSync(path.join(dir, 'synth-tsx.ts'), TSX_RUNNER);
  return dir;
}

const LAUNCHER = path.join(ROOT, 'scripts', 'synth.mjs');

function clean(dir: string): void {
  for (const d of ['dist', 'overlays', 'argocd']) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
  flush();
}

/**
 * Writes back what the last removal left dirty, so that the next timed run does not pay for
 * deleting the previous tree (measured: a synth into a just-removed tree took 2.2 s, 1.45 s after sync).
 */
function flush(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

/** Whole-process synth into an empty tree, `runs` times (after one run that builds the bundle). */
async function freshSynths(dir: string, runs: number): Promise<{ cold: ChildRun; runs: ChildRun[] }> {
  const cold = await runChild(process.execPath, [LAUNCHER, '--app', 'main.ts'], dir);
  const timed: ChildRun[] = [];
  for (let i = 0; i < runs; i++) {
    clean(dir);
    timed.push(await runChild(process.execPath, [LAUNCHER, '--app', 'main.ts'], dir));
  }
  return { cold, runs: timed };
}

/** Validate with an empty cache, then again with nothing changed; `runs` pairs. */
async function validations(
  dir: string,
  work: string,
  runs: number,
): Promise<{ first: number[]; render: number[]; again: number[]; overlays: number; objects: number }> {
  const first: number[] = [];
  const render: number[] = [];
  const again: number[] = [];
  let overlays = 0;
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const cacheDir = fs.mkdtempSync(path.join(work, 'validate-cache-'));
    const result = await validate({ rootDir: dir, cacheDir });
    if (result.findings.some((f) => f.severity === 'error'))
      throw new Error(`the synthetic platform does not validate: ${JSON.stringify(result.findings[0])}`);
    first.push(result.elapsedMs);
    render.push(result.renderMs);
    overlays = result.rendered + result.composed;
    objects = result.summary.reduce((n, e) => n + e.objects, 0);
    again.push((await validate({ rootDir: dir, cacheDir })).elapsedMs);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return { first, render, again, overlays, objects };
}

async function bench(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const on = (phase: Phase) => options.phases.has(phase);
  const size: SyntheticSize = { services: options.services, envs: options.envs, clusters: options.clusters };
  // A quarter of the services, for the slope (cost per service x environment between two sizes).
  const small: SyntheticSize = { ...size, services: Math.max(1, Math.floor(size.services / 4)) };
  const runs = options.runs;
  const node = process.execPath;
  // Inside the repo (.cache/ is ignored) so the entry script resolves cdk8s and tsx like main.ts.
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.cache', 'bench-'));
  // A line on the terminal saying which phase runs (stderr, only on a terminal, never with --quiet).
  const progress = new Progress('bench', { quiet: options.quiet });
  try {
    progress.update('fleet: Applications vs ApplicationSets');
    // First, and printed at once (stderr) since the rest takes minutes at fleet sizes.
    const fleet = size.clusters !== undefined && on('synth') ? await fleetComparison(work, size, runs) : null;
    if (fleet && !options.json) {
      process.stderr.write(
        `${fleetLines({ ...size, fleet, machine: { loadavg: os.loadavg().map((l) => round(l)) } }).join('\n')}\n`,
      );
    }
    const synthDir = platformDir(work, 'platform', size);
    const smallDir = platformDir(work, 'small', small);
    // Synth as `npm run synth` runs it (scripts/synth.mjs: cached esbuild bundle, plain node),
    // every run into an empty tree; the first run builds the bundle and is kept apart. Without
    // the synth phase, validate still needs the trees: one untimed synth each.
    progress.update('synth into empty trees');
    const synthed: { cold?: ChildRun; runs: ChildRun[] } = on('synth')
      ? await freshSynths(synthDir, runs)
      : on('validate')
        ? { cold: await runChild(node, [LAUNCHER, '--app', 'main.ts'], synthDir), runs: [] }
        : { runs: [] };
    const synthRuns = synthed.runs;
    const synthBytes = on('synth')
      ? treeBytes(path.join(synthDir, 'dist')) + treeBytes(path.join(synthDir, 'overlays'))
      : 0;
    // Synth again with nothing changed (every write skipped).
    const resynthRuns: ChildRun[] = [];
    for (let i = 0; on('synth') && i < runs; i++) {
      resynthRuns.push(await runChild(node, [LAUNCHER, '--app', 'main.ts'], synthDir));
    }
    // The same synth through tsx (the entry loaded under `node --import tsx`, no bundle), on request.
    const tsxRuns: ChildRun[] = [];
    for (let i = 0; on('synth') && options.tsx && i < runs; i++) {
      clean(synthDir);
      tsxRuns.push(await runChild(node, ['--import', 'tsx', 'synth-tsx.ts'], synthDir));
    }
    progress.update('synth of main.ts');
    // The reference platform (Craftista's main.ts, 4 x 3, everything it writes) into an empty tree.
    const referenceDir = path.join(work, 'reference');
    fs.mkdirSync(referenceDir);
    const referenceRuns: ChildRun[] = [];
    for (let i = 0; on('synth') && i < runs; i++) {
      clean(referenceDir);
      referenceRuns.push(
        await runChild(node, [LAUNCHER, '--app', path.join(ROOT, 'main.ts'), '--root', referenceDir], referenceDir),
      );
    }
    // The smaller platform, for the slope.
    const smallSynthRuns = on('synth')
      ? (await freshSynths(smallDir, runs)).runs
      : on('validate')
        ? (await runChild(node, [LAUNCHER, '--app', 'main.ts'], smallDir), [])
        : [];

    progress.update('render in-process');
    // Overlay generation in-process: build + render in memory, then write.
    const renderMs: number[] = [];
    const writeMs: number[] = [];
    let dump: { file: string; header: string; value: unknown; multi: boolean }[] = [];
    let files = render(syntheticPlatform(new App(), size), MANIFESTS_ONLY); // warm-up, untimed
    dump = objectDump(files.entries());
    for (let i = 0; on('synth') && i < runs; i++) {
      renderMs.push(await timeAsync(() => void (files = render(syntheticPlatform(new App(), size), MANIFESTS_ONLY))));
      const out = path.join(work, `write-${i}`);
      writeMs.push(await timeAsync(() => void files.commit(out, ['dist', 'overlays'])));
      fs.rmSync(out, { recursive: true, force: true });
      flush();
    }

    // Strict input: what the runtime prop checks cost. The same props objects the synthetic
    // platform is built from, checked as the constructors check them (repeated, as one pass is
    // below the timer's resolution), beside building the model and rendering it in the same run.
    const propsCheckMs: number[] = [];
    const modelMs: number[] = [];
    const envProps = syntheticEnvironments(size);
    const serviceProps = syntheticServices(size.services).map((s) => ({
      image: s.image,
      initialTag: s.tag,
      port: s.port,
      component: s.component,
      healthPath: s.healthPath,
      livenessInitialDelaySeconds: s.livenessInitialDelaySeconds,
      variables: s.variables,
      connections: s.connections,
    }));
    const REPEAT = 200;
    for (let i = 0; on('synth') && i < runs; i++) {
      modelMs.push(await timeAsync(() => void syntheticPlatform(new App(), size)));
      const total = await timeAsync(() => {
        for (let k = 0; k < REPEAT; k++) {
          for (const p of envProps) checkProps('bench', p, ENVIRONMENT_SHAPE);
          for (const p of serviceProps) checkProps('bench', p, MICROSERVICE_SHAPE);
        }
      });
      propsCheckMs.push(total / REPEAT);
    }

    progress.update('kubectl per overlay');
    // What batching saves: a sample of per-service overlays, one kubectl process each.
    const serviceOverlays = on('validate')
      ? findKustomizations(path.join(synthDir, 'overlays')).filter(
          (d) => path.relative(path.join(synthDir, 'overlays'), d).split(path.sep).length === 2,
        )
      : [];
    const sampleSize = Math.min(serviceOverlays.length, options.kustomizeSample);
    const sample = Array.from(
      { length: sampleSize },
      (_, i) => serviceOverlays[Math.floor((i * serviceOverlays.length) / sampleSize)],
    );
    const perProcessMs: number[] = [];
    for (let i = 0; on('validate') && i < runs; i++) {
      perProcessMs.push((await timeAsync(async () => void (await kustomizeAll(sample)))) / sample.length);
    }

    progress.update('validate');
    // Validation: every overlay rendered with the real Kustomize (batched) and checked, with an
    // empty cache; then again with nothing changed. The smaller platform once, for the slope.
    const validated = on('validate') ? await validations(synthDir, work, options.validateRuns) : undefined;
    const smallValidated = on('validate') ? await validations(smallDir, work, 1) : undefined;

    progress.update('helm template');
    // The peer: the same platform as a Helm chart, `helm template` once per environment.
    const chartDir = path.join(work, 'chart');
    writeFiles(chartDir, helmChart(size));
    const helm = path.join(ROOT, '.tools', 'bin', 'helm');
    const helmRuns: ChildRun[][] = [];
    for (let i = 0; (on('helm') || on('synth')) && i < runs; i++) {
      const perEnv: ChildRun[] = [];
      for (let e = 0; e < size.envs; e++) {
        const values = path.join(chartDir, `values-env-${e}.yaml`);
        perEnv.push(await runChild(helm, ['template', 'bench', chartDir, '-f', values], work));
      }
      helmRuns.push(perEnv);
    }

    // The floor: node startup + serializing the same objects the same way + writing them.
    const dumpFile = path.join(work, 'objects.json');
    fs.writeFileSync(dumpFile, JSON.stringify(dump));
    const floorScript = bundle(path.join(__dirname, 'floor.ts'), path.join(work, 'floor.cjs'));
    const floorRuns: ChildRun[] = [];
    let floorBytes = 0;
    for (let i = 0; on('synth') && i < runs; i++) {
      const out = path.join(work, 'floor');
      fs.rmSync(out, { recursive: true, force: true });
      flush();
      floorRuns.push(await runChild(node, [floorScript, dumpFile, out], ROOT));
      floorBytes = treeBytes(out);
    }

    // The peer of Craftista: the 4 x 3 chart, `helm template` once per environment, in this run.
    const referenceChartDir = path.join(work, 'chart-4x3');
    writeFiles(referenceChartDir, helmChart({ services: 4, envs: 3 }));
    const helmReferenceRuns: number[] = [];
    for (let i = 0; on('review-loop') && i < runs; i++) {
      let total = 0;
      for (let e = 0; e < 3; e++) {
        const values = path.join(referenceChartDir, `values-env-${e}.yaml`);
        total += (await runChild(helm, ['template', 'bench', referenceChartDir, '-f', values], work)).ms;
      }
      helmReferenceRuns.push(total);
    }

    progress.update('review loop');
    // The review loop: a changed value, then an added service, each followed by synth, validate
    // and diff as commands; and the same changes in the watch mode.
    const loopRuns = options.validateRuns;
    const loopPlatform = syntheticLoopPlatform(size, MANIFESTS_ONLY);
    const loops = on('review-loop')
      ? {
          craftista: await reviewLoop(work, craftistaLoopPlatform(), loopRuns),
          synthetic: await reviewLoop(work, loopPlatform, loopRuns),
          watchCraftista: await watchLoop(work, craftistaLoopPlatform(), loopRuns),
          watchSynthetic: await watchLoop(work, loopPlatform, loopRuns),
        }
      : undefined;

    const synth = summarizeRuns(synthRuns.map((r) => r.ms));
    const smallSynth = summarizeRuns(smallSynthRuns.map((r) => r.ms));
    const helmTotal = summarizeRuns(helmRuns.map((rs) => rs.reduce((n, r) => n + r.ms, 0)));
    const floor = summarizeRuns(floorRuns.map((r) => r.ms));
    const reference = summarizeRuns(referenceRuns.map((r) => r.ms));
    const validateFirst = summarizeRuns(validated?.first ?? []);
    const smallValidate = summarizeRuns(smallValidated?.first ?? []);
    const validateAgain = summarizeRuns(validated?.again ?? []);
    // With clusters, the cost unit is a service in one cluster of one environment.
    const cells = size.services * size.envs * (size.clusters ?? 1);
    const smallCells = small.services * small.envs * (size.clusters ?? 1);
    const slope = (full: Timing | null, smallValue: Timing | null) =>
      cells === smallCells || !full || !smallValue
        ? null
        : round((full.medianMs - smallValue.medianMs) / (cells - smallCells), 2);
    // The equivalent chart of the reference platform is the 4 x 3 one.
    const isReferenceSize = size.services === 4 && size.envs === 3;
    const helmReference = summarizeRuns(helmReferenceRuns);
    const resynthUnchanged = summarizeRuns(resynthRuns.map((r) => r.ms));
    const craftistaLoopSummary = loops ? loopSummary(loops.craftista) : null;
    const syntheticLoopSummary = loops ? loopSummary(loops.synthetic) : null;
    // The slower of the two changes is the loop's figure.
    const slowest = (summary: ReturnType<typeof loopSummary> | null) =>
      summary ? Math.max(...Object.values(summary).map((l) => l.total.medianMs)) : null;
    const craftistaLoopMs = slowest(craftistaLoopSummary);
    const syntheticLoopMs = slowest(syntheticLoopSummary);
    const isLargeSize = size.services === 200 && size.envs === 5;
    /** `value / over` against `limit`, when both were measured. */
    const ratio = (value: number | undefined | null, over: number | undefined | null, limit: number) =>
      value != null && over != null ? target(value / over, limit) : null;
    const result = {
      services: size.services,
      envs: size.envs,
      clusters: size.clusters ?? null,
      runs,
      validateRuns: options.validateRuns,
      phases: PHASES.filter(on),
      files: dump.length,
      overlays: validated?.overlays ?? null,
      perServiceOverlays: serviceOverlays.length,
      kustomizeSample: sample.length,
      objectsValidated: validated?.objects ?? null,
      synth,
      synthColdCacheMs: synthed.cold && on('synth') ? round(synthed.cold.ms) : null,
      synthViaTsx: options.tsx ? summarizeRuns(tsxRuns.map((r) => r.ms)) : null,
      referenceCraftistaSynth: reference,
      resynthUnchanged,
      reviewLoop: loops
        ? {
            runs: loopRuns,
            craftista: craftistaLoopSummary,
            synthetic: syntheticLoopSummary,
            watchCraftista: summarize(loops.watchCraftista),
            watchSynthetic: summarize(loops.watchSynthetic),
            helmTemplateReferenceX3: helmReference,
          }
        : null,
      render: summarizeRuns(renderMs),
      model: summarizeRuns(modelMs),
      propsCheck: propsCheckMs.length > 0 ? summarize3(propsCheckMs) : null,
      write: summarizeRuns(writeMs),
      kustomizePerProcess: summarizeRuns(perProcessMs),
      validateRender: summarizeRuns(validated?.render ?? []),
      validate: validateFirst,
      revalidateUnchanged: validateAgain,
      helmTemplateAllEnvs: helmTotal,
      floor,
      synthOverFloor: synth && floor ? round(synth.medianMs / floor.medianMs, 2) : null,
      slopeMsPerServiceEnv: {
        synth: slope(synth, smallSynth),
        validate: slope(validateFirst, smallValidate),
        helmAverage: helmTotal ? round(helmTotal.medianMs / cells, 2) : null,
      },
      small: { services: small.services, synth: smallSynth, validate: smallValidate },
      bytes: {
        synth: synthBytes,
        floor: floorBytes,
        helm: helmRuns.length > 0 ? helmRuns[0].reduce((n, r) => n + r.stdoutBytes, 0) : null,
      },
      peakRssKb: {
        synth: synthRuns.length > 0 ? Math.max(...synthRuns.map((r) => r.peakRssKb)) : null,
        ...(options.tsx && tsxRuns.length > 0 ? { synthViaTsx: Math.max(...tsxRuns.map((r) => r.peakRssKb)) } : {}),
        helm: helmRuns.length > 0 ? Math.max(...helmRuns.flat().map((r) => r.peakRssKb)) : null,
        floor: floorRuns.length > 0 ? Math.max(...floorRuns.map((r) => r.peakRssKb)) : null,
        benchProcess: process.resourceUsage().maxRSS,
      },
      // The issue's targets (the reference one only at 4 x 3, where the chart is its equivalent);
      // null where a phase they need was not run.
      targets: {
        referenceOverHelmX3: isReferenceSize ? ratio(reference?.medianMs, helmTotal?.medianMs, 3) : null,
        synthOverHelm: ratio(synth?.medianMs, helmTotal?.medianMs, 2),
        renderAndValidateSeconds: ratio(validateFirst?.medianMs, 1000, 20),
        revalidateOverValidate: ratio(validateAgain?.medianMs, validateFirst?.medianMs, 0.1),
        // The clusters issue's targets (#18), at services x environments x clusters.
        ...(fleet
          ? {
              fleetValidateSeconds: ratio(validateFirst?.medianMs, 1000, 60),
              fleetSynthOverFloor: ratio(synth?.medianMs, floor?.medianMs, 1.5),
            }
          : {}),
        resynthUnchangedOverSynth: ratio(resynthUnchanged?.medianMs, synth?.medianMs, 0.5),
        reviewLoopCraftistaSeconds: ratio(craftistaLoopMs, 1000, 1.5),
        reviewLoopCraftistaOverHelmX3: ratio(craftistaLoopMs, helmReference?.medianMs, 10),
        reviewLoop200x5Seconds: isLargeSize ? ratio(syntheticLoopMs, 1000, 10) : null,
      },
      fleet,
      machine: { nproc: os.availableParallelism(), loadavg: os.loadavg().map((l) => round(l)), node: process.version },
    };
    progress.done();
    if (!options.json) printTable(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    progress.done();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles a TypeScript entry into one plain-node script, as scripts/synth.mjs does for main.ts. */
function bundle(entry: string, outfile: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Min / median of each command of a review loop, per model change. */
function loopSummary(
  loops: Record<string, LoopRun[]>,
): Record<string, Record<'synth' | 'validate' | 'diff' | 'total', Timing>> {
  return Object.fromEntries(
    Object.entries(loops).map(([change, runs]) => [
      change,
      {
        synth: summarize(runs.map((r) => r.synthMs)),
        validate: summarize(runs.map((r) => r.validateMs)),
        diff: summarize(runs.map((r) => r.diffMs)),
        total: summarize(runs.map((r) => r.totalMs)),
      },
    ]),
  );
}

/** A measured value against its limit (at most). */
function target(value: number, limit: number): { value: number; limit: number; met: boolean } {
  return { value: round(value, 3), limit, met: value <= limit };
}

/** Each generated file as its header and parsed documents, for the floor to serialize again. */
function objectDump(entries: [string, string][]): { file: string; header: string; value: unknown; multi: boolean }[] {
  return entries.map(([file, content]) => {
    const newline = content.indexOf('\n', content.lastIndexOf('\n#', content.indexOf('\napiVersion')) + 1);
    const header = content.slice(0, newline + 1);
    const docs = parseAllDocuments(content.slice(newline + 1)).map((d) => d.toJS());
    return { file, header, value: docs.length === 1 ? docs[0] : docs, multi: docs.length > 1 };
  });
}

function printTable(r: Record<string, any>): void {
  const row = (name: string, t: Timing | null, note = '') =>
    `${name.padEnd(38)}${t ? `${String(t.minMs).padStart(10)}${String(t.medianMs).padStart(10)}` : '       n/a       n/a'}  ${note}`;
  const t = (k: string) => r[k] as Timing | null;
  const met = (k: string) => {
    const goal = r.targets[k] as { value: number; limit: number; met: boolean } | null;
    if (!goal) return 'n/a at this size';
    return `${goal.value} (target <= ${goal.limit}: ${goal.met ? 'met' : 'NOT met'})`;
  };
  const has = (phase: Phase) => (r.phases as Phase[]).includes(phase);
  const loop = r.reviewLoop;
  const lines = [
    `${r.services} services x ${r.envs} envs${r.clusters ? ` x ${r.clusters} clusters` : ''}, ${r.runs} runs (validate ${r.validateRuns}), phases ${r.phases.join(', ')}, ${r.files} files, ${r.overlays ?? 'n/a'} overlays, ${r.objectsValidated ?? 'n/a'} objects, load ${r.machine.loadavg.join(' ')}`,
    `${'phase'.padEnd(38)}${'min ms'.padStart(10)}${'median ms'.padStart(10)}`,
    ...(has('synth')
      ? [
          row(
            'synth (whole process, empty tree)',
            t('synth'),
            `x helm ${met('synthOverHelm')}; ${r.synthOverFloor}x floor`,
          ),
          row('synth again, nothing changed', t('resynthUnchanged'), `/ synth ${met('resynthUnchangedOverSynth')}`),
          row('synth through tsx (before)', t('synthViaTsx'), r.synthViaTsx ? '' : '--tsx to measure'),
          row(
            'Craftista main.ts synth (4 x 3)',
            t('referenceCraftistaSynth'),
            `x helm x 3 ${met('referenceOverHelmX3')}`,
          ),
          row('overlay generation (render)', t('render'), 'in-process'),
          row('model construction', t('model'), 'in-process, props checks included'),
          row('props checks', t('propsCheck'), 'every props object of the model, checked once'),
          row('write (fresh tree)', t('write'), 'in-process'),
        ]
      : []),
    ...(has('validate')
      ? [
          row(
            'kubectl kustomize, one process each',
            t('kustomizePerProcess'),
            `per overlay, ${r.kustomizeSample} of ${r.perServiceOverlays}`,
          ),
          row('validate: render every overlay', t('validateRender'), 'batched, empty cache'),
          row('validate: render + check everything', t('validate'), `seconds ${met('renderAndValidateSeconds')}`),
          row('validate again, nothing changed', t('revalidateUnchanged'), `ratio ${met('revalidateOverValidate')}`),
        ]
      : []),
    ...(has('helm') || has('synth') ? [row(`helm template x ${r.envs} envs`, t('helmTemplateAllEnvs'), 'peer')] : []),
    ...(has('synth') ? [row('floor (node + serialize + write)', t('floor'))] : []),
    ...(loop
      ? [
          ...['craftista', 'synthetic'].flatMap((p) =>
            Object.entries(loop[p] as Record<string, Record<string, Timing>>).map(([change, l]) =>
              row(
                `review loop ${p === 'craftista' ? 'Craftista' : `${r.services} x ${r.envs}`}, ${change}`,
                l.total,
                `synth ${l.synth.medianMs}, validate ${l.validate.medianMs}, diff ${l.diff.medianMs}`,
              ),
            ),
          ),
          row('watch mode, Craftista (save to printed)', loop.watchCraftista),
          row(`watch mode, ${r.services} x ${r.envs}`, loop.watchSynthetic),
          row('helm template x 3 (4 x 3 chart)', loop.helmTemplateReferenceX3, 'peer of Craftista'),
          `review loop targets: Craftista ${met('reviewLoopCraftistaSeconds')} s; x helm x 3 ${met('reviewLoopCraftistaOverHelmX3')}; 200 x 5 ${met('reviewLoop200x5Seconds')} s`,
        ]
      : []),
    ...(has('synth') && has('validate')
      ? [
          `slope, ms per service x environment${r.clusters ? ' x cluster' : ''} (${r.small.services} -> ${r.services} services): synth ${r.slopeMsPerServiceEnv.synth}, validate ${r.slopeMsPerServiceEnv.validate}; helm ${r.slopeMsPerServiceEnv.helmAverage} (average${r.clusters ? ', one render per environment: the chart has no clusters' : ''})`,
        ]
      : []),
    ...(r.targets.fleetValidateSeconds
      ? [
          `clusters targets: validate ${met('fleetValidateSeconds')} s; validate again / validate ${met('revalidateOverValidate')}; synth / floor ${met('fleetSynthOverFloor')}`,
        ]
      : []),
    ...(r.fleet ? fleetLines(r) : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One way of writing the Argo CD objects, measured: what synth writes and what a reviewer reads. */
interface FleetFigures {
  readonly synth: Timing;
  readonly files: number;
  readonly argocdFiles: number;
  readonly argocdBytes: number;
  /** `npm run diff`'s argocd section when one service is added: objects and lines. */
  readonly addServiceDiff: { readonly objects: number; readonly lines: number };
  /** The same when every environment gets one more cluster. */
  readonly addClusterDiff: { readonly objects: number; readonly lines: number };
}

function countFiles(dir: string): number {
  return fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length
    : 0;
}

/**
 * Applications per environment x cluster x service against one ApplicationSet per environment,
 * side by side in one run: synth (whole process, empty tree), generated files, and the size of
 * the argocd part of `npm run diff` (the overlays part is the same in both) when a service or a
 * cluster is added.
 */
async function fleetComparison(work: string, size: SyntheticSize, runs: number): Promise<Record<string, FleetFigures>> {
  const figures: Record<string, FleetFigures> = {};
  for (const objects of [ArgoCdObjects.APPLICATIONS, ArgoCdObjects.APPLICATION_SETS]) {
    const dir = platformDir(work, `fleet-${objects}`, { ...size, objects });
    const { runs: synthRuns } = await freshSynths(dir, runs);
    const argocd = path.join(dir, 'argocd');
    const diffWith = async (name: string, changed: SyntheticSize) => {
      const other = platformDir(work, `fleet-${objects}-${name}`, changed);
      await runChild(process.execPath, [LAUNCHER, '--app', 'main.ts'], other);
      const changes = diffTrees(new Map([['argocd', argoCdObjects(dir)]]), new Map([['argocd', argoCdObjects(other)]]));
      const result = { objects: changes.length, lines: formatText(changes, ['argocd']).split('\n').length };
      fs.rmSync(other, { recursive: true, force: true });
      return result;
    };
    figures[objects] = {
      synth: summarize(synthRuns.map((r) => r.ms)),
      files: ['dist', 'overlays', 'argocd'].reduce((n, d) => n + countFiles(path.join(dir, d)), 0),
      argocdFiles: countFiles(argocd),
      argocdBytes: treeBytes(argocd),
      addServiceDiff: await diffWith('plus-service', { ...size, objects, services: size.services + 1 }),
      addClusterDiff: await diffWith('plus-cluster', { ...size, objects, clusters: (size.clusters ?? 1) + 1 }),
    };
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

function fleetLines(r: Record<string, any>): string[] {
  const lines = [
    `Argo CD objects at ${r.services} x ${r.envs} x ${r.clusters}, side by side in this run (load ${r.machine.loadavg.join(' ')}):`,
    `${'objects'.padEnd(18)}${'synth median ms'.padStart(16)}${'files'.padStart(8)}${'argocd files'.padStart(14)}${'argocd KB'.padStart(11)}  diff +1 service (objects/lines)  diff +1 cluster per env (objects/lines)`,
  ];
  for (const [name, f] of Object.entries(r.fleet as Record<string, FleetFigures>)) {
    lines.push(
      `${name.padEnd(18)}${String(f.synth.medianMs).padStart(16)}${String(f.files).padStart(8)}${String(f.argocdFiles).padStart(14)}${String(Math.round(f.argocdBytes / 1024)).padStart(11)}  ${`${f.addServiceDiff.objects} / ${f.addServiceDiff.lines}`.padEnd(31)}  ${f.addClusterDiff.objects} / ${f.addClusterDiff.lines}`,
    );
  }
  return lines;
}

runMain('bench', () => bench(process.argv.slice(2)));
