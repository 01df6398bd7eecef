import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describePin, overlayKustomization, readImagePin } from '../kube/image-pin';
import { Platform } from '../constructs/platform';
import { renderOverlays } from '../kube/render-cache';
import { deploymentUnits, unitEnvironment } from '../kube/cluster-overlays';
import { render } from '../synth/render';
import { K8sObject } from '../kube/object';

/** One difference between what the model renders and what the committed overlays render. */
export interface ParityFinding {
  /** Overlay directory (e.g. `overlays/staging/voting`). */
  readonly overlay: string;
  /** `Kind/name`. */
  readonly object: string;
  /** What differs, naming the field and the files that differ from the model. */
  readonly message: string;
}

/** Options of `checkParity`. */
export interface ParityOptions {
  /** Repository root. */
  readonly rootDir: string;
  /** The model. */
  readonly platform: Platform;
  /**
   * Only these environments.
   * @default - every environment of the table
   */
  readonly envs?: readonly string[];
  /**
   * Render cache directory.
   * @default - no cache
   */
  readonly cacheDir?: string;
  /**
   * What the model renders, from `modelFiles` (the gate computes it once for its cache keys too).
   * @default - `modelFiles(rootDir, platform)`
   */
  readonly modelFiles?: ReadonlyMap<string, string>;
}

/**
 * The files of `dist/` and `overlays/` the model renders, keeping the committed image pins
 * (the one expected difference): what the committed tree is compared with.
 */
export function modelFiles(rootDir: string, platform: Platform): Map<string, string> {
  // An overlay whose pins cannot be read is reported by the render check; parity compares the rest.
  const pinOf = (file: string, image: string) => {
    try {
      return readImagePin(path.join(rootDir, file), image);
    } catch {
      return undefined;
    }
  };
  const expected = render(platform, { outdir: 'dist' }, pinOf);
  return new Map(expected.entries().filter(([f]) => f.startsWith('dist/') || f.startsWith('overlays/')));
}

/** What `npm run parity` prints: one line per finding, or that every difference is explained. */
export function formatParity(findings: readonly ParityFinding[]): string {
  if (findings.length === 0) {
    return 'parity: every difference between environments is explained by the environment table\n';
  }
  return findings.map((f) => `${f.overlay}  ${f.object}  parity  ${f.message}\n`).join('');
}

/**
 * The parity contract: the environment table is the only declaration of how environments may
 * differ, so every rendered difference must come from the model. This renders the overlays the
 * model produces (keeping the committed image pins, the one expected difference) next to the
 * committed ones and reports every object or field that differs, with the files that changed.
 */
