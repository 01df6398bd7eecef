import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DerivedCrdData } from './crd-derivation';
import { Environment } from '../model/environment';
import { Platform } from '../constructs/platform';
import { manualSecrets, platformEgress } from '../generators/shared-overlay';
import { NetworkPolicyMode } from '../model/network-policy-mode';
import { checkNetworkEgress, EgressExpectations } from './network-egress';
import { resolveValidation, ValidationSettings } from '../model/validation-settings';
import { checkParity, modelFiles } from '../review/parity';
import { formatTable } from '../core/table';
import { checkCrossReferences } from './cross-references';
import {
  CHECKS,
  DEFAULT_SEVERITIES,
  EnvironmentSummary,
  Finding,
  isCheckId,
  objectId,
  RawFinding,
  Waiver,
  WAIVER_PREFIX,
} from './findings';
import { checkImagePins } from './image-pins';
import { GateResultCache, UnitResult } from './result-cache';
import { checkMonitoring, checkPromql, MonitoringExpectations } from './monitoring';
import { checkDuplicates, checkNames } from './names';
import { checkEnvironmentPolicy, checkPolicy } from './policy';
import { checkOperatorPodSecurity } from './operator-pods';
import { checkOperatorPodTemplate } from './operator-templates';
import { checkAcmeHosts } from './acme-hosts';
import { checkSecretStoreFence } from './secret-store-fence';
import { checkWorkloadEnvironment, checkWorkloadObject } from './workload-checks';
import { kubectlIdentity, overlayInputFiles, renderOverlays } from '../kube/render-cache';
import { checkSchema, checkUnknownFields, CrdIndex, crdIndex } from './schema';
import { findYamlFiles } from '../kube/overlays';
import { CLUSTERS_DIR, deploymentUnits, unitEnvironment } from '../kube/cluster-overlays';
import { K8sObject, objectIdentity, parseManifests } from '../kube/object';

/** Options of `validate()`. */
export interface ValidateOptions {
  /** Repository root holding `overlays/` (and `argocd/`). */
  readonly rootDir: string;
  /**
   * The platform model, for each environment's validation settings.
   * @default - default settings for every environment
   */
  readonly platform?: Platform;
  /**
   * Only these environments.
   * @default - every directory under overlays/
   */
  readonly envs?: readonly string[];
  /**
   * Where rendered overlays are cached by input hash, and each deployment unit's findings
   * (`results/`) by the hash of everything they depend on; `false` disables both.
   * @default '<rootDir>/.cache/validate'
   */
  readonly cacheDir?: string | false;
  /**
   * Overlays directory relative to the root.
   * @default 'overlays'
   */
  readonly overlaysDir?: string;
  /**
   * The operators' CRDs custom resources are checked against.
   * @default - the committed derivation of ../shared/crds, imports/upstream/crd-schemas.json
   */
  readonly crds?: DerivedCrdData;
  /**
   * Kubectl processes at once.
   * @default - the CPU count
   */
  readonly concurrency?: number;
  /**
   * Extra checks over each rendered environment (e.g. the parity contract). With any, no
   * unit's findings are reused from the cache (a key cannot see what a function checks).
   * @default []
   */
  readonly extraChecks?: readonly EnvironmentCheck[];
  /**
   * Run the parity contract (every rendered difference must come from the model); needs `platform`.
   * @default true
   */
  readonly parity?: boolean;
}

/** A check over one rendered environment. */
export type EnvironmentCheck = (env: string, objects: readonly K8sObject[], overlay: string) => RawFinding[];

