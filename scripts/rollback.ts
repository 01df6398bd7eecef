import { runMain, synth } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { changedPaths, commitPaths, requireCleanWorkTree } from '../lib/core/git';
import { rollbackCommitMessage } from '../lib/release/commit-message';
import { formatChanges } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { applyRollback, planRollback } from '../lib/release/rollback';
import { applyChanges } from '../lib/release/promotion';
import { planClusterRollback } from '../lib/release/cluster-pins';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run rollback -- <env> [<service>...] --reason "<why>" [--cluster <name>] [--app <file.ts>] [--to <tag>] [--date YYYY-MM-DD] [--commit]';

runMain('rollback', () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [1, Infinity],
    options: {
      ...APP_OPTION,
      to: { type: 'string' },
      reason: { type: 'string' },
      date: { type: 'string' },
      commit: { type: 'boolean', default: false },
      cluster: { type: 'string' },
    },
  });
  const { reason } = values;
  if (reason === undefined) throw new Error(`--reason is required; ${USAGE}`);
  const [env, ...services] = positionals;
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  if (values.commit) requireCleanWorkTree(ctx.rootDir, 'commit the rollback');
  if (values.cluster !== undefined) {
    // One cluster goes back by a wave pin; the tag it leaves stays allowed in the other clusters.
    const changes = planClusterRollback(ctx, { env, cluster: values.cluster, services, to: values.to });
    process.stdout.write(formatChanges(changes));
    applyChanges(ctx, changes);
    synth(app.platform, app.options);
    if (values.commit) {
      const message = rollbackCommitMessage(`${env}/${values.cluster}`, reason, changes);
      console.log(`committed ${commitPaths(ctx.rootDir, changedPaths(ctx.rootDir), message)}`);
    }
    return;
  }
  const plan = planRollback(ctx, { env, services, to: values.to, reason, date: values.date });
  process.stdout.write(formatChanges(plan.changes));
  applyRollback(ctx, plan);
  synth(app.platform, app.options);
  for (const b of plan.blocked) console.log(`blocked ${b.service} ${b.tag}: ${b.reason}`);
  if (values.commit) {
    const message = rollbackCommitMessage(env, reason, plan.changes);
    console.log(`committed ${commitPaths(ctx.rootDir, changedPaths(ctx.rootDir), message)}`);
  }
});
