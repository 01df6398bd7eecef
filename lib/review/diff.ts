import { createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { git } from '../core/git';
import { unifiedDiff } from './line-diff';
import { formatTable } from '../core/table';
import { renderOverlays } from '../kube/render-cache';
import { CLUSTERS_DIR, deploymentUnits, unitEnvironment } from '../kube/cluster-overlays';
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

/**
 * Renders every environment of the tree at `rootDir` with the real Kustomize (the environment
 * kustomization holds every object of the environment; see `renderOverlays`), plus the objects
 * under `argocd/`.
 */
export async function renderTree(
  rootDir: string,
  options: { envs?: readonly string[]; overlaysDir?: string } = {},
): Promise<RenderedTree> {
  const overlays = path.join(rootDir, options.overlaysDir ?? 'overlays');
  // Each environment, and each cluster of one that spans several (`prod/clusters/prod-eu`).
  const envs = deploymentUnits(overlays).filter((e) => !options.envs || options.envs.includes(unitEnvironment(e)));
  // Each environment with its sub-overlays: rendered in batches, the environment composed from them.
  const dirs = envs.flatMap((e) => {
    const envDir = path.join(overlays, e);
    const subs = fs
      .readdirSync(envDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(envDir, d.name, 'kustomization.yaml')))
      .filter((d) => !(e === unitEnvironment(e) && d.name === CLUSTERS_DIR))
      .map((d) => path.join(envDir, d.name));
    return [envDir, ...subs];
  });
  const rendered = await renderOverlays(rootDir, dirs);
  const tree: RenderedTree = new Map();
  for (const env of envs) {
    const result = rendered[dirs.indexOf(path.join(overlays, env))];
    if (result.error !== undefined) throw new Error(result.error);
    tree.set(env, new Map(result.objects!.map((o) => [objectKey(o), o])));
  }
  if (!options.envs && fs.existsSync(path.join(rootDir, 'argocd'))) tree.set('argocd', argoCdObjects(rootDir));
  return tree;
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
export async function renderRef(
  repoDir: string,
  ref: string,
  options: { envs?: readonly string[]; overlaysDir?: string } = {},
): Promise<RenderedTree> {
  try {
    git(repoDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`unknown git ref ${JSON.stringify(ref)}: pass --base with a branch, tag or commit that exists`);
  }
  // repoDir may be a subdirectory of the repository (an example's tree): render the same one at ref.
  const prefix = git(repoDir, ['rev-parse', '--show-prefix']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-diff-'));
  try {
    git(repoDir, ['worktree', 'add', '--detach', '--quiet', dir, ref]);
    return await renderTree(path.join(dir, prefix), options);
  } finally {
    try {
      git(repoDir, ['worktree', 'remove', '--force', dir]);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
}

/** The object changes from a git ref to the work tree, and every environment either side has. */
export interface TreeDiff {
  /** Every object change, sorted by environment and identity. */
  readonly changes: ObjectChange[];
  /** Environments of either tree, sorted (the rows of the summary). */
  readonly envs: string[];
}

/** What `npm run diff` reports: the tree at `rootDir` rendered at a base ref and in the work tree, compared. */
export async function diffAgainst(rootDir: string, options: DiffOptions = {}): Promise<TreeDiff> {
  const base = options.base ?? defaultBase(rootDir);
  const [before, after] = await Promise.all([
    renderRef(rootDir, base, { envs: options.envs, overlaysDir: options.overlaysDir }),
    renderTree(rootDir, { envs: options.envs, overlaysDir: options.overlaysDir }),
  ]);
  const envs = [...new Set([...before.keys(), ...after.keys()])].sort();
  return { changes: diffTrees(before, after), envs };
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
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const id of ids) {
      const a = before.get(id);
      const b = after.get(id);
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
