import { parseArgs } from 'util';
import { runMain, synth } from '../lib';
import { changedPaths, commitPaths, requireCleanWorkTree } from '../lib/core/git';
import { describePin } from '../lib/kube/image-pin';
import { formatChanges } from '../lib/release/promotion';
import { applyRollback, planRollback } from '../lib/release/rollback';
import { loadPlatform, repoRoot } from './model';

const USAGE =
  'usage: npm run rollback -- <env> [<service>...] --reason "<why>" [--to <tag>] [--date YYYY-MM-DD] [--commit]';

runMain('rollback', () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      reason: { type: 'string' },
      date: { type: 'string' },
      commit: { type: 'boolean', default: false },
    },
  });
  if (positionals.length < 1 || values.reason === undefined) throw new Error(USAGE);
  const [env, ...services] = positionals;
  const rootDir = repoRoot();
  if (values.commit) requireCleanWorkTree(rootDir, 'commit the rollback');
  const platform = loadPlatform();
  const ctx = { platform, rootDir };
  const plan = planRollback(ctx, {
    env,
    services,
    to: values.to,
    reason: values.reason,
    date: values.date ?? new Date().toISOString().slice(0, 10),
  });
  process.stdout.write(formatChanges(plan.changes));
  applyRollback(ctx, plan);
  synth(platform, { rootDir });
  for (const b of plan.blocked) console.log(`blocked ${b.service} ${b.tag}: ${b.reason}`);
  if (values.commit) {
    const lines = plan.changes.map((c) => `- ${c.service}: ${describePin(c.before)} -> ${describePin(c.after)}`);
    const message = `rollback ${env}: ${plan.changes.map((c) => c.service).join(', ')}\n\nReason: ${values.reason}\n\n${lines.join('\n')}\n`;
    console.log(`committed ${commitPaths(rootDir, changedPaths(rootDir), message)}`);
  }
});
