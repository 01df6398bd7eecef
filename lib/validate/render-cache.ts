import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { kubectlPath, kustomizeYaml } from '../kustomize';

/** Bump when the cached content's meaning changes. */
const CACHE_VERSION = 'v1';

/** One rendered overlay. */
export interface RenderedOverlay {
  /** Overlay directory relative to the root (posix). */
  readonly dir: string;
  /** Rendered YAML, when rendering succeeded. */
  readonly yaml?: string;
  /** One-line error, when it failed. */
  readonly error?: string;
  /** Whether the result came from the cache. */
  readonly cached: boolean;
}

/**
 * Renders overlays with the real Kustomize, in parallel, skipping any overlay whose inputs
 * (every file it reads, through resources, components and patches, plus the kubectl binary)
 * hash to a result already in `cacheDir`.
 */
export async function renderOverlays(
  rootDir: string,
  dirs: readonly string[],
  cacheDir: string | undefined,
  concurrency: number,
): Promise<RenderedOverlay[]> {
  const kubectl = kubectlPath();
  const stat = fs.statSync(kubectl);
  const toolId = `${CACHE_VERSION}:${stat.size}:${stat.mtimeMs}`;
  const results: RenderedOverlay[] = new Array(dirs.length);
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const index = next++;
      const dir = dirs[index];
      const absolute = path.join(rootDir, dir);
      let key: string | undefined;
      if (cacheDir) {
        try {
          key = inputHash(rootDir, absolute, toolId);
        } catch {
          key = undefined;
        }
      }
      const cacheFile = key && cacheDir ? path.join(cacheDir, `${key}.yaml`) : undefined;
      if (cacheFile && fs.existsSync(cacheFile)) {
        results[index] = { dir, yaml: fs.readFileSync(cacheFile, 'utf8'), cached: true };
        continue;
      }
      try {
        const yaml = await kustomizeYaml(absolute);
        if (cacheFile) {
          fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
          const tmp = `${cacheFile}.tmp-${process.pid}-${index}`;
          fs.writeFileSync(tmp, yaml);
          fs.renameSync(tmp, cacheFile);
        }
        results[index] = { dir, yaml, cached: false };
      } catch (error) {
        const message = (error as Error).message.replace(`${absolute} `, `${dir} `);
        results[index] = { dir, error: message, cached: false };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, dirs.length)) }, worker));
  return results;
}

/** Hash of every input file of the kustomization in `dir`. */
export function inputHash(rootDir: string, dir: string, toolId: string): string {
  const files = new Set<string>();
  collectInputs(dir, files, new Set());
  const hash = createHash('sha256').update(toolId).update('\0');
  for (const file of [...files].sort()) {
    hash.update(path.relative(rootDir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function collectInputs(dir: string, files: Set<string>, visited: Set<string>): void {
  if (visited.has(dir)) return;
  visited.add(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) files.add(path.join(dir, entry.name));
  }
  const name = KUSTOMIZATION_FILES.find((f) => fs.existsSync(path.join(dir, f)));
  if (!name) return;
  const k = (parse(fs.readFileSync(path.join(dir, name), 'utf8')) ?? {}) as Record<string, any>;
  const refs: string[] = [
    ...(k.resources ?? []),
    ...(k.components ?? []),
    ...(k.bases ?? []),
    ...(k.crds ?? []),
    ...(k.patchesStrategicMerge ?? []),
    ...(k.patches ?? []).map((p: { path?: string }) => p.path),
    ...(k.configMapGenerator ?? []).flatMap((g: any) => [...(g.files ?? []), ...(g.envs ?? [])]),
    ...(k.secretGenerator ?? []).flatMap((g: any) => [...(g.files ?? []), ...(g.envs ?? [])]),
  ].filter((r): r is string => typeof r === 'string' && !/^[a-z]+:\/\//.test(r));
  for (const ref of refs) {
    const target = path.resolve(dir, ref.includes('=') ? ref.split('=').pop()! : ref);
    if (!fs.existsSync(target)) continue;
    if (fs.statSync(target).isDirectory()) collectInputs(target, files, visited);
    else files.add(target);
  }
}
