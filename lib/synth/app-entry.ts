import * as fs from 'fs';
import * as path from 'path';

// Only Node's own modules: scripts/synth.mjs loads this file on its own, before bundling the entry.

/** The TypeScript file that builds a platform, and the directory its generated files live in. */
export interface AppEntry {
  /** Absolute path of the entry (e.g. `/repo/main.ts`). */
  readonly file: string;
  /** Directory that holds the entry's `dist/`, `overlays/` and `argocd/`: the entry's own. */
  readonly rootDir: string;
}

/** Options of `resolveAppEntry`. */
export interface ResolveAppOptions {
  /**
   * The entry the user named (`--app <file>`), relative to `cwd`.
   * @default - the `app` of `cdk8s.yaml` in `cwd`, else `main.ts`
   */
  readonly app?: string;
  /**
   * Directory the command runs in.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** The `--app <file.ts>` option of every command that works on a platform, in `parseArgs` form. */
export const APP_OPTION = { app: { type: 'string' } } as const;

/** The default entry, as in cdk8s's TypeScript app template. */
const DEFAULT_APP = 'main.ts';

/**
 * The one place a command learns which platform it works on: `--app <file>`, else the
 * TypeScript file named by the `app` command of `cdk8s.yaml` (cdk8s's own convention, e.g.
 * `app: node scripts/synth.mjs main.ts`), else `main.ts`.
 */
export function resolveAppEntry(options: ResolveAppOptions = {}): AppEntry {
  const cwd = options.cwd ?? process.cwd();
  const named = options.app ?? appOfCdk8sYaml(cwd) ?? DEFAULT_APP;
  const file = path.resolve(cwd, named);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    const from = options.app !== undefined ? '--app' : named === DEFAULT_APP ? 'the default app' : 'cdk8s.yaml app';
    throw new Error(`${from} ${JSON.stringify(named)}: no such file in ${cwd}; pass --app <file.ts>`);
  }
  return { file, rootDir: path.dirname(file) };
}

/** The TypeScript entry of `cdk8s.yaml`'s `app` command, if the file names one. */
function appOfCdk8sYaml(cwd: string): string | undefined {
  const config = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(config)) return undefined;
  const line = fs
    .readFileSync(config, 'utf8')
    .split(/\r?\n/)
    .find((l) => /^app\s*:/.test(l));
  if (line === undefined) return undefined;
  const command = line.replace(/^app\s*:\s*/, '').replace(/^(['"])(.*)\1$/, '$2');
  return command
    .split(/\s+/)
    .reverse()
    .find((token) => /\.(ts|tsx|mts|cts)$/.test(token));
}
