import * as readline from 'readline';
import { parseArgs } from 'util';
import { runMain, synth } from '../lib';
import { changedPaths, commitPaths, createReleaseTag, requireCleanWorkTree } from '../lib/core/git';
import { describePin } from '../lib/kube/image-pin';
import { applyChanges, formatChanges, planPromotion } from '../lib/release/promotion';
import { refuseBlocked } from './blocklist-hook';
import { loadPlatform, repoRoot } from './model';

const USAGE =
  'usage: npm run promote -- <from> <to> [--only svc1,svc2] [--dry-run] [--commit] [--skip-stage] [--approve]';

runMain('promote', async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      commit: { type: 'boolean', default: false },
      'skip-stage': { type: 'boolean', default: false },
      approve: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 2) throw new Error(USAGE);
  const [from, to] = positionals;
  const rootDir = repoRoot();
  const platform = loadPlatform();
  const target = platform.environments.get(to);
  if (values.commit && !values['dry-run']) requireCleanWorkTree(rootDir, 'commit the promotion');
  const ctx = { platform, rootDir, refuse: refuseBlocked(rootDir) };
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const changes = planPromotion(ctx, { from, to, only, skipStage: values['skip-stage'] });
  if (changes.length === 0) {
    console.log(`nothing to promote: ${to} already pins what ${from} pins`);
    return;
  }
  process.stdout.write(formatChanges(changes));
  if (values['dry-run']) {
    console.log('dry run: nothing written');
    return;
  }
  if (
    target.requiresApproval &&
    !values.approve &&
    !(await confirm(`promote ${changes.length} service(s) to ${to}?`))
  ) {
    throw new Error(`promotion to ${to} requires approval: pass --approve (or answer yes on a terminal)`);
  }
  applyChanges(ctx, changes);
  synth(platform, { rootDir });
  console.log(`promoted ${changes.length} service(s) ${from} -> ${to}`);
  if (values.commit) {
    const lines = changes.map((c) => `- ${c.service}: ${describePin(c.before)} -> ${describePin(c.after)}`);
    const message = `promote ${from} -> ${to}: ${changes.map((c) => c.service).join(', ')}\n\n${lines.join('\n')}\n`;
    const sha = commitPaths(rootDir, changedPaths(rootDir), message);
    console.log(`committed ${sha}`);
    if (target.requiresApproval) {
      const day = new Date().toISOString().slice(0, 10);
      const tag = createReleaseTag(rootDir, `release/${to}/${day}`, message);
      console.log(`tagged ${tag}`);
    }
  }
});

/** Asks for an explicit "yes" on a terminal; without a terminal there is no approval. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} type yes to approve: `, resolve));
  rl.close();
  return answer.trim() === 'yes';
}
