// `node scripts/command.mjs <command> [args...]`: what `npm run validate`, `npm run diff` and the
// other commands of scripts/<command>.ts start through. Loading the library through tsx costs
// more than most commands' work (README, Performance), so, as for synth, esbuild bundles the
// command and the library once into .cache/commands/<command>-<hash>.cjs, keyed by the content
// of every local source the bundle read plus the lockfile; later runs only hash those files and
// load the bundle (scripts/esbuild-support.mjs, libraryBundle). The app entry is compiled on
// require and given the bundle's library (scripts/entry-loader.cjs). Behaviour, output and exit
// codes are the command's own.
import * as fs from 'fs';
import * as path from 'path';
import { libraryBundle, loadLibraryBundle, root } from './esbuild-support.mjs';

const cacheDir = path.join(root, '.cache', 'commands');

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
const bundle = await libraryBundle(cacheDir, command, `exports.run = () => require(${JSON.stringify(script)});\n`);
const { run } = loadLibraryBundle(bundle);
// The command sees the arguments and the script name it has under `node --import tsx scripts/<command>.ts`.
process.argv = [process.argv[0], script, ...args];
run();
