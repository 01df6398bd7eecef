import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { writeBlocklist } from '../lib/release/blocklist';
import { planUnblock } from '../lib/release/rollback';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { commandLine, loadApp } from '../lib/synth/load-app';
import { withRepositoryLock } from '../lib/core/repo-lock';

const USAGE = 'usage: npm run unblock -- <service> <tag> [--app <file.ts>]';

runMain('unblock', () => {
  const { positionals, values } = parseCommandArgs({ usage: USAGE, positionals: [2, 2], options: { ...APP_OPTION } });
  const [service, tag] = positionals;
  const { rootDir } = loadApp(resolveAppEntry({ app: values.app })).options;
  withRepositoryLock(rootDir, commandLine(), () => writeBlocklist(rootDir, planUnblock(rootDir, service, tag)));
  console.log(`unblocked ${service} ${tag}`);
});
