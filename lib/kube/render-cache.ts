import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from 'js-yaml';
import { kubectlPath, kustomizeYaml } from './kubectl';
import { K8sObject, objectIdentity, parseManifests } from './object';

/** Bump when the cached content's meaning changes. */
const CACHE_VERSION = 'v2';

/** Marks, inside a batched render, which overlay an object came from; removed before anyone sees it. */
export const RENDER_SOURCE_ANNOTATION = 'stagecraft.dev/render-source';

/**
 * Overlays rendered together in one `kubectl kustomize` at most. One process costs ~100 ms
 * whatever it renders; a run's cost per object grows with its size. Measured at 200 services
 * x 5 environments on 2 cores: batches of 25 took 8.1 s, 40 took 7.4 s, 100 took 9.0 s.
 */
const DEFAULT_BATCH_SIZE = 40;

/**
 * Kustomization fields whose effect reaches past their own level: renames (and the top-level
 * name-reference fix they need), generators (hash suffixes are added at the top), vars, and
 * anything that changes the schema or name-reference configuration for the whole build. An
 * overlay whose tree uses none of them renders to the same objects alone or beside others.
 */
const GLOBAL_FIELDS = [
  'namePrefix',
  'nameSuffix',
  'configMapGenerator',
  'secretGenerator',
  'generators',
  'transformers',
  'vars',
  'openapi',
  'helmCharts',
  'helmGlobals',
  'crds',
  'configurations',
];

/** Fields a kustomization may have and still be a plain composition of directories. */
const COMPOSITION_FIELDS = new Set(['apiVersion', 'kind', 'resources']);

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** How a rendered overlay was obtained. */
export type RenderSource = 'cache' | 'kubectl' | 'composed';

/** One rendered overlay. */
export interface RenderedOverlay {
  /** Overlay directory relative to the root (posix). */
  readonly dir: string;
  /** Rendered objects, when rendering succeeded. */
  readonly objects?: K8sObject[];
  /** One-line error, when it failed. */
  readonly error?: string;
  /**
   * `cache`: inputs unchanged since a cached render; `kubectl`: rendered by Kustomize in this
   * run (alone or batched); `composed`: the concatenation of its sub-overlays' renders.
   */
  readonly source: RenderSource;
}

/** Options of `renderOverlays()`. */
export interface RenderOptions {
  /**
   * Where renders are cached by input hash.
   * @default - no cache
   */
  readonly cacheDir?: string;
  /**
   * Kubectl processes at once.
   * @default - the CPU count
   */
  readonly concurrency?: number;
  /**
   * Overlays rendered together in one kubectl process at most; 1 renders each alone.
   * @default DEFAULT_BATCH_SIZE
   */
  readonly batchSize?: number;
  /**
   * Called once per planned kubectl run with the overlays it renders (relative to the root),
   * before it starts: for statistics and tests.
   * @default - nothing is called
   */
  readonly onKubectlRun?: (dirs: readonly string[]) => void;
}

/** What one directory's kustomization tree reads and whether it can share a render. */
interface OverlayInfo {
  /** Every file the tree reads, absolute. */
  readonly inputs: ReadonlySet<string>;
  /** Every kustomization directory in the tree (itself included), absolute. */
  readonly dirs: ReadonlySet<string>;
  /** No field with an effect past its own level anywhere in the tree, no remote resource. */
  readonly batchable: boolean;
  /** Reads something not on disk (a remote resource): never cached. */
  readonly remote: boolean;
  /** For a plain composition: its resource directories, absolute. */
  readonly composedOf?: readonly string[];
}

/**
 * Renders overlays with the real Kustomize. An overlay whose inputs (every file it reads,
 * through resources, components and patches, plus the kubectl binary) hash to a result in
 * `cacheDir` is not rendered again. The rest are rendered in batches: one `kubectl kustomize`
 * of a temporary kustomization that lists up to `batchSize` overlays, each through a one-field
 * annotation that says which overlay an object came from, because Kustomize's cost is mostly a
 * fixed ~100 ms a process. Only overlays that render to the same objects alone and together
 * are batched (no renames, generators or vars anywhere in their tree); a batch that fails is
 * rendered again one overlay at a time, so every error names its own overlay. A kustomization
 * that only lists directories rendered here (an environment's) is their concatenation, which
 * is how Kustomize builds it, so it is composed instead of rendered a second time; if a part
 * failed or two parts define the same object, it is rendered for real to report Kustomize's error.
 */
