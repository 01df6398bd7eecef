import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const NODE = process.execPath;

/** The three states of the model a review loop goes through. */
export type ModelVariant = 'base' | 'changed-value' | 'added-service';

/** A platform for the review loop: its entry file's text in each variant. */
export interface LoopPlatform {
  /** Directory name under the bench's work directory. */
  readonly name: string;
  /** The entry's text (`platform.ts`) in each variant. */
  readonly entry: (variant: ModelVariant) => string;
}

/** One review loop: wall time of each command after one model change, in milliseconds. */
export interface LoopRun {
  readonly synthMs: number;
  readonly validateMs: number;
  readonly diffMs: number;
  readonly totalMs: number;
}

/** Runs `command`; resolves with its wall time, rejects naming it when it exits non-zero. */
function timed(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(NODE, args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.slice(-3).join(' ')} in ${cwd} failed (${code}): ${stderr.trim().split('\n')[0]}`));
    });
  });
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@stagecraft.local', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

/** The three commands as package.json runs them: synth through its bundle, validate and diff through theirs. */
const commands = (entry: string) => ({
  synth: [path.join(ROOT, 'scripts', 'synth.mjs'), '--app', entry],
  validate: [path.join(ROOT, 'scripts', 'command.mjs'), 'validate', '--app', entry],
  diff: [path.join(ROOT, 'scripts', 'command.mjs'), 'diff', '--app', entry, '--base', 'main'],
});

/**
 * The review loop as an engineer runs it: the platform synthesized, validated, committed on
 * main and diffed once (the caches a working copy has), then for each run one model change —
 * a changed value, then an added service — each followed by `npm run synth`, `npm run
 * validate` and `npm run diff` as whole processes. Between runs the model goes back to its
 * base state (untimed).
 */
export async function reviewLoop(
  work: string,
  platform: LoopPlatform,
  runs: number,
): Promise<Record<Exclude<ModelVariant, 'base'>, LoopRun[]>> {
  const dir = path.join(work, `loop-${platform.name}`);
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'platform.ts');
  const run = commands(entry);
  fs.writeFileSync(path.join(dir, '.gitignore'), '.cache/\n');
  fs.writeFileSync(entry, platform.entry('base'));
  await timed(run.synth, dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  await timed(run.validate, dir);
  await timed(run.diff, dir);
  const loops: Record<Exclude<ModelVariant, 'base'>, LoopRun[]> = { 'changed-value': [], 'added-service': [] };
  for (let i = 0; i < runs; i++) {
    for (const variant of ['changed-value', 'added-service'] as const) {
      fs.writeFileSync(entry, platform.entry(variant));
      const synthMs = await timed(run.synth, dir);
      const validateMs = await timed(run.validate, dir);
      const diffMs = await timed(run.diff, dir);
      loops[variant].push({ synthMs, validateMs, diffMs, totalMs: synthMs + validateMs + diffMs });
    }
    fs.writeFileSync(entry, platform.entry('base'));
    await timed(run.synth, dir);
    await timed(run.validate, dir);
  }
  return loops;
}

/**
 * The watch mode (`npm run dev`) on the same platform: from saving a model change to the line
 * that says it watches again (synth, validation of what changed, the changed objects printed),
 * for each change of each run.
 */
export async function watchLoop(work: string, platform: LoopPlatform, runs: number): Promise<number[]> {
  const dir = path.join(work, `watch-${platform.name}`);
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'platform.ts');
  fs.writeFileSync(entry, platform.entry('base'));
  const child = spawn(NODE, [path.join(ROOT, 'scripts', 'dev.mjs'), '--app', entry], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  let output = '';
  let wake: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    wake?.();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const nextCycle = async (from: number) => {
    while (!/^dev: watching /m.test(output.slice(from))) {
      if (child.exitCode !== null) throw new Error(`npm run dev exited: ${output.trim().split('\n').pop()}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const printed = output.slice(from);
    if (/^dev: error: /m.test(printed)) throw new Error(`npm run dev failed: ${printed.trim()}`);
  };
  const times: number[] = [];
  try {
    await nextCycle(0);
    for (let i = 0; i < runs; i++) {
      for (const variant of ['changed-value', 'added-service', 'base'] as const) {
        const from = output.length;
        const start = process.hrtime.bigint();
        fs.writeFileSync(entry, platform.entry(variant));
        await nextCycle(from);
        if (variant !== 'base') times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('close', resolve));
  }
  return times;
}

/** Craftista's `main.ts` with its imports pointing at this repository, in each variant. */
export function craftistaLoopPlatform(): LoopPlatform {
  const source = fs
    .readFileSync(path.join(ROOT, 'main.ts'), 'utf8')
    .replace(/from '\.\/lib'/g, `from ${JSON.stringify(path.join(ROOT, 'lib'))}`);
  const value = 'port: 5000,';
  const added = '  return platform;\n}';
  if (!source.includes(value) || !source.includes(added)) {
    throw new Error(`main.ts: the review loop changes "${value}" and adds a service before "return platform;"`);
  }
  const service =
    `  new Microservice(platform, 'reviews', { image: 'craftista/reviews', initialTag: '0.1.0', port: 8080 });\n` +
    added;
  return {
    name: 'craftista',
    entry: (variant) =>
      variant === 'base'
        ? source
        : variant === 'changed-value'
          ? source.replace(value, 'port: 5001,')
          : source.replace(value, 'port: 5001,').replace(added, service),
  };
}

/** The synthetic platform of `size` with one more service whose port is the changed value. */
export function syntheticLoopPlatform(size: { services: number; envs: number }, synthOptions: object): LoopPlatform {
  const text = (port: number, added: boolean) =>
    [
      `import { App } from 'cdk8s';`,
      `import { Microservice } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      `import { syntheticPlatform } from ${JSON.stringify(path.join(ROOT, 'bench', 'synthetic'))};`,
      ``,
      `export const synthOptions = ${JSON.stringify(synthOptions)};`,
      `export default (app: App) => {`,
      `  const platform = syntheticPlatform(app, ${JSON.stringify(size)});`,
      `  new Microservice(platform, 'tuned', { image: 'bench/tuned', initialTag: '1.0.0', port: ${port} });`,
      ...(added
        ? [`  new Microservice(platform, 'added', { image: 'bench/added', initialTag: '0.1.0', port: 8080 });`]
        : []),
      `  return platform;`,
      `};`,
      ``,
    ].join('\n');
  return {
    name: `synthetic-${size.services}x${size.envs}`,
    entry: (variant) => text(variant === 'base' ? 8080 : 8081, variant === 'added-service'),
  };
}