/** What `validate()` found. */
export interface ValidateResult {
  /** Every finding after severities and waivers, sorted. */
  readonly findings: Finding[];
  /** Findings waived by annotation. */
  readonly waivers: Waiver[];
  /** Per-environment counts. */
  readonly summary: EnvironmentSummary[];
  /** Overlays rendered by kubectl in this run. */
  readonly rendered: number;
  /** Overlays taken from the cache. */
  readonly cached: number;
  /** Overlays that only compose others, built from their renders. */
  readonly composed: number;
  /**
   * Deployment units whose findings came from the result cache (inputs unchanged since a run
   * that checked them): nothing of theirs was rendered or checked.
   */
  readonly reused: string[];
  /** Wall time of finding and rendering the overlays (cache included), in milliseconds. */
  readonly renderMs: number;
  /** Wall time in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * The validation gate: renders every overlay with the real Kustomize and checks schema,
 * unknown fields, names, cross-references and policy, per the environment table's settings.
 * A deployment unit whose inputs (every file its overlay trees read, its directory, its
 * settings, the model's files for it, the gate's code and the kubectl binary) hash to a
 * stored result in the cache is neither rendered nor checked again: its findings are reused.
 * A unit with an overlay that failed to render is not stored (the failure may be the machine's).
 */
export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const started = Date.now();
  const rootDir = options.rootDir;
  const overlaysDir = options.overlaysDir ?? 'overlays';
  // Environments, and each cluster of one that spans several (`prod/clusters/prod-eu`), as its own unit.
  const envNames = deploymentUnits(path.join(rootDir, overlaysDir)).filter(
    (e) => !options.envs || options.envs.includes(unitEnvironment(e)),
  );
  for (const env of options.envs ?? []) {
    if (!envNames.includes(env)) throw new Error(`${overlaysDir}/${env}: no such environment directory`);
  }
  const crds = crdIndex(options.crds);
  const cacheDir =
    options.cacheDir === false ? undefined : (options.cacheDir ?? path.join(rootDir, '.cache', 'validate'));
  const dirsByEnv = new Map(
    envNames.map((env) => [env, kustomizationDirs(rootDir, path.posix.join(overlaysDir, env))]),
  );
  const platform = options.platform;
  const parityEnvs = new Set(platform && options.parity !== false ? platform.environments.names : []);

  // Extra checks are code no key can see: with them, every unit is checked.
  const resultCache =
    cacheDir && (options.extraChecks ?? []).length === 0
      ? new GateResultCache(path.join(cacheDir, 'results'))
      : undefined;
  // Keyed without the model, which a stored result names instead: the units no stored result
  // fits start rendering before the model is rendered for parity, CPU while kubectl runs.
  const keys = new Map<string, string>();
  const stored = new Map<string, UnitResult>();
  if (resultCache) {
    // The root too: Kustomize's messages may name absolute paths.
    const shared = [
      kubectlIdentity(),
      path.resolve(rootDir),
      overlaysDir,
      options.crds ? createHash('sha256').update(JSON.stringify(options.crds)).digest('hex') : 'committed crds',
    ];
    for (const env of envNames) {
      const unitEnv = unitEnvironment(env);
      const inputs = unitInputs(rootDir, path.posix.join(overlaysDir, env), dirsByEnv.get(env)!, env === unitEnv);
      if (!inputs) continue;
      const context = [
        ...shared,
        JSON.stringify(settingsOf(platform, unitEnv)),
        JSON.stringify(monitoringOf(platform, env)),
        parityEnvs.has(unitEnv) ? 'parity' : 'no parity',
      ];
      const key = resultCache.keyOf({ unit: env, rootDir, files: inputs, context });
      keys.set(env, key);
      const result = resultCache.read(key);
      if (result) stored.set(env, result);
    }
  }
  const render = (units: readonly string[]) => {
    const dirs = units.flatMap((env) => dirsByEnv.get(env)!);
    return dirs.length > 0 ? renderOverlays(rootDir, dirs, { cacheDir, concurrency: options.concurrency }) : [];
  };
  const unstored = envNames.filter((e) => !stored.has(e));
  const rendering = Promise.resolve(render(unstored));
  // Awaited below; a failure of the model's render first must not leave it unhandled.
  rendering.catch(() => undefined);
  const model = parityEnvs.size > 0 ? modelFiles(rootDir, platform!) : undefined;
  const modelOf = (env: string) =>
    parityEnvs.has(unitEnvironment(env)) ? modelHash(model!, unitEnvironment(env)) : 'no parity';
  const reused = new Map([...stored].filter(([env, result]) => result.model === modelOf(env)));
  // Stored for the same files under another model: rendered now (their renders are in the render cache).
  const stale = envNames.filter((e) => stored.has(e) && !reused.has(e));
  const rendered = [...(await rendering), ...(await render(stale))];
  const todo = envNames.filter((e) => !reused.has(e));
  const renderMs = Date.now() - started;
  const byDir = new Map(rendered.map((r) => [r.dir, r]));
  const parityTodo = [...new Set(todo.map(unitEnvironment))].filter((e) => parityEnvs.has(e));
  const parity =
    parityTodo.length > 0
      ? await checkParity({ rootDir, platform: platform!, envs: parityTodo, cacheDir, modelFiles: model })
      : [];

