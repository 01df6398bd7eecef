import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { withRepositoryLock } from '../lib/core/repo-lock';
import { requireApproval, unneededApprovalNote } from '../lib/release/approval';
import { formatChanges, planSetImage } from '../lib/release/promotion';
import { planClusterSetImage } from '../lib/release/cluster-pins';
import { releaseContext } from '../lib/release/release-context';
import { writeRelease } from '../lib/release/release-write';
import { askOnTerminal } from '../lib/release/terminal';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { commandLine, loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run set-image -- <env> <service> <tag|sha256:digest|tag@sha256:digest> [--cluster <name>] [--app <file.ts>] [--approve]';

runMain('set-image', async () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [3, 3],
    options: { ...APP_OPTION, cluster: { type: 'string' }, approve: { type: 'boolean', default: false } },
  });
  const [env, service, reference] = positionals;
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  await withRepositoryLock(ctx.rootDir, commandLine(), async () => {
    const changes =
      values.cluster === undefined
        ? planSetImage(ctx, env, service, reference)
        : planClusterSetImage(ctx, env, values.cluster, service, reference);
    if (changes.length === 0) {
      console.log(`nothing to change: ${service} in ${env} already pins ${reference}`);
      return;
    }
    process.stdout.write(formatChanges(changes));
    const target = app.platform.environments.get(env);
    const note = unneededApprovalNote(target, values.approve);
    if (note !== undefined) console.log(note);
    await requireApproval(target, changes, { approved: values.approve, ask: askOnTerminal, action: 'set-image' });
    writeRelease(app, changes);
  });
});
