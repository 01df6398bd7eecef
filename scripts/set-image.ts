import { parseArgs } from 'util';
import { runMain, synth } from '../lib';
import { applyChanges, formatChanges, planSetImage } from '../lib/release/promotion';
import { loadPlatform, repoRoot } from './model';
import { refuseBlocked } from './blocklist-hook';

runMain('set-image', () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length !== 3)
    throw new Error('usage: npm run set-image -- <env> <service> <tag|sha256:digest|tag@sha256:digest>');
  const [env, service, reference] = positionals;
  const platform = loadPlatform();
  const ctx = { platform, rootDir: repoRoot(), refuse: refuseBlocked(repoRoot()) };
  const changes = planSetImage(ctx, env, service, reference);
  if (changes.length === 0) {
    console.log(`nothing to change: ${service} in ${env} already pins ${reference}`);
    return;
  }
  process.stdout.write(formatChanges(changes));
  applyChanges(ctx, changes);
  synth(platform, { rootDir: ctx.rootDir });
});
