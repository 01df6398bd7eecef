// What scripts/synth.mjs and scripts/dev.mjs share: the content hash of a bundle's inputs, the
// standalone compile of a Node-only library module, and the esbuild plugin that keeps each
// source file's own __dirname.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

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
