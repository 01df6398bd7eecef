import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { formatHistory, serviceHistory } from '../lib/release/history';
import { releaseContext } from '../lib/release/release-context';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run history -- <env> <service> [--app <file.ts>]';

runMain('history', () => {
  const { positionals, values } = parseCommandArgs({ usage: USAGE, positionals: [2, 2], options: { ...APP_OPTION } });
  const [env, service] = positionals;
  const ctx = releaseContext(loadApp(resolveAppEntry({ app: values.app })));
  process.stdout.write(formatHistory(serviceHistory(ctx, env, service)));
});
