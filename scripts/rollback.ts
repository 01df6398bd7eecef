import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { commitPaths, committerIdentity, requireCleanWorkTree } from '../lib/core/git';
import { withRepositoryLock } from '../lib/core/repo-lock';
import { approvalTrailer, requireApproval, unneededApprovalNote } from '../lib/release/approval';
import { BLOCKLIST_FILE } from '../lib/release/blocklist';
import { rollbackCommitMessage } from '../lib/release/commit-message';
import { formatChanges } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { writeRelease } from '../lib/release/release-write';
import { blocklistAfter, planRollback } from '../lib/release/rollback';
import { askOnTerminal } from '../lib/release/terminal';
import { planClusterRollback } from '../lib/release/cluster-pins';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { commandLine, loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run rollback -- <env> [<service>...] --reason "<why>" [--cluster <name>] [--app <file.ts>] [--to <tag>] [--date YYYY-MM-DD] [--commit] [--approve]';

runMain('rollback', async () => {
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
      approve: { type: 'boolean', default: false },
    },
  });
  const { reason } = values;
  if (reason === undefined) throw new Error(`--reason is required; ${USAGE}`);
  const [env, ...services] = positionals;
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  await withRepositoryLock(ctx.rootDir, commandLine(), async () => {
    if (values.commit) requireCleanWorkTree(ctx.rootDir, 'commit the rollback');
    const target = app.platform.environments.get(env);
    const note = unneededApprovalNote(target, values.approve);
    if (note !== undefined) console.log(note);
    if (values.cluster !== undefined) {
      // One cluster goes back by a wave pin; the tag it leaves stays allowed in the other clusters.
      const changes = planClusterRollback(ctx, { env, cluster: values.cluster, services, to: values.to });
      process.stdout.write(formatChanges(changes));
      const approval = await requireApproval(target, changes, {
        approved: values.approve,
        ask: askOnTerminal,
        action: 'rollback',
      });
      const written = writeRelease(app, changes);
      if (values.commit) {
        const trailer = approvalTrailer(approval, committerIdentity(ctx.rootDir));
        const message =
          rollbackCommitMessage(`${env}/${values.cluster}`, reason, changes) +
          (trailer !== undefined ? `\n${trailer}\n` : '');
        console.log(`committed ${commitPaths(ctx.rootDir, written, message)}`);
      }
      return;
    }
    const plan = planRollback(ctx, { env, services, to: values.to, reason, date: values.date });
    process.stdout.write(formatChanges(plan.changes));
    for (const s of plan.skipped) console.log(`skipped ${s}: no earlier tag in git history`);
    const approval = await requireApproval(target, plan.changes, {
      approved: values.approve,
      ask: askOnTerminal,
      action: 'rollback',
    });
    const written = writeRelease(app, plan.changes, { [BLOCKLIST_FILE]: blocklistAfter(ctx, plan) });
    for (const b of plan.blocked) console.log(`blocked ${b.service} ${b.tag ?? b.digest}: ${b.reason}`);
    if (values.commit) {
      const trailer = approvalTrailer(approval, committerIdentity(ctx.rootDir));
      const message =
        rollbackCommitMessage(env, reason, plan.changes) + (trailer !== undefined ? `\n${trailer}\n` : '');
      console.log(`committed ${commitPaths(ctx.rootDir, written, message)}`);
    }
  });
});