export async function renderOverlays(
  rootDir: string,
  dirs: readonly string[],
  options: RenderOptions = {},
): Promise<RenderedOverlay[]> {
  const toolId = kubectlIdentity();
  const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const memo = new Map<string, OverlayInfo>();
  const absolute = dirs.map((d) => path.resolve(rootDir, d));
  const infos = absolute.map((dir) => analyze(dir, memo));
  const results = new Map<string, RenderedOverlay>();
  const listed = new Set(absolute);

  // Cache hits, then what is left to render with kubectl (composed overlays wait for their parts).
  const keys = new Map<string, string>();
  const pending: string[] = [];
  const composed: string[] = [];
  absolute.forEach((dir, i) => {
    const info = infos[i];
    if (info.composedOf && info.batchable && info.composedOf.every((d) => listed.has(d))) {
      composed.push(dir);
      return;
    }
    const key = options.cacheDir && !info.remote ? inputHash(rootDir, info.inputs, toolId) : undefined;
    const cached = key ? readCache(options.cacheDir!, key) : undefined;
    if (cached) {
      results.set(dir, { dir: relativeDir(rootDir, dir), objects: cached, source: 'cache' });
      return;
    }
    if (key) keys.set(dir, key);
    pending.push(dir);
  });

  const tasks = planBatches(pending, memo, batchSize, concurrency);
  await pool(tasks, concurrency, async (batch) => {
    options.onKubectlRun?.(batch.map((d) => relativeDir(rootDir, d)));
    for (const [dir, result] of await renderBatch(rootDir, batch)) {
      results.set(dir, result);
      const key = keys.get(dir);
      if (key && result.objects) writeCache(options.cacheDir!, key, result.objects);
    }
  });

  // Compositions, innermost first; a failed part or a duplicate object needs Kustomize's own error.
  const fallback: string[] = [];
  for (const dir of composed.sort((a, b) => b.length - a.length)) {
    const parts = memo.get(dir)!.composedOf!.map((d) => results.get(d));
    const objects = parts.every((p) => p?.objects) ? parts.flatMap((p) => p!.objects!) : undefined;
    if (objects && !hasDuplicates(objects)) {
      results.set(dir, { dir: relativeDir(rootDir, dir), objects, source: 'composed' });
    } else fallback.push(dir);
  }
  await pool(
    fallback.map((d) => [d]),
    concurrency,
    async (batch) => {
      for (const [dir, result] of await renderBatch(rootDir, batch)) results.set(dir, result);
    },
  );
  return absolute.map((dir) => results.get(dir)!);
}

/**
 * What a render depends on besides its input files: the cache format and the kubectl binary
 * (its size and modification time), so a new Kustomize never reuses an old render.
 */
export function kubectlIdentity(): string {
  const stat = fs.statSync(kubectlPath());
  return `${CACHE_VERSION}:${stat.size}:${stat.mtimeMs}`;
}

/**
 * For each of `dirs`, a hash of every file its kustomization tree reads (paths relative to
 * `rootDir`, so the same tree checked out elsewhere hashes the same) and of the kubectl binary:
 * two overlays with the same hash render to the same objects. Undefined for an overlay that
 * reads something remote or cannot be read, which has to be rendered.
 */
export function overlayInputHashes(rootDir: string, dirs: readonly string[]): (string | undefined)[] {
  const toolId = kubectlIdentity();
  const memo = new Map<string, OverlayInfo>();
  return dirs.map((d) => {
    const info = analyze(path.resolve(rootDir, d), memo);
    return info.remote ? undefined : inputHash(rootDir, info.inputs, toolId);
  });
}

/**
 * Every file the kustomization trees of `dirs` read (resources, components, patches, the
 * files of each directory), absolute and sorted; undefined when one of them reads something
 * remote, whose content no file holds.
 */
export function overlayInputFiles(rootDir: string, dirs: readonly string[]): string[] | undefined {
  const memo = new Map<string, OverlayInfo>();
  const files = new Set<string>();
  for (const d of dirs) {
    const info = analyze(path.resolve(rootDir, d), memo);
    if (info.remote) return undefined;
    for (const f of info.inputs) files.add(f);
  }
  return [...files].sort();
}