  /** Renders' findings for one unit, after its settings and waivers. */
  const checkUnit = (env: string): UnitResult => {
    const settings = settingsOf(platform, unitEnvironment(env));
    const dirs = dirsByEnv.get(env)!;
    const envDir = path.posix.join(overlaysDir, env);
    const raw: [string, RawFinding][] = [];
    const seen = new Set<string>();
    let objectCount = 0;
    // Sub-overlays first (per service, shared): object checks where each object is defined.
    for (const dir of [...dirs.filter((d) => d !== envDir), envDir]) {
      const result = byDir.get(dir)!;
      for (const f of checkImagePins(rootDir, dir)) raw.push([dir, f]);
      if (result.error !== undefined) {
        raw.push([dir, { check: 'render', message: result.error }]);
        continue;
      }
      const objects = result.objects!;
      for (const o of objects) {
        const key = objectIdentity(o);
        if (seen.has(key)) continue;
        seen.add(key);
        objectCount++;
        for (const f of objectChecks(o, crds, settings)) raw.push([dir, f]);
      }
      if (dir === envDir) {
        const envChecks = [
          ...checkDuplicates(objects),
          ...checkCrossReferences(objects, { externalSecrets: settings.externalSecrets }),
          ...checkEnvironmentPolicy(objects, settings),
          ...checkOperatorPodSecurity(objects),
          ...checkWorkloadEnvironment(objects),
          ...checkAcmeHosts(objects),
          ...checkSecretStoreFence(objects),
          ...checkMonitoring(objects, monitoringOf(platform, env)),
          ...checkNetworkEgress(objects, egressOf(platform, env)),
          ...(options.extraChecks ?? []).flatMap((check) => check(env, objects, dir)),
        ];
        for (const f of envChecks) raw.push([dir, f]);
      }
    }
    const inUnit = (overlay: string) =>
      overlay.startsWith(`${envDir}/`) &&
      !(env === unitEnvironment(env) && overlay.startsWith(`${envDir}/${CLUSTERS_DIR}/`));
    for (const p of parity.filter((f) => inUnit(f.overlay))) {
      const [kind, name] = p.object.split('/');
      raw.push([
        p.overlay,
        { object: { apiVersion: '', kind, metadata: { name } }, check: 'parity', message: p.message },
      ]);
    }
    const findings: Finding[] = [];
    const waivers: Waiver[] = [];
    const counts = applySettings(raw, settings, findings, waivers);
    return {
      model: modelOf(env),
      findings,
      waivers,
      summary: { env, overlays: dirs.length, objects: objectCount, ...counts },
    };
  };

  const findings: Finding[] = [];
  const waivers: Waiver[] = [];
  const summary: EnvironmentSummary[] = [];
  for (const env of envNames) {
    let unit = reused.get(env);
    if (!unit) {
      unit = checkUnit(env);
      const key = keys.get(env);
      // A failed render may be the machine's (kubectl killed, out of memory): never kept.
      const failed = dirsByEnv.get(env)!.some((d) => byDir.get(d)!.error !== undefined);
      if (key && !failed) resultCache!.write(key, unit);
    }
    findings.push(...unit.findings);
    waivers.push(...unit.waivers);
    summary.push(unit.summary);
  }

  const argocd = path.join(rootDir, 'argocd');
  if (!options.envs && fs.existsSync(argocd)) {
    const raw: [string, RawFinding][] = [];
    let objectCount = 0;
    for (const file of findYamlFiles(argocd)) {
      const relative = path.relative(rootDir, file).split(path.sep).join('/');
      let objects: K8sObject[] = [];
      try {
        objects = parseManifests(fs.readFileSync(file, 'utf8'), relative);
      } catch (error) {
        raw.push([relative, { check: 'schema', message: (error as Error).message }]);
      }
      objectCount += objects.length;
      for (const o of objects) for (const f of [...checkSchema(o, crds), ...checkNames(o)]) raw.push([relative, f]);
    }
    const counts = applySettings(raw, resolveValidation(), findings, waivers);
    summary.push({ env: 'argocd', overlays: 0, objects: objectCount, ...counts });
  }

