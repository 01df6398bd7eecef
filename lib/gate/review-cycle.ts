import * as fs from 'fs';
import * as path from 'path';
import { overlayInputHashes } from '../kube/render-cache';
import { K8sObject } from '../kube/object';
import { diffTrees, ObjectChange, RenderedTree, renderTree } from '../review/diff';
import { AppEntry } from '../synth/app-entry';
import { AppModule, buildApp } from '../synth/load-app';
import { synth } from '../synth/synth';
import { Finding } from './findings';
import { validate } from './gate';

/** What one cycle leaves for the next: per environment, its input hash and rendered objects. */
export interface CycleState {
  /** By environment. */
  readonly envs: Readonly<Record<string, { readonly inputHash?: string; readonly objects: [string, K8sObject][] }>>;
}

/** What one cycle did. */
export interface CycleReport {
  /** Milliseconds to build the model and write the tree. */
  readonly synthMs: number;
  /** Milliseconds to validate (and render) what changed. */
  readonly validateMs: number;
  /** Environments validated: those whose inputs changed (every one in the first cycle). */
  readonly validatedEnvs: string[];
  /** Objects added, removed or changed since the last cycle (none in the first). */
  readonly changes: ObjectChange[];
  /** The gate's findings on the validated environments. */
  readonly findings: Finding[];
  /** Objects rendered in every environment. */
  readonly objects: number;
}

/**
 * One turn of the watch loop (`npm run dev`): builds the platform from the entry's module,
 * synthesizes it, and validates only the environments whose inputs (every file their
 * kustomization trees read) changed since `previous`, through validate's render cache; then
 * compares their rendered objects with the last cycle's. Environments that did not change keep
 * the last cycle's objects.
 */
export async function reviewCycle(
  entry: AppEntry,
  load: () => AppModule,
  previous?: CycleState,
): Promise<{ state: CycleState; report: CycleReport }> {
  const started = Date.now();
  const app = buildApp(entry, load());
  synth(app.platform, app.options);
  const synthMs = Date.now() - started;
  const rootDir = app.options.rootDir;
  const overlaysDir = app.options.overlaysDir ?? 'overlays';
  const overlays = path.join(rootDir, overlaysDir);
  const envs = fs.existsSync(overlays)
    ? fs
        .readdirSync(overlays, { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(overlays, e.name, 'kustomization.yaml')))
        .map((e) => e.name)
        .sort()
    : [];
  const hashes = overlayInputHashes(
    rootDir,
    envs.map((e) => path.join(overlays, e)),
  );
  const changed = envs.filter(
    (e, i) => !previous || hashes[i] === undefined || previous.envs[e]?.inputHash !== hashes[i],
  );
  const findings: Finding[] = [];
  let tree: RenderedTree = new Map();
  if (changed.length > 0) {
    // The first cycle checks everything (argocd/ included); later ones only what changed.
    const result = await validate({
      rootDir,
      overlaysDir,
      platform: app.platform,
      envs: previous ? changed : undefined,
    });
    findings.push(...result.findings);
    tree = await renderTree(rootDir, {
      envs: changed,
      overlaysDir,
      cacheDir: path.join(rootDir, '.cache', 'validate'),
    });
  }
  const validateMs = Date.now() - started - synthMs;

  const state: CycleState = {
    envs: Object.fromEntries(
      envs.map((env, i) => [
        env,
        tree.has(env)
          ? { inputHash: hashes[i], objects: [...tree.get(env)!.entries()] }
          : { ...previous!.envs[env], inputHash: hashes[i] },
      ]),
    ),
  };
  const changes = previous ? diffTrees(treeOf(previous, changed), treeOf(state, changed)) : [];
  // An environment that left the model: every object it had is removed.
  const gone = previous ? Object.keys(previous.envs).filter((e) => !envs.includes(e)) : [];
  if (gone.length > 0) changes.push(...diffTrees(treeOf(previous!, gone), new Map()));
  const objects = Object.values(state.envs).reduce((n, e) => n + e.objects.length, 0);
  return { state, report: { synthMs, validateMs, validatedEnvs: changed, changes, findings, objects } };
}

function treeOf(state: CycleState, envs: readonly string[]): RenderedTree {
  return new Map(envs.filter((e) => state.envs[e]).map((e) => [e, new Map(state.envs[e].objects)]));
}

/** The lines `npm run dev` prints for a cycle: timings, each changed object, each error finding. */
export function formatCycle(report: CycleReport, first: boolean): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const errors = report.findings.filter((f) => f.severity === 'error');
  const envs = report.validatedEnvs.length === 0 ? 'no environment changed' : report.validatedEnvs.join(', ');
  const what = first
    ? `${report.objects} objects in ${report.validatedEnvs.length} environment(s)`
    : `${report.changes.length} object(s) changed`;
  const lines = [
    `synth ${seconds(report.synthMs)}, validate ${seconds(report.validateMs)} (${envs}): ${what}, ${errors.length} error(s), ${report.findings.length - errors.length} warning(s)`,
    ...report.changes.map((c) => `  ${c.change.padEnd(8)} ${c.env.padEnd(14)} ${c.id}`),
    ...errors.map((f) => `  error    ${f.overlay}  ${f.object}  ${f.check}  ${f.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
