// `npm run synth [-- --app <file.ts>]`: synthesizes the platform of an app entry (lib/synth/app-entry.ts
// resolves it: --app, else cdk8s.yaml's app, else main.ts). The TypeScript transform and module
// resolution cost more than the whole synth (README, Performance), so esbuild bundles the synth
// command and the library once into .cache/synth/synth-<hash>.cjs, keyed by the content of
// every local source it read plus the lockfile (scripts/esbuild-support.mjs, libraryBundle);
// later runs only hash those files and load the bundle. The entry is not in the bundle: it is
// compiled on require and given the bundle's library (scripts/entry-loader.cjs), so a model
// edit rebuilds nothing.
import * as path from 'path';
import { libraryBundle, loadLibraryBundle, loadStandalone as compile, require, root } from './esbuild-support.mjs';

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

const bundle = await libraryBundle(
  cacheDir,
  'synth',
  `exports.runSynthCommand = require(${JSON.stringify(path.join(root, 'lib', 'synth', 'synth-command.ts'))}).runSynthCommand;\n`,
);
const { runSynthCommand } = loadLibraryBundle(bundle);
// The entry is required lazily, inside the command, so an error while it builds its table is
// one line too.
runSynthCommand(entry, () => require(entry.file), { rootDir, acceptInitialTags, quiet });