/** Groups overlays into kubectl runs: batchable leaves together (per parent), the rest alone. */
function planBatches(
  dirs: readonly string[],
  memo: Map<string, OverlayInfo>,
  size: number,
  workers: number,
): string[][] {
  const alone: string[][] = [];
  const groups = new Map<string, string[]>();
  const siblings = new Map<string, Set<string>>();
  for (const dir of dirs) {
    const parent = path.dirname(dir);
    siblings.set(parent, (siblings.get(parent) ?? new Set()).add(dir));
  }
  for (const dir of dirs) {
    const info = memo.get(dir)!;
    const parent = path.dirname(dir);
    // A batch holds siblings only: one that includes a sibling would define its objects twice.
    // Including an overlay rendered elsewhere (a cluster overlay layered on its environment's
    // service overlay) is fine: that one is in another batch.
    const containsSibling = [...info.dirs].some((d) => d !== dir && siblings.get(parent)!.has(d));
    if (!info.batchable || containsSibling) alone.push([dir]);
    else groups.set(parent, [...(groups.get(parent) ?? []), dir]);
  }
  const batches: string[][] = [];
  for (const group of groups.values()) {
    const count = Math.ceil(group.length / size);
    const per = Math.ceil(group.length / count);
    for (let i = 0; i < group.length; i += per) batches.push(group.slice(i, i + per));
  }
  // Halve the largest batch while a worker would have none: every process costs its ~100 ms, so
  // a change in a few overlays of several environments is one process per environment, not per worker.
  while (alone.length + batches.length < workers) {
    batches.sort((a, b) => b.length - a.length);
    if (batches.length === 0 || batches[0].length < 2) break;
    const largest = batches.shift()!;
    const half = Math.ceil(largest.length / 2);
    batches.push(largest.slice(0, half), largest.slice(half));
  }
  // Largest first so the last worker is not left with the longest run.
  return [...alone, ...batches].sort((a, b) => b.length - a.length);
}

/** Renders overlays in one kubectl run; if that fails, each one alone. */
async function renderBatch(rootDir: string, dirs: readonly string[]): Promise<Map<string, RenderedOverlay>> {
  const results = new Map<string, RenderedOverlay>();
  if (dirs.length === 1) {
    results.set(dirs[0], await renderAlone(rootDir, dirs[0]));
    return results;
  }
  const wrapper = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-render-'));
  try {
    dirs.forEach((dir, i) => {
      const part = path.join(wrapper, `o${i}`);
      fs.mkdirSync(part);
      fs.writeFileSync(path.join(part, 'kustomization.yaml'), sourceKustomization(path.relative(part, dir), i));
    });
    fs.writeFileSync(
      path.join(wrapper, 'kustomization.yaml'),
      `resources:\n${dirs.map((_, i) => `  - o${i}\n`).join('')}`,
    );
    let objects: K8sObject[];
    try {
      objects = parseManifests(await kustomizeYaml(wrapper), 'batch');
    } catch {
      return renderEach(rootDir, dirs);
    }
    const split = dirs.map(() => [] as K8sObject[]);
    for (const o of objects) {
      const annotations = (o.metadata?.annotations ?? {}) as Record<string, string>;
      const part = split[Number(annotations[RENDER_SOURCE_ANNOTATION] ?? NaN)];
      if (!part) return renderEach(rootDir, dirs);
      delete annotations[RENDER_SOURCE_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete (o.metadata as { annotations?: unknown }).annotations;
      part.push(o);
    }
    dirs.forEach((dir, i) =>
      results.set(dir, { dir: relativeDir(rootDir, dir), objects: split[i], source: 'kubectl' }),
    );
    return results;
  } finally {
    fs.rmSync(wrapper, { recursive: true, force: true });
  }
}

async function renderEach(rootDir: string, dirs: readonly string[]): Promise<Map<string, RenderedOverlay>> {
  const results = new Map<string, RenderedOverlay>();
  for (const dir of dirs) results.set(dir, await renderAlone(rootDir, dir));
  return results;
}

async function renderAlone(rootDir: string, dir: string): Promise<RenderedOverlay> {
  const relative = relativeDir(rootDir, dir);
  try {
    return { dir: relative, objects: parseManifests(await kustomizeYaml(dir), relative), source: 'kubectl' };
  } catch (error) {
    return { dir: relative, error: (error as Error).message.replace(`${dir} `, `${relative} `), source: 'kubectl' };
  }
}

/** A kustomization that includes `target` and marks each of its objects with `index`. */
function sourceKustomization(target: string, index: number): string {
  return [
    'resources:',
    `  - ${JSON.stringify(target.split(path.sep).join('/'))}`,
    'transformers:',
    '  - |-',
    '    apiVersion: builtin',
    '    kind: AnnotationsTransformer',
    '    metadata:',
    '      name: stagecraft-render-source',
    '    annotations:',
    `      ${RENDER_SOURCE_ANNOTATION}: "${index}"`,
    '    fieldSpecs:',
    '      - path: metadata/annotations',
    '        create: true',
    '',
  ].join('\n');
}

function hasDuplicates(objects: readonly K8sObject[]): boolean {
  const seen = new Set<string>();
  for (const o of objects) {
    const id = objectIdentity(o);
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** Runs `work` over `items`, at most `concurrency` at once. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function readCache(cacheDir: string, key: string): K8sObject[] | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, `${key}.json`), 'utf8')) as K8sObject[];
  } catch {
    return undefined;
  }
}

