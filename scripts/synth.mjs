// `npm run synth [-- --app <file.ts>]`: synthesizes the platform of an app entry (lib/synth/app-entry.ts
// resolves it: --app, else cdk8s.yaml's app, else main.ts). The TypeScript transform and module
// resolution cost more than the whole synth (README, Performance), so esbuild bundles a small
// runner, the entry and everything they import once into .cache/synth/<entry>-<hash>.cjs, keyed
// by the content of every local source it read plus the lockfile; later runs only hash those
// files and load the bundle.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, '.cache', 'synth');
const require = createRequire(import.meta.url);

function contentHash(inputs, salt = '') {
  const hash = createHash('sha256').update(process.version).update(salt);
  for (const file of [...inputs, path.join(root, 'package-lock.json')]) {
    hash.update(file).update('\0');
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // An unpredictable, exclusively created temp name: never an existing file or a planted link.
  const tmp = `${file}.${createHash('sha256')
    .update(String(Math.random()) + process.pid)
    .digest('hex')
    .slice(0, 16)}`;
  fs.writeFileSync(tmp, content, { flag: 'wx' });
  fs.renameSync(tmp, file);
}

/**
 * A module of the library that imports only Node's modules (the entry resolver, the argument
 * parser), compiled on its own.
 */
function loadStandalone(...relative) {
  const source = path.join(root, ...relative);
  const compiled = path.join(cacheDir, `${path.basename(source, '.ts')}-${contentHash([source])}.cjs`);
  if (!fs.existsSync(compiled)) {
    const { code } = require('esbuild').transformSync(fs.readFileSync(source, 'utf8'), {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
    });
    write(compiled, code);
  }
  return require(compiled);
}

const USAGE = 'usage: npm run synth [-- --app <file.ts>] [--root <dir>] [--accept-initial-tags]';
let app;
let rootDir;
let acceptInitialTags;
try {
  const { values } = loadStandalone('lib', 'core', 'command-args.ts').parseCommandArgs({
    usage: USAGE,
    options: { app: { type: 'string' }, root: { type: 'string' }, 'accept-initial-tags': { type: 'boolean' } },
  });
  app = values.app;
  rootDir = values.root === undefined ? undefined : path.resolve(values.root);
  acceptInitialTags = values['accept-initial-tags'] ?? false;
} catch (error) {
  process.stderr.write(`synth: ${error.message}\n`);
  process.exit(2);
}
let entry;
try {
  entry = loadStandalone('lib', 'synth', 'app-entry.ts').resolveAppEntry({ app });
} catch (error) {
  process.stderr.write(`synth: ${error.message}\n`);
  process.exit(1);
}

const entryKey = createHash('sha256').update(entry.file).digest('hex').slice(0, 12);
const manifestFile = path.join(cacheDir, `${entryKey}.json`);
// The entry is required lazily, inside the command, so an error while it builds its table is
// one line too.
const runner =
  `const { entry, rootDir, acceptInitialTags } = globalThis.__stagecraftSynth;\n` +
  `const { runSynthCommand } = require(${JSON.stringify(path.join(root, 'lib', 'synth', 'synth-command.ts'))});\n` +
  `runSynthCommand(entry, () => require(${JSON.stringify(entry.file)}), { rootDir, acceptInitialTags });\n`;

function cachedBundle() {
  try {
    const { inputs } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const bundle = path.join(cacheDir, `${entryKey}-${contentHash(inputs, runner)}.cjs`);
    return fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

// Bundled code keeps each source file's own __dirname and __filename (lib/kube/kubectl.ts finds
// .tools/ relative to itself).
const keepDirname = {
  name: 'keep-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !/__(dirname|filename)/.test(source)) return;
      const prelude =
        `const __dirname = ${JSON.stringify(path.dirname(args.path))};` +
        `const __filename = ${JSON.stringify(args.path)};`;
      return { contents: prelude + source, loader: 'ts' };
    });
  },
};

async function build() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    stdin: { contents: runner, resolveDir: path.dirname(entry.file), sourcefile: 'synth-runner.ts', loader: 'ts' },
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
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => input !== '<stdin>')
    .map((input) => path.resolve(input))
    .filter((input) => !input.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
  const bundle = path.join(cacheDir, `${entryKey}-${contentHash(inputs, runner)}.cjs`);
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const old of fs.readdirSync(cacheDir)) {
    if (old.startsWith(`${entryKey}-`)) fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  write(bundle, result.outputFiles[0].contents);
  write(manifestFile, JSON.stringify({ entry: entry.file, inputs }));
  return bundle;
}

const bundle = cachedBundle() ?? (await build());
// The bundle reads its entry and the output root from here, so one bundle serves every --root.
globalThis.__stagecraftSynth = { entry, rootDir, acceptInitialTags };
require(bundle);
