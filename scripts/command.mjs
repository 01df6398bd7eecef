// `node scripts/command.mjs <command> [args...]`: what `npm run validate`, `npm run diff` and the
// other commands of scripts/<command>.ts start through. Loading the library through tsx costs
// more than most commands' work (README, Performance), so, as scripts/synth.mjs does for synth,
// esbuild bundles the command and the library once into .cache/commands/<command>-<hash>.cjs,
// keyed by the content of every local source the bundle read plus the lockfile; later runs only
// hash those files and load the bundle. The app entry is not in the bundle (a model edit would
// rebuild every command): scripts/entry-loader.cjs compiles it on require and hands it the
// bundle's library. Behaviour, output and exit codes are the command's own.
import * as fs from 'fs';
import * as path from 'path';
import { contentHash, keepDirname, localInputs, require, root, write } from './esbuild-support.mjs';

const cacheDir = path.join(root, '.cache', 'commands');
/** Packages an app entry imports that must be the library's own copy (its constructs and App). */
const SHARED_PACKAGES = ['cdk8s', 'cdk8s-plus-28', 'constructs'];
/** A bundle another run replaced is removed once it is this old (a concurrent run may still load it). */
const STALE_MS = 10 * 60 * 1000;

const [command, ...args] = process.argv.slice(2);
const commands = fs
  .readdirSync(path.join(root, 'scripts'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();
if (!commands.includes(command)) {
  process.stderr.write(
    `command: unknown command ${JSON.stringify(command ?? '')}; allowed: ${commands.join(', ')}; usage: node scripts/command.mjs <command> [args...]\n`,
  );
  process.exit(2);
}
const script = path.join(root, 'scripts', `${command}.ts`);
const manifestFile = path.join(cacheDir, `${command}.json`);

/** Every TypeScript file of the library: an entry may import any of them. */
function libraryFiles(dir = path.join(root, 'lib')) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? libraryFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

/** The bundle's own entry: the modules an app entry may share, and the command, run on demand. */
function runnerSource() {
  const shared = [...libraryFiles(), ...SHARED_PACKAGES]
    .map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),\n`)
    .join('');
  return `exports.modules = {\n${shared}};\nexports.run = () => require(${JSON.stringify(script)});\n`;
}

// Listing lib/ costs a millisecond; a new library file is then in the table at once.
const runner = runnerSource();

function cachedBundle() {
  try {
    const { inputs } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const bundle = path.join(cacheDir, `${command}-${contentHash(inputs, runner)}.cjs`);
    return fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

async function build() {
  const result = await require('esbuild').build({
    stdin: { contents: runner, resolveDir: root, sourcefile: `${command}-runner.js`, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: [keepDirname],
    outfile: path.join(cacheDir, 'bundle.cjs'),
  });
  const inputs = localInputs(result.metafile);
  const name = `${command}-${contentHash(inputs, runner)}.cjs`;
  const bundle = path.join(cacheDir, name);
  write(bundle, result.outputFiles[0].contents);
  write(manifestFile, JSON.stringify({ command, inputs }));
  for (const old of fs.readdirSync(cacheDir)) {
    if (!old.startsWith(`${command}-`) || !old.endsWith('.cjs') || old === name) continue;
    const file = path.join(cacheDir, old);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > STALE_MS) fs.rmSync(file, { force: true });
    } catch {
      // removed by a concurrent run
    }
  }
  return bundle;
}

const bundle = cachedBundle() ?? (await build());
const { modules, run } = require(bundle);
require('./entry-loader.cjs').installEntryLoader(modules, root, path.join(cacheDir, 'entries'));
// The command sees the arguments and the script name it has under `node --import tsx scripts/<command>.ts`.
process.argv = [process.argv[0], script, ...args];
run();
