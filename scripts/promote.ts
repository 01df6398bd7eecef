import { runMain } from '../lib';
import { listOption, parseCommandArgs } from '../lib/core/command-args';
import { commitPaths, committerIdentity, requireCleanWorkTree } from '../lib/core/git';
import { withRepositoryLock } from '../lib/core/repo-lock';
import { approvalTrailer, requireApproval, unneededApprovalNote } from '../lib/release/approval';
import { promotionCommitMessage } from '../lib/release/commit-message';
import { formatChanges } from '../lib/release/promotion';
import { planFleetPromotion, resolveAddress } from '../lib/release/cluster-pins';
import { releaseContext } from '../lib/release/release-context';
import { tagRelease } from '../lib/release/release-tag';
import { writeRelease } from '../lib/release/release-write';
import { askOnTerminal } from '../lib/release/terminal';
import { verificationGate } from '../lib/release/verification-gate';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { commandLine, loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run promote -- <from> <to> [--cluster <name>] [--app <file.ts>] [--only svc1,svc2] [--dry-run] [--commit] [--skip-stage] [--approve] [--skip-verification --reason "..."]';

runMain('promote', async () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [2, 2],
    options: {
      ...APP_OPTION,
      only: { type: 'string' },
      cluster: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      commit: { type: 'boolean', default: false },
      'skip-stage': { type: 'boolean', default: false },
      approve: { type: 'boolean', default: false },
      'skip-verification': { type: 'boolean', default: false },
      reason: { type: 'string' },
    },
  });
  const [from, to] = positionals;
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  const target = resolveAddress(ctx, to, values.cluster).env;
  await withRepositoryLock(ctx.rootDir, commandLine(), async () => {
    // With --commit the source pins are committed ones: nothing uncommitted is promoted and recorded.
    if (values.commit && !values['dry-run']) requireCleanWorkTree(ctx.rootDir, 'commit the promotion');
    const changes = planFleetPromotion(ctx, {
      from,
      to,
      cluster: values.cluster,
      only: listOption(values.only),
      skipStage: values['skip-stage'],
    });
    if (changes.length === 0) {
      console.log(`nothing to promote: ${to} already pins what ${from} pins`);
      return;
    }
    const gate = verificationGate(ctx, {
      from: resolveAddress(ctx, from).env,
      to: target,
      changes,
      skip: values['skip-verification'],
      reason: values.reason,
    });
    process.stdout.write(formatChanges(changes));
    if (values['dry-run']) {
      console.log('dry run: nothing written');
      return;
    }
    const note = unneededApprovalNote(target, values.approve);
    if (note !== undefined) console.log(note);
    const approval = await requireApproval(target, changes, { approved: values.approve, ask: askOnTerminal });
    const written = writeRelease(app, changes);
    const skipped = gate.recordSkipped();
    console.log(`promoted ${new Set(changes.map((c) => c.service)).size} service(s) ${from} -> ${to}`);
    if (values.commit) {
      const trailer = approvalTrailer(approval, committerIdentity(ctx.rootDir));
      const message = promotionCommitMessage(from, to, changes) + (trailer !== undefined ? `\n${trailer}\n` : '');
      console.log(`committed ${commitPaths(ctx.rootDir, [...written, ...skipped], message)}`);
      const tag = tagRelease(ctx.rootDir, target, message);
      if (tag !== undefined) console.log(`tagged ${tag}`);
    }
  });
});
