// What scripts/synth.mjs, scripts/command.mjs and scripts/dev.mjs share: the content hash of a
// bundle's inputs, the standalone compile of a Node-only library module, the esbuild plugin that
// keeps each source file's own __dirname, and the content-hashed library bundle the commands run.
import { createHash } from 'crypto';
import * as fs from 'fs';
import Module, { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';
import * as vm from 'vm';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const require = createRequire(import.meta.url);

/** A short hash of the node version, `salt` and the content of `inputs` and the lockfile. */
export function contentHash(inputs, salt = '') {
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

/** Writes `file` through a temp file renamed into place. */
export function write(file, content) {
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
 * parser), compiled on its own into `cacheDir`.
 */
export function loadStandalone(cacheDir, ...relative) {
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

/**
 * Bundled code keeps each source file's own __dirname and __filename (lib/kube/kubectl.ts finds
 * .tools/ relative to itself).
 */
export const keepDirname = {
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

/** The local sources (outside node_modules) an esbuild metafile says a bundle read, absolute and sorted. */
export function localInputs(metafile) {
  return Object.keys(metafile.inputs)
    .filter((input) => input !== '<stdin>')
    .map((input) => path.resolve(input))
    .filter((input) => !input.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
}

/** Packages an app entry imports that must be the library's own copy (its constructs and App). */
const SHARED_PACKAGES = ['cdk8s', 'cdk8s-plus-28', 'constructs'];
/** A bundle a rebuild replaced is removed once it is this old (a concurrent run may still load it). */
const STALE_MS = 10 * 60 * 1000;

/** Every TypeScript file of the library, sorted: an app entry may import any of them. */
function libraryFiles(dir = path.join(root, 'lib')) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? libraryFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

/**
 * A bundle of `exportsSource` (CommonJS: what the launcher runs) and of every library file and
 * shared package an app entry may import, as `<cacheDir>/<name>-<hash>.cjs`, the hash taken over
 * every local source the bundle read and the lockfile (listed in `<name>.json`): built when a
 * source changed, else only hashed. The app entry is not in it, so editing a model rebuilds nothing.
 */
export async function libraryBundle(cacheDir, name, exportsSource) {
  const shared = [...libraryFiles(), ...SHARED_PACKAGES]
    .map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),\n`)
    .join('');
  // Listing lib/ costs a millisecond; a new library file is then in the table at once.
  const runner = `${exportsSource}exports.sharedModules = {\n${shared}};\n`;
  const manifestFile = path.join(cacheDir, `${name}.json`);
  try {
    const { inputs } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const bundle = path.join(cacheDir, `${name}-${contentHash(inputs, runner)}.cjs`);
    if (fs.existsSync(bundle)) return bundle;
  } catch {
    // no manifest yet, or an unreadable one: build
  }
  const result = await require('esbuild').build({
    stdin: { contents: runner, resolveDir: root, sourcefile: `${name}-runner.js`, loader: 'js' },
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
  const file = `${name}-${contentHash(inputs, runner)}.cjs`;
  write(path.join(cacheDir, file), result.outputFiles[0].contents);
  write(manifestFile, JSON.stringify({ name, inputs }));
  for (const old of fs.readdirSync(cacheDir)) {
    if (!old.startsWith(`${name}-`) || !old.endsWith('.cjs') || old === file) continue;
    try {
      const stale = path.join(cacheDir, old);
      if (Date.now() - fs.statSync(stale).mtimeMs > STALE_MS) {
        fs.rmSync(stale, { force: true });
        fs.rmSync(`${stale}.v8`, { force: true });
      }
    } catch {
      // removed by a concurrent run
    }
  }
  return path.join(cacheDir, file);
}

/**
 * Loads a bundle of `libraryBundle` and lets `require` load app entries with its library
 * (scripts/entry-loader.cjs); returns its exports. Compiled entries are kept in .cache/entries,
 * shared by every command: after an edit, synth compiles the entry and validate and diff find it.
 */
export function loadLibraryBundle(bundle) {
  const loaded = requireWithCodeCache(bundle);
  require('./entry-loader.cjs').installEntryLoader(loaded.sharedModules, root, path.join(root, '.cache', 'entries'));
  return loaded;
}

/**
 * `require(file)` with V8's code cache kept beside it (`<file>.v8`): parsing and compiling a
 * 2.5 MB bundle is a fixed cost of every command (30 ms of its start measured, more under load).
 * The cache is written when the process exits, so it holds the functions the run compiled; one
 * V8 rejects (another node) is written again.
 */
function requireWithCodeCache(file) {
  const codeCache = `${file}.v8`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = new Module(file);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  module.loaded = true;
  script
    .runInThisContext({ displayErrors: true })
    .call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        write(codeCache, script.createCachedData());
      } catch {
        // a cache is an optimization: the next run compiles again
      }
    });
  }
  return module.exports;
}
