import * as readline from 'readline';
import { runMain, synth } from '../lib';
import { listOption, parseCommandArgs } from '../lib/core/command-args';
import { changedPaths, commitPaths, requireCleanWorkTree } from '../lib/core/git';
import { requireApproval } from '../lib/release/approval';
import { promotionCommitMessage } from '../lib/release/commit-message';
import { applyChanges, formatChanges, planPromotion } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { tagRelease } from '../lib/release/release-tag';
import { verificationGate } from '../lib/release/verification-gate';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run promote -- <from> <to> [--app <file.ts>] [--only svc1,svc2] [--dry-run] [--commit] [--skip-stage] [--approve] [--skip-verification --reason "..."]';

runMain('promote', async () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [2, 2],
    options: {
      ...APP_OPTION,
      only: { type: 'string' },
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
  const target = app.platform.environments.get(to);
  if (values.commit && !values['dry-run']) requireCleanWorkTree(ctx.rootDir, 'commit the promotion');
  const changes = planPromotion(ctx, { from, to, only: listOption(values.only), skipStage: values['skip-stage'] });
  if (changes.length === 0) {
    console.log(`nothing to promote: ${to} already pins what ${from} pins`);
    return;
  }
  const gate = verificationGate(ctx, {
    from: app.platform.environments.get(from),
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
  await requireApproval(target, changes, { approved: values.approve, ask });
  applyChanges(ctx, changes);
  gate.recordSkipped();
  synth(app.platform, app.options);
  console.log(`promoted ${changes.length} service(s) ${from} -> ${to}`);
  if (values.commit) {
    const message = promotionCommitMessage(from, to, changes);
    console.log(`committed ${commitPaths(ctx.rootDir, changedPaths(ctx.rootDir), message)}`);
    const tag = tagRelease(ctx.rootDir, target, message);
    if (tag !== undefined) console.log(`tagged ${tag}`);
  }
});

/** Asks on a terminal and resolves to the answer; without a terminal nobody can answer. */
async function ask(prompt: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  return answer;
}
