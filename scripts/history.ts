import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { formatHistory, serviceHistory } from '../lib/release/history';
import { clusterHistory, resolveAddress } from '../lib/release/cluster-pins';
import { findService } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run history -- <env> <service> [--cluster <name>] [--app <file.ts>] [--json]';

runMain('history', () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [2, 2],
    options: { ...APP_OPTION, cluster: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [env, service] = positionals;
  const ctx = releaseContext(loadApp(resolveAppEntry({ app: values.app })));
  const entries =
    values.cluster === undefined
      ? serviceHistory(ctx, env, service)
      : clusterHistory(ctx, resolveAddress(ctx, env, values.cluster), findService(ctx.platform, service));
  process.stdout.write(values.json ? `${JSON.stringify(entries, null, 2)}\n` : formatHistory(entries));
});
