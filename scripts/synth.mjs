// Runs a TypeScript entry point (main.ts by default) as plain JavaScript. The TypeScript
// transform and module resolution cost more than the whole synth (see README, Performance),
// so esbuild bundles the entry and everything it imports once into
// .cache/synth/<entry>-<hash>.cjs, keyed by the content of every local source it read plus
// the lockfile; later runs only hash those files and load the bundle.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.resolve(process.argv[2] ?? path.join(root, 'main.ts'));
const cacheDir = path.join(root, '.cache', 'synth');
const entryKey = createHash('sha256').update(entry).digest('hex').slice(0, 12);
const manifestFile = path.join(cacheDir, `${entryKey}.json`);
const require = createRequire(import.meta.url);

function contentHash(inputs) {
  const hash = createHash('sha256').update(process.version);
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

function cachedBundle() {
  try {
    const { inputs } = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const bundle = path.join(cacheDir, `${entryKey}-${contentHash(inputs)}.cjs`);
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
    entryPoints: [entry],
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
    .map((input) => path.resolve(input))
    .filter((input) => !input.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
  const bundle = path.join(cacheDir, `${entryKey}-${contentHash(inputs)}.cjs`);
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const old of fs.readdirSync(cacheDir)) {
    if (old.startsWith(`${entryKey}-`)) fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  const write = (file, content) => {
    fs.writeFileSync(`${file}.tmp-${process.pid}`, content);
    fs.renameSync(`${file}.tmp-${process.pid}`, file);
  };
  write(bundle, result.outputFiles[0].contents);
  write(manifestFile, JSON.stringify({ entry, inputs }));
  return bundle;
}

const bundle = cachedBundle() ?? (await build());
process.argv = [process.argv[0], bundle, ...process.argv.slice(3)];
// Loaded as the main module, so the entry's `require.main === module` check holds.
require('module')._load(bundle, null, true);