  findings.sort((a, b) =>
    compare(
      `${a.overlay}\0${a.object}\0${a.check}\0${a.message}`,
      `${b.overlay}\0${b.object}\0${b.check}\0${b.message}`,
    ),
  );
  return {
    findings,
    waivers,
    summary,
    rendered: rendered.filter((r) => r.source === 'kubectl').length,
    cached: rendered.filter((r) => r.source === 'cache').length,
    composed: rendered.filter((r) => r.source === 'composed').length,
    reused: [...reused.keys()],
    renderMs,
    elapsedMs: Date.now() - started,
  };
}

/**
 * What a unit's checks read: every file its overlay trees read and every file below its
 * directory (a stray file shows in parity's notes), the clusters of an environment left to
 * their own units; undefined when a tree reads something remote.
 */
function unitInputs(
  rootDir: string,
  unitDir: string,
  dirs: readonly string[],
  isEnvironment: boolean,
): string[] | undefined {
  const files = overlayInputFiles(rootDir, dirs);
  if (!files) return undefined;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(isEnvironment && dir === path.join(rootDir, unitDir) && entry.name === CLUSTERS_DIR)) walk(full);
      } else if (entry.isFile()) files.push(full);
    }
  };
  walk(path.join(rootDir, unitDir));
  return files;
}

/** A hash of the model's files a unit's parity compares with: its environment's overlays and every base. */
function modelHash(model: ReadonlyMap<string, string>, env: string): string {
  const hash = createHash('sha256');
  for (const [file, content] of [...model.entries()].sort(([a], [b]) => compare(a, b))) {
    if (file.startsWith('dist/') || file.startsWith(`overlays/${env}/`))
      hash.update(file).update('\0').update(content).update('\0');
  }
  return hash.digest('hex');
}

function objectChecks(o: K8sObject, crds: CrdIndex, settings: ValidationSettings): RawFinding[] {
  return [
    ...checkSchema(o, crds),
    ...checkUnknownFields(o),
    ...checkNames(o),
    ...checkPolicy(o, settings),
    ...checkWorkloadObject(o),
    ...checkOperatorPodTemplate(o),
    ...checkPromql(o),
  ];
}