function writeCache(cacheDir: string, key: string, objects: readonly K8sObject[]): void {
  const file = path.join(cacheDir, `${key}.json`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, JSON.stringify(objects));
  fs.renameSync(tmp, file);
}

function relativeDir(rootDir: string, dir: string): string {
  return path.relative(rootDir, dir).split(path.sep).join('/');
}

/** Hash of every input file of a kustomization tree (paths relative to the root), with the tool. */
function inputHash(rootDir: string, inputs: ReadonlySet<string>, toolId: string): string {
  const hash = createHash('sha256').update(toolId).update('\0');
  for (const file of [...inputs].sort()) {
    hash.update(path.relative(rootDir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Reads the kustomization tree at `dir` once per run: its inputs and what it allows. */
function analyze(dir: string, memo: Map<string, OverlayInfo>): OverlayInfo {
  const known = memo.get(dir);
  if (known) return known;
  const inputs = new Set<string>();
  const dirs = new Set<string>([dir]);
  // A cycle is Kustomize's error to report; the placeholder ends the walk.
  memo.set(dir, { inputs, dirs, batchable: false, remote: false });
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) inputs.add(path.join(dir, entry.name));
  }
  const name = KUSTOMIZATION_FILES.find((f) => fs.existsSync(path.join(dir, f)));
  if (!name) {
    const info = { inputs, dirs, batchable: true, remote: false };
    memo.set(dir, info);
    return info;
  }
  let k: Record<string, any>;
  try {
    k = (load(fs.readFileSync(path.join(dir, name), 'utf8')) ?? {}) as Record<string, any>;
    if (typeof k !== 'object' || Array.isArray(k)) throw new Error('not a mapping');
  } catch {
    // Kustomize reports the parse error; render it alone and uncached.
    const info = { inputs, dirs, batchable: false, remote: true };
    memo.set(dir, info);
    return info;
  }
  let batchable = !GLOBAL_FIELDS.some((f) => k[f] !== undefined);
  let remote = false;
  const resources: string[] = Array.isArray(k.resources) ? k.resources : [];
  const refs: unknown[] = [
    ...resources,
    ...list(k.components),
    ...list(k.bases),
    ...list(k.crds),
    ...list(k.patchesStrategicMerge),
    ...list(k.patches).map((p: { path?: string }) => p?.path),
    ...list(k.configMapGenerator).flatMap((g: any) => [...list(g?.files), ...list(g?.envs)]),
    ...list(k.secretGenerator).flatMap((g: any) => [...list(g?.files), ...list(g?.envs)]),
  ];
  const resourceDirs: string[] = [];
  for (const ref of refs) {
    if (typeof ref !== 'string') continue;
    if (/^[a-z0-9+.-]+:\/\//i.test(ref) || /^git@/.test(ref)) {
      remote = true;
      batchable = false;
      continue;
    }
    const target = path.resolve(dir, ref.includes('=') ? ref.split('=').pop()! : ref);
    if (!fs.existsSync(target)) continue;
    if (fs.statSync(target).isDirectory()) {
      const sub = analyze(target, memo);
      for (const f of sub.inputs) inputs.add(f);
      for (const d of sub.dirs) dirs.add(d);
      batchable &&= sub.batchable;
      remote ||= sub.remote;
      if (resources.includes(ref)) resourceDirs.push(target);
    } else inputs.add(target);
  }
  const composition =
    Object.keys(k).every((f) => COMPOSITION_FIELDS.has(f)) &&
    resources.length > 0 &&
    resourceDirs.length === resources.length;
  const info: OverlayInfo = { inputs, dirs, batchable, remote, ...(composition ? { composedOf: resourceDirs } : {}) };
  memo.set(dir, info);
  return info;
}

function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
