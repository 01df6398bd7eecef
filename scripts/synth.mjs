// `npm run synth [-- --app <file.ts>]`: synthesizes the platform of an app entry (lib/synth/app-entry.ts
// resolves it: --app, else cdk8s.yaml's app, else main.ts). The TypeScript transform and module
// resolution cost more than the whole synth (README, Performance), so esbuild bundles a small
// runner, the entry and everything they import once into .cache/synth/<entry>-<hash>.cjs, keyed
// by the content of every local source it read plus the lockfile; later runs only hash those
// files and load the bundle.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  contentHash,
  keepDirname,
  loadStandalone as compile,
  localInputs,
  require,
  root,
  write,
} from './esbuild-support.mjs';

const cacheDir = path.join(root, '.cache', 'synth');
const loadStandalone = (...relative) => compile(cacheDir, ...relative);

const USAGE = 'usage: npm run synth [-- --app <file.ts>] [--root <dir>] [--accept-initial-tags] [--quiet]';
let app;
let rootDir;
let acceptInitialTags;
let quiet;
try {
  const { values } = loadStandalone('lib', 'core', 'command-args.ts').parseCommandArgs({
    usage: USAGE,
    options: {
      app: { type: 'string' },
      root: { type: 'string' },
      'accept-initial-tags': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  app = values.app;
  rootDir = values.root === undefined ? undefined : path.resolve(values.root);
  acceptInitialTags = values['accept-initial-tags'] ?? false;
  quiet = values.quiet ?? false;
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
  `const { entry, rootDir, acceptInitialTags, quiet } = globalThis.__stagecraftSynth;\n` +
  `const { runSynthCommand } = require(${JSON.stringify(path.join(root, 'lib', 'synth', 'synth-command.ts'))});\n` +
  `runSynthCommand(entry, () => require(${JSON.stringify(entry.file)}), { rootDir, acceptInitialTags, quiet });\n`;

function cachedBundle() {
  try {
    const { inputs } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const bundle = path.join(cacheDir, `${entryKey}-${contentHash(inputs, runner)}.cjs`);
    return fs.existsSync(bundle) ? bundle : undefined;
  } catch {
    return undefined;
  }
}

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
  const inputs = localInputs(result.metafile);
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
globalThis.__stagecraftSynth = { entry, rootDir, acceptInitialTags, quiet };
require(bundle);
