import { runMain, synth } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { applyChanges, formatChanges, planSetImage } from '../lib/release/promotion';
import { planClusterSetImage } from '../lib/release/cluster-pins';
import { releaseContext } from '../lib/release/release-context';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run set-image -- <env> <service> <tag|sha256:digest|tag@sha256:digest> [--cluster <name>] [--app <file.ts>]';

runMain('set-image', () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [3, 3],
    options: { ...APP_OPTION, cluster: { type: 'string' } },
  });
  const [env, service, reference] = positionals;
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  const changes =
    values.cluster === undefined
      ? planSetImage(ctx, env, service, reference)
      : planClusterSetImage(ctx, env, values.cluster, service, reference);
  if (changes.length === 0) {
    console.log(`nothing to change: ${service} in ${env} already pins ${reference}`);
    return;
  }
  process.stdout.write(formatChanges(changes));
  applyChanges(ctx, changes);
  synth(app.platform, app.options);
});