export async function checkParity(options: ParityOptions): Promise<ParityFinding[]> {
  const { rootDir, platform } = options;
  const envs = options.envs ?? platform.environments.names;
  const expectedFiles = options.modelFiles ?? modelFiles(rootDir, platform);
  const changed = new Set<string>();
  for (const [file, content] of expectedFiles) {
    const actual = path.join(rootDir, file);
    if (!fs.existsSync(actual) || fs.readFileSync(actual, 'utf8') !== content) changed.add(file);
  }
  for (const top of ['dist', 'overlays']) {
    for (const file of listFiles(rootDir, top)) if (!expectedFiles.has(file)) changed.add(file);
  }
  if (changed.size === 0) return [];

  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-parity-'));
  try {
    for (const [file, content] of expectedFiles) {
      fs.mkdirSync(path.dirname(path.join(modelDir, file)), { recursive: true });
      fs.writeFileSync(path.join(modelDir, file), content);
    }
    // Each environment's overlays and, where it spans clusters, each cluster's.
    const units = [
      ...new Set([
        ...deploymentUnits(path.join(modelDir, 'overlays')),
        ...deploymentUnits(path.join(rootDir, 'overlays')),
      ]),
    ]
      .filter((unit) => envs.includes(unitEnvironment(unit)))
      .sort();
    const dirs = units.flatMap((unit) => overlayDirs(modelDir, rootDir, `overlays/${unit}`));
    // An overlay only one side has renders to nothing on the other (a new service not synthesized yet).
    const renderSide = async (root: string) => {
      const present = dirs.filter((d) => fs.existsSync(path.join(root, d)));
      const rendered = await renderOverlays(root, present, { cacheDir: options.cacheDir });
      return dirs.map((d): { error?: string; objects?: K8sObject[] } =>
        present.includes(d) ? rendered[present.indexOf(d)] : { objects: [] },
      );
    };
    const [model, actual] = await Promise.all([renderSide(modelDir), renderSide(rootDir)]);
    const findings: ParityFinding[] = [];
    dirs.forEach((dir, i) => {
      const files = [...changed].filter((f) => f.startsWith(`${dir}/`) || dependsOn(dir, f)).sort();
      const note = files.length > 0 ? ` (files differing from the model: ${files.join(', ')})` : '';
      if (actual[i].error || model[i].error) return; // reported by the render check
      const want = byId(model[i].objects!);
      const got = byId(actual[i].objects!);
      for (const [id, o] of got) {
        if (!want.has(id))
          findings.push({
            overlay: dir,
            object: id,
            message: `is not in the model: nothing in the environment table explains it${note}`,
          });
        else {
          for (const d of differences(want.get(id), o, '')) {
            findings.push({
              overlay: dir,
              object: id,
              message: `${d} is not explained by the environment table${note}`,
            });
          }
        }
      }
      for (const id of want.keys()) {
        if (!got.has(id))
          findings.push({ overlay: dir, object: id, message: `is in the model but missing from the overlay${note}` });
      }
    });
    return findings;
  } finally {
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

/** How far each environment lags the one it is promoted from: services whose pins differ. */
export function tagLag(rootDir: string, platform: Platform): string[] {
  const lines: string[] = [];
  const overlaysDir = 'overlays';
  for (const env of platform.environments.environments) {
    if (!env.promotedFrom) continue;
    const differing = platform.services.filter((s) => {
      const up = readImagePin(
        path.join(rootDir, overlayKustomization(overlaysDir, env.promotedFrom!, s.name)),
        s.image,
      );
      const down = readImagePin(path.join(rootDir, overlayKustomization(overlaysDir, env.name, s.name)), s.image);
      return describePin(up) !== describePin(down);
    });
    const detail = differing
      .map((s) => {
        const up = readImagePin(
          path.join(rootDir, overlayKustomization(overlaysDir, env.promotedFrom!, s.name)),
          s.image,
        );
        const down = readImagePin(path.join(rootDir, overlayKustomization(overlaysDir, env.name, s.name)), s.image);
        return `${s.name} ${describePin(down)} -> ${describePin(up)}`;
      })
      .join(', ');
    lines.push(
      differing.length === 0
        ? `${env.name} is level with ${env.promotedFrom}`
        : `${env.promotedFrom} is ahead of ${env.name} by ${differing.length} service(s): ${detail}`,
    );
  }
  return lines;
}

function byId(objects: K8sObject[]): Map<string, K8sObject> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

/** Leaf-level differences `path: model X, overlay Y`. */
function differences(a: unknown, b: unknown, at: string): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (x: unknown) => typeof x === 'object' && x !== null;
  const named = (x: unknown[]) => x.every((i) => isObject(i) && typeof (i as { name?: unknown }).name === 'string');
  if (Array.isArray(a) && Array.isArray(b) && named(a) && named(b)) {
    // Lists merged by name (containers, env, ports, volumes): compare item by item.
    const key = (i: unknown) => (i as { name: string }).name;
    const names = [...new Set([...a.map(key), ...b.map(key)])];
    return names.flatMap((n) =>
      differences(
        a.find((i) => key(i) === n),
        b.find((i) => key(i) === n),
        `${at}[name=${n}]`,
      ),
    );
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => differences(item, b[i], `${at}[${i}]`));
  }
  if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k),
    );
  }
  return [`${at || '(root)'}: model ${JSON.stringify(a) ?? '(absent)'}, overlay ${JSON.stringify(b) ?? '(absent)'}`];
}

function listFiles(rootDir: string, relative: string): string[] {
  const dir = path.join(rootDir, relative);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(rootDir, `${relative}/${e.name}`) : [`${relative}/${e.name}`]));
}

/** Overlay directories (with a kustomization) in either tree. */
function overlayDirs(modelDir: string, rootDir: string, envDir: string): string[] {
  const dirs = new Set<string>();
  for (const root of [modelDir, rootDir]) {
    const dir = path.join(root, envDir);
    if (!fs.existsSync(dir)) continue;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'kustomization.yaml')))
        dirs.add(`${envDir}/${e.name}`);
    }
  }
  return [...dirs].sort();
}

/** Whether overlay `dir` reads `file`: its base (dist/<name>/...), and for a cluster's overlay the environment's. */
function dependsOn(dir: string, file: string): boolean {
  const parts = dir.split('/');
  const name = parts[parts.length - 1];
  // A cluster's overlay (overlays/<env>/clusters/<cluster>/<name>) is layered over the environment's.
  return file.startsWith(`dist/${name}/`) || (parts.length > 3 && file.startsWith(`overlays/${parts[1]}/${name}/`));
}
