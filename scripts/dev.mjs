// `npm run dev [-- --app <file.ts>]`: the watch mode. Synthesizes and validates the platform,
// then again on every save of the entry or any local source it imports, printing the objects
// that changed (lib/gate/review-cycle.ts). esbuild keeps an incremental build of the entry and
// the library (packages stay external, loaded once by this process), so a cycle costs a rebuild
// of the local sources, the synth and the validation of the environments whose inputs changed.
// Ctrl-C (SIGINT) or SIGTERM stops it with exit code 0.
import * as fs from 'fs';
import * as path from 'path';
import { keepDirname, loadStandalone as compile, localInputs, require, root } from './esbuild-support.mjs';

const cacheDir = path.join(root, '.cache', 'dev');
const loadStandalone = (...relative) => compile(path.join(root, '.cache', 'synth'), ...relative);
const USAGE = 'usage: npm run dev [-- --app <file.ts>]';
const say = (line) => process.stdout.write(`dev: ${line}\n`);

let entry;
try {
  const { values } = loadStandalone('lib', 'core', 'command-args.ts').parseCommandArgs({
    usage: USAGE,
    options: { app: { type: 'string' } },
  });
  entry = loadStandalone('lib', 'synth', 'app-entry.ts').resolveAppEntry({ app: values.app });
} catch (error) {
  process.stderr.write(`dev: ${error.message}\n`);
  process.exit(2);
}

const runner =
  `const { formatCycle, reviewCycle } = require(${JSON.stringify(path.join(root, 'lib', 'gate', 'review-cycle.ts'))});\n` +
  `const entry = ${JSON.stringify(entry)};\n` +
  `module.exports = async (previous) => {\n` +
  `  const { state, report } = await reviewCycle(entry, () => require(${JSON.stringify(entry.file)}), previous);\n` +
  `  return { state, text: formatCycle(report, previous === undefined) };\n` +
  `};\n`;

const esbuild = require('esbuild');
const context = await esbuild.context({
  stdin: { contents: runner, resolveDir: path.dirname(entry.file), sourcefile: 'dev-runner.ts', loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  write: false,
  metafile: true,
  logLevel: 'silent',
  plugins: [keepDirname],
  outfile: path.join(cacheDir, 'bundle.cjs'),
});

/** Directory -> watcher, over the directories of every input of the last build. */
const watchers = new Map();
let inputs = new Set([entry.file]);
let state;
let running = false;
let again = false;
let timer;
let cycles = 0;
let bundleFile;

function watch(files) {
  inputs = new Set(files);
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (const [dir, watcher] of watchers) {
    if (!dirs.has(dir)) {
      watcher.close();
      watchers.delete(dir);
    }
  }
  // Directories, not files: an editor that saves by renaming a new file into place replaces the inode.
  for (const dir of dirs) {
    if (watchers.has(dir)) continue;
    watchers.set(
      dir,
      fs.watch(dir, (_, name) => {
        if (name && inputs.has(path.join(dir, name.toString()))) schedule();
      }),
    );
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => void cycle(), 25);
}

async function cycle() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    const result = await context.rebuild();
    watch([...new Set([entry.file, ...localInputs(result.metafile)])]);
    // A new file per cycle: require() would hand back the module it loaded last time.
    const next = path.join(cacheDir, `dev-${process.pid}-${cycles++}.cjs`);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(next, result.outputFiles[0].contents);
    if (bundleFile) fs.rmSync(bundleFile, { force: true });
    bundleFile = next;
    const { state: nextState, text } = await require(next)(state);
    state = nextState;
    process.stdout.write(`dev: ${text}`);
  } catch (error) {
    // A build error, or a model that throws: one line, and keep watching for the fix.
    const message = error.errors?.[0]
      ? `${error.errors[0].location?.file ?? ''}: ${error.errors[0].text}`
      : error.message;
    say(`error: ${String(message).split('\n')[0]}`);
  } finally {
    running = false;
  }
  if (again) {
    again = false;
    await cycle();
  } else say(`watching ${inputs.size} file(s) (Ctrl-C to stop)`);
}

async function stop(signal) {
  clearTimeout(timer);
  for (const watcher of watchers.values()) watcher.close();
  await context.dispose();
  if (bundleFile) fs.rmSync(bundleFile, { force: true });
  say(`stopped (${signal})`);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await cycle();
