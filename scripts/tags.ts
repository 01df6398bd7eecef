import { runMain } from '../lib';
import { tagTable } from '../lib/release/promotion';
import { loadPlatform, repoRoot } from './model';

runMain('tags', () => {
  process.stdout.write(tagTable({ platform: loadPlatform(), rootDir: repoRoot() }));
});
