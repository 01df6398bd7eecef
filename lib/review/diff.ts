import { createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { git } from '../core/git';
import { unifiedDiff } from './line-diff';
import { formatTable } from '../core/table';
import { overlayInputHashes, renderOverlays } from '../kube/render-cache';
import { CLUSTERS_DIR, deploymentUnits, unitEnvironment } from '../kube/cluster-overlays';
import { BaseRenderCache } from './base-render-cache';
import { findYamlFiles } from '../kube/overlays';
import { K8sObject, parseManifests } from '../kube/object';

/** The rendered objects of one tree, by environment and object identity. */
export type RenderedTree = Map<string, Map<string, K8sObject>>;

/** What changed for one object. */
export interface ObjectChange {
  /** Environment (or `argocd`). */
  readonly env: string;
  /** `group/Kind namespace/name`. */
  readonly id: string;
  /** Added, removed or changed. */
  readonly change: 'added' | 'removed' | 'changed';
  /** Unified diff of the YAML (secret values masked). */
  readonly diff: string;
}

/** Counts per environment. */
export interface EnvironmentDiffSummary {
  readonly env: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Object identity: API group, kind, namespace and name. */
function objectKey(o: K8sObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core';
  return `${group}/${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`;
}

/** Options of `renderTree` and `renderRef`. */
export interface RenderTreeOptions {
  /**
   * Only these environments (and no `argocd/`).
   * @default - every environment and `argocd/`
   */
  readonly envs?: readonly string[];
  /**
   * Overlays directory, relative to the root.
   * @default 'overlays'
   */
  readonly overlaysDir?: string;
  /**
   * Where overlay renders are cached by input hash (validate's cache).
   * @default - no cache
   */
  readonly cacheDir?: string;
}

/**
 * Renders every environment of the tree at `rootDir` with the real Kustomize (the environment
 * kustomization holds every object of the environment; see `renderOverlays`), plus the objects
 * under `argocd/`.
 */
export async function renderTree(rootDir: string, options: RenderTreeOptions = {}): Promise<RenderedTree> {
  const envs = listEnvironments(rootDir, options.overlaysDir, options.envs);
  const { tree } = await renderEnvironments(rootDir, envs, options);
  if (!options.envs) {
    const argocd = readArgocd(rootDir);
    if (argocd) tree.set('argocd', argocd);
  }
  return tree;
}

/**
 * The deployment units under the overlays, sorted, within the environments `only`: each
 * environment, and each cluster of one that spans several (`prod/clusters/prod-eu`).
 */
function listEnvironments(rootDir: string, overlaysDir = 'overlays', only?: readonly string[]): string[] {
  const overlays = path.join(rootDir, overlaysDir);
  return deploymentUnits(overlays).filter((e) => !only || only.includes(unitEnvironment(e)));
}

/**
 * Renders `envs` (each with its sub-overlays, batched; the environment composed from them);
 * `kubectl` counts the overlays Kustomize rendered (the rest came from the cache or were composed).
 */
async function renderEnvironments(
  rootDir: string,
  envs: readonly string[],
  options: RenderTreeOptions,
): Promise<{ tree: RenderedTree; kubectl: number }> {
  const overlays = path.join(rootDir, options.overlaysDir ?? 'overlays');
  const dirs = envs.flatMap((e) => {
    const envDir = path.join(overlays, e);
    const subs = fs
      .readdirSync(envDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(envDir, d.name, 'kustomization.yaml')))
      .filter((d) => !(e === unitEnvironment(e) && d.name === CLUSTERS_DIR))
      .map((d) => path.join(envDir, d.name));
    return [envDir, ...subs];
  });
  const rendered = dirs.length > 0 ? await renderOverlays(rootDir, dirs, { cacheDir: options.cacheDir }) : [];
  const tree: RenderedTree = new Map();
  for (const env of envs) {
    const result = rendered[dirs.indexOf(path.join(overlays, env))];
    if (result.error !== undefined) throw new Error(result.error);
    tree.set(env, new Map(result.objects!.map((o) => [objectKey(o), o])));
  }
  return { tree, kubectl: rendered.filter((r) => r.source === 'kubectl').length };
}

/** The objects under `argocd/` by identity, or undefined when the tree has none. */
function readArgocd(rootDir: string): Map<string, K8sObject> | undefined {
  return fs.existsSync(path.join(rootDir, 'argocd')) ? argoCdObjects(rootDir) : undefined;
}

/** The objects under `argocd/` of the tree at `rootDir`, by identity (they are plain files, not overlays). */
export function argoCdObjects(rootDir: string): Map<string, K8sObject> {
  const argocd = path.join(rootDir, 'argocd');
  const objects = fs.existsSync(argocd)
    ? findYamlFiles(argocd).flatMap((f) => parseManifests(fs.readFileSync(f, 'utf8'), path.relative(rootDir, f)))
    : [];
  return new Map(objects.map((o) => [objectKey(o), o]));
}

/** Renders the tree as it is at git `ref`, from a temporary worktree that is always removed. */
export async function renderRef(repoDir: string, ref: string, options: RenderTreeOptions = {}): Promise<RenderedTree> {
  return atRef(repoDir, ref, (dir) => renderTree(dir, options));
}

/** Runs `work` on the platform's directory in a temporary worktree at `ref`, always removed. */
async function atRef<T>(repoDir: string, ref: string, work: (dir: string) => Promise<T>): Promise<T> {
  verifyRef(repoDir, ref);
  // repoDir may be a subdirectory of the repository (an example's tree): render the same one at ref.
  const prefix = git(repoDir, ['rev-parse', '--show-prefix']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-diff-'));
  try {
    git(repoDir, ['worktree', 'add', '--detach', '--quiet', dir, ref]);
    return await work(path.join(dir, prefix));
  } finally {
    try {
      git(repoDir, ['worktree', 'remove', '--force', dir]);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function verifyRef(repoDir: string, ref: string): void {
  try {
    git(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`unknown git ref ${JSON.stringify(ref)}: pass --base with a branch, tag or commit that exists`);
  }
}

/** Options of `diffAgainst`. */
export interface DiffOptions {
  /**
   * The git ref to compare the work tree with.
   * @default - `defaultBase(rootDir)`
   */
  readonly base?: string;
  /**
   * Only these environments (and no `argocd/`).
   * @default - every environment and `argocd/`
   */
  readonly envs?: readonly string[];
  /**
   * Overlays directory, relative to `rootDir`.
   * @default 'overlays'
   */
  readonly overlaysDir?: string;
  /**
   * Where base renders (`diff/`) and overlay renders (`validate/`, shared with validate) are
   * cached; `false` reads and writes no cache (an environment whose inputs equal the base's is
   * still not rendered twice).
   * @default '<rootDir>/.cache'
   */
  readonly cacheDir?: string | false;
}

/** How a diff got its two sides: what came from a cache and what was rendered. */
export interface DiffWork {
  /** The base commit. */
  readonly baseCommit: string;
  /** Whether every environment of the base came from the base render cache (no checkout). */
  readonly baseFromCache: boolean;
  /** Work-tree environments rendered, because their inputs differ from the base's. */
  readonly renderedEnvs: string[];
  /** Work-tree environments whose inputs equal the base's: the base render was reused. */
  readonly unchangedEnvs: string[];
  /**
   * Overlays of `renderedEnvs` Kustomize rendered in this diff: those whose inputs changed since
   * any render (the rest came from validate's render cache, or are compositions of their parts).
   */
  readonly kubectlOverlays: number;
}

/** The object changes from a git ref to the work tree, and every environment either side has. */
export interface TreeDiff {
  /** Every object change, sorted by environment and identity. */
  readonly changes: ObjectChange[];
  /** Environments of either tree, sorted (the rows of the summary). */
  readonly envs: string[];
  /** What was cached, reused and rendered. */
  readonly work: DiffWork;
}

/**
 * What `npm run diff` reports: the tree at `rootDir` rendered at a base ref and in the work
 * tree, compared. The base is rendered once per base tree and kubectl binary (kept in
 * `<cacheDir>/diff`), and a work-tree environment whose inputs hash the same as the base's
 * (every file its kustomization tree reads) is the base's render, not rendered again.
 */
export async function diffAgainst(rootDir: string, options: DiffOptions = {}): Promise<TreeDiff> {
  const ref = options.base ?? defaultBase(rootDir);
  verifyRef(rootDir, ref);
  const overlaysDir = options.overlaysDir ?? 'overlays';
  const cacheRoot = options.cacheDir === false ? undefined : (options.cacheDir ?? path.join(rootDir, '.cache'));
  const renderCache = cacheRoot && path.join(cacheRoot, 'validate');
  const base = await baseRender(rootDir, ref, { ...options, overlaysDir }, cacheRoot);

  const headEnvs = listEnvironments(rootDir, overlaysDir, options.envs);
  const hashes = overlayInputHashes(
    rootDir,
    headEnvs.map((e) => path.join(rootDir, overlaysDir, e)),
  );
  const unchangedEnvs = headEnvs.filter((e, i) => hashes[i] !== undefined && hashes[i] === base.hashes.get(e));
  const renderedEnvs = headEnvs.filter((e) => !unchangedEnvs.includes(e));
  const { tree: after, kubectl } = await renderEnvironments(rootDir, renderedEnvs, {
    overlaysDir,
    cacheDir: renderCache,
  });
  for (const env of unchangedEnvs) after.set(env, base.tree.get(env)!);
  if (!options.envs) {
    const argocd = readArgocd(rootDir);
    if (argocd) after.set('argocd', argocd);
  }
  const sorted: RenderedTree = new Map([...after.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const envs = [...new Set([...base.tree.keys(), ...sorted.keys()])].sort();
  return {
    changes: diffTrees(base.tree, sorted),
    envs,
    work: {
      baseCommit: base.commit,
      baseFromCache: base.fromCache,
      renderedEnvs,
      unchangedEnvs,
      kubectlOverlays: kubectl,
    },
  };
}

function entriesOrNull(objects: Map<string, K8sObject> | undefined): [string, K8sObject][] | null {
  return objects ? [...objects.entries()] : null;
}

/** The base side of a diff: its render, each environment's input hash, and whether it was cached. */
interface BaseSide {
  readonly tree: RenderedTree;
  readonly hashes: ReadonlyMap<string, string | undefined>;
  readonly commit: string;
  readonly fromCache: boolean;
}

/**
 * Renders the base at `ref`, or takes it from the base render cache: only the environments the
 * cache does not hold yet are rendered, in a temporary worktree, and then stored.
 */
async function baseRender(
  rootDir: string,
  ref: string,
  options: DiffOptions & { overlaysDir: string },
  cacheRoot: string | undefined,
): Promise<BaseSide> {
  const commit = git(rootDir, ['rev-parse', `${ref}^{commit}`]);
  const cache = cacheRoot ? new BaseRenderCache(path.join(cacheRoot, 'diff')) : undefined;
  const key = cache?.keyOf(rootDir, commit, options.overlaysDir);
  let stored = key ? cache!.read(key) : undefined;
  const wanted = (envs: readonly string[]) => envs.filter((e) => !options.envs || options.envs.includes(e));
  const missing = stored ? wanted(stored.envs).filter((e) => !stored!.rendered[e]) : undefined;
  const fromCache =
    stored !== undefined && missing!.length === 0 && (options.envs !== undefined || stored.argocd !== undefined);
  if (!fromCache) {
    stored = await atRef(rootDir, commit, async (dir) => {
      const envs = listEnvironments(dir, options.overlaysDir);
      const todo = missing ?? wanted(envs);
      const renderCache = cacheRoot && path.join(cacheRoot, 'validate');
      const { tree } = await renderEnvironments(dir, todo, {
        overlaysDir: options.overlaysDir,
        cacheDir: renderCache,
      });
      const hashes = overlayInputHashes(
        dir,
        todo.map((e) => path.join(dir, options.overlaysDir, e)),
      );
      const rendered = { ...(stored?.rendered ?? {}) };
      todo.forEach((env, i) => {
        rendered[env] = { inputHash: hashes[i], objects: [...tree.get(env)!.entries()] };
      });
      // Read once, when a diff first covers argocd/: null when the base has no argocd/.
      const argocd =
        stored?.argocd !== undefined ? stored.argocd : options.envs ? undefined : entriesOrNull(readArgocd(dir));
      return { envs, rendered, ...(argocd !== undefined ? { argocd } : {}) };
    });
    if (key) cache!.write(key, stored);
  }
  const tree: RenderedTree = new Map();
  const hashes = new Map<string, string | undefined>();
  for (const env of wanted(stored!.envs)) {
    tree.set(env, new Map(stored!.rendered[env].objects));
    hashes.set(env, stored!.rendered[env].inputHash);
  }
  if (!options.envs && stored!.argocd) tree.set('argocd', new Map(stored!.argocd));
  return { tree, hashes, commit, fromCache };
}

/** The default base: the merge base of HEAD with `main` (or `origin/main`), else HEAD. */
export function defaultBase(repoDir: string): string {
  for (const branch of ['main', 'origin/main']) {
    try {
      return git(repoDir, ['merge-base', 'HEAD', branch]);
    } catch {
      // try the next candidate
    }
  }
  return 'HEAD';
}

/** Every object change between two rendered trees, sorted by environment and identity. */
export function diffTrees(base: RenderedTree, head: RenderedTree): ObjectChange[] {
  const changes: ObjectChange[] = [];
  const envs = [...new Set([...base.keys(), ...head.keys()])].sort();
  for (const env of envs) {
    const before = base.get(env) ?? new Map<string, K8sObject>();
    const after = head.get(env) ?? new Map<string, K8sObject>();
    // An environment whose inputs equal the base's is the base's render: nothing to compare.
    if (before === after) continue;
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const id of ids) {
      const a = before.get(id);
      const b = after.get(id);
      // The same JSON is the same YAML; the stable YAML is for objects that differ (or only in key order).
      if (a && b && JSON.stringify(a) === JSON.stringify(b)) continue;
      const textA = a ? toStableYaml(a) : '';
      const textB = b ? toStableYaml(b) : '';
      if (textA === textB) continue;
      const change = !a ? 'added' : !b ? 'removed' : 'changed';
      changes.push({ env, id, change, diff: unifiedDiff(textA, textB, [`base/${env}/${id}`, `head/${env}/${id}`]) });
    }
  }
  return changes;
}

/** Counts per environment, including environments without changes. */
export function summarize(changes: readonly ObjectChange[], envs: readonly string[]): EnvironmentDiffSummary[] {
  return envs.map((env) => ({
    env,
    added: changes.filter((c) => c.env === env && c.change === 'added').length,
    removed: changes.filter((c) => c.env === env && c.change === 'removed').length,
    changed: changes.filter((c) => c.env === env && c.change === 'changed').length,
  }));
}

/** Plain-text report: summary table first, then each change with its diff. */
export function formatText(changes: readonly ObjectChange[], envs: readonly string[]): string {
  if (changes.length === 0) return 'no changes\n';
  const rows = summarize(changes, envs).map((s) => [s.env, `${s.added}`, `${s.removed}`, `${s.changed}`]);
  const table = formatTable(['ENV', 'ADDED', 'REMOVED', 'CHANGED'], rows).trimEnd().split('\n');
  const details = changes.map((c) => `== ${c.env}: ${c.change} ${c.id}\n${c.diff}`);
  return [...table, '', ...details].join('\n');
}

/** Markdown for a PR comment: summary table, then one collapsible section per environment. */
export function formatMarkdown(changes: readonly ObjectChange[], envs: readonly string[], maxLines = 400): string {
  const full = markdownBody(changes, envs, maxLines);
  // GitHub rejects comments over 65,536 characters: past that, keep the summary table only.
  if (full.length <= 60000) return full;
  const table = full.split('\n\n<details>')[0];
  return `${table}\n\nThe full diff is too long for a comment: run \`npm run diff\` locally.\n`;
}

function markdownBody(changes: readonly ObjectChange[], envs: readonly string[], maxLines: number): string {
  const marker = '<!-- stagecraft-diff -->';
  if (changes.length === 0) return `${marker}\n### Rendered manifests\n\nno changes\n`;
  const out = [
    marker,
    '### Rendered manifests',
    '',
    '| Environment | Added | Removed | Changed |',
    '|---|---|---|---|',
  ];
  for (const s of summarize(changes, envs)) out.push(`| ${s.env} | ${s.added} | ${s.removed} | ${s.changed} |`);
  for (const env of envs) {
    const envChanges = changes.filter((c) => c.env === env);
    if (envChanges.length === 0) continue;
    out.push('', `<details><summary><b>${env}</b>: ${envChanges.length} object(s)</summary>`, '');
    for (const c of envChanges) {
      const lines = c.diff.split('\n');
      const shown =
        lines.length > maxLines ? [...lines.slice(0, maxLines), `... ${lines.length - maxLines} more lines`] : lines;
      out.push(
        `<details><summary>${c.change} <code>${c.id}</code></summary>`,
        '',
        '```diff',
        ...shown,
        '```',
        '</details>',
        '',
      );
    }
    out.push('</details>');
  }
  return out.join('\n') + '\n';
}

/** YAML with keys sorted recursively, and every Secret value replaced by a short hash. */
function toStableYaml(o: K8sObject): string {
  const masked = o.kind === 'Secret' ? maskSecret(o) : o;
  return stringify(sortDeep(masked), { lineWidth: 0 });
}

/** Key of the secret markers: new every run, so a marker cannot be matched against guesses. */
const MARKER_KEY = randomBytes(32);

function maskSecret(o: K8sObject): K8sObject {
  const mask = (values: unknown) =>
    values && typeof values === 'object'
      ? Object.fromEntries(
          Object.entries(values).map(([k, v]) => [
            k,
            `<secret ${createHmac('sha256', MARKER_KEY).update(String(v)).digest('hex').slice(0, 12)}>`,
          ]),
        )
      : values;
  const record = o as Record<string, unknown>;
  return {
    ...o,
    ...(record.data ? { data: mask(record.data) } : {}),
    ...(record.stringData ? { stringData: mask(record.stringData) } : {}),
  };
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
