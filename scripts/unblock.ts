import { parseArgs } from 'util';
import { runMain } from '../lib';
import { writeBlocklist } from '../lib/release/blocklist';
import { planUnblock } from '../lib/release/rollback';
import { repoRoot } from './model';

runMain('unblock', () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length !== 2) throw new Error('usage: npm run unblock -- <service> <tag>');
  const [service, tag] = positionals;
  writeBlocklist(repoRoot(), planUnblock(repoRoot(), service, tag));
  console.log(`unblocked ${service} ${tag}`);
});