function applySettings(
  raw: readonly [string, RawFinding][],
  settings: ValidationSettings,
  findings: Finding[],
  waivers: Waiver[],
): { errors: number; warnings: number; waived: number } {
  let errors = 0;
  let warnings = 0;
  let waived = 0;
  const waiverProblems = new Set<string>();
  for (const [overlay, f] of raw) {
    const annotations = f.object?.metadata?.annotations ?? {};
    for (const [key, reason] of Object.entries(annotations)) {
      // One problem per object and annotation, though environment checks find the object again.
      if (!key.startsWith(WAIVER_PREFIX) || waiverProblems.has(`${objectId(f.object)}/${key}`)) continue;
      const waived = key.slice(WAIVER_PREFIX.length);
      const problem = !isCheckId(waived)
        ? `annotation ${key} waives unknown check ${JSON.stringify(waived)}; allowed: ${Object.keys(CHECKS).join(', ')}`
        : String(reason).trim() === ''
          ? `annotation ${key} waives a check without a reason`
          : undefined;
      if (problem === undefined) continue;
      waiverProblems.add(`${objectId(f.object)}/${key}`);
      findings.push({
        overlay,
        object: objectId(f.object),
        check: 'waiver-reason',
        severity: 'error',
        message: problem,
      });
      errors++;
    }
    const reason = annotations[`${WAIVER_PREFIX}${f.check}`] ?? f.accepted;
    if (reason !== undefined && String(reason).trim() !== '') {
      const waiver = { overlay, object: objectId(f.object), check: f.check, reason: String(reason) };
      // One waiver per reason: an annotation once, the gate's own per what it accepts (each container's image).
      const same = (w: Waiver) =>
        w.overlay === waiver.overlay &&
        w.object === waiver.object &&
        w.check === waiver.check &&
        w.reason === waiver.reason;
      if (!waivers.some(same)) {
        waivers.push(waiver);
        waived++;
      }
      continue;
    }
    const severity = settings.severities[f.check] ?? DEFAULT_SEVERITIES[f.check] ?? 'error';
    if (severity === 'off') continue;
    findings.push({ overlay, object: objectId(f.object), check: f.check, severity, message: f.message });
    if (severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings, waived };
}

function settingsOf(platform: Platform | undefined, env: string): ValidationSettings {
  const found: Environment | undefined = platform?.environments.environments.find((e) => e.name === env);
  if (!found || !platform) return resolveValidation();
  // Secrets the model says are created out of band count as existing.
  const manual = manualSecrets(platform, found);
  return { ...found.validation, externalSecrets: [...found.validation.externalSecrets, ...manual] };
}

/** The labels the environment's Prometheus selects, where the model is known and the table scrapes. */
function monitoringOf(platform: Platform | undefined, unit: string): MonitoringExpectations {
  const env = unitEnvironment(unit);
  const metrics = platform?.environments.environments.find((e) => e.name === env)?.operations.metrics;
  return metrics?.enabled ? { prometheusLabels: metrics.prometheusLabels } : {};
}

/** The connections the model gives the unit's pods, where the model is known and the table asks for default-deny. */
function egressOf(platform: Platform | undefined, unit: string): EgressExpectations | undefined {
  const env = platform?.environments.environments.find((e) => e.name === unitEnvironment(unit));
  if (!platform || !env) return undefined;
  return {
    env: env.name,
    defaultDeny: env.networkPolicy === NetworkPolicyMode.DEFAULT_DENY,
    clients: platformEgress(platform, env),
  };
}

/**
 * The unit's directory and every directory below it holding a kustomization.yaml, except the
 * cluster units below an environment (each is a unit of its own).
 */
function kustomizationDirs(rootDir: string, envDir: string): string[] {
  const dirs: string[] = [];
  const walk = (relative: string) => {
    if (fs.existsSync(path.join(rootDir, relative, 'kustomization.yaml'))) dirs.push(relative);
    for (const entry of fs.readdirSync(path.join(rootDir, relative), { withFileTypes: true })) {
      if (entry.isDirectory() && !(relative === envDir && entry.name === CLUSTERS_DIR)) {
        walk(path.posix.join(relative, entry.name));
      }
    }
  };
  walk(envDir);
  return dirs.sort();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the gate fails: any finding of severity error (warnings and waived findings pass). */
export function hasErrors(result: ValidateResult): boolean {
  return result.findings.some((f) => f.severity === 'error');
}

/** Formats findings one per line and the per-environment summary table. */
export function formatReport(result: ValidateResult): string {
  const lines = result.findings.map(
    (f) => `${f.overlay}  ${f.object}  ${f.check}  ${f.severity === 'warning' ? '(warning) ' : ''}${f.message}`,
  );
  const rows = result.summary.map((s) => [
    s.env,
    `${s.overlays}`,
    `${s.objects}`,
    `${s.errors}`,
    `${s.warnings}`,
    `${s.waived}`,
  ]);
  const table = formatTable(['ENV', 'OVERLAYS', 'OBJECTS', 'ERRORS', 'WARNINGS', 'WAIVED'], rows).trimEnd().split('\n');
  const out = [...lines, ...(lines.length > 0 ? [''] : []), ...table];
  if (result.waivers.length > 0) {
    out.push('', 'Waivers:', ...result.waivers.map((w) => `  ${w.overlay}  ${w.object}  ${w.check}  ${w.reason}`));
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  out.push(
    '',
    `${errors} error(s), ${warnings} warning(s), ${result.waivers.length} waived; rendered ${result.rendered} overlay(s), ${result.cached} from cache, ${result.composed} composed, ${result.reused.length} environment(s) unchanged (findings reused), in ${(result.elapsedMs / 1000).toFixed(2)}s`,
  );
  return out.join('\n') + '\n';
}

/** Formats the reports of several platforms (by entry), each under a `== <entry>` heading, then one closing line. */
export function formatReports(results: Readonly<Record<string, ValidateResult>>): string {
  const entries = Object.entries(results);
  const failed = entries.filter(([, result]) => hasErrors(result)).map(([name]) => name);
  const verdict = failed.length === 0 ? 'no errors' : `errors in ${failed.join(', ')}`;
  return [
    ...entries.map(([name, result]) => `== ${name}\n${formatReport(result)}`),
    `validated ${entries.length} platform(s): ${verdict}\n`,
  ].join('\n');
}
