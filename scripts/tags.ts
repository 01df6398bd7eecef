import { runMain, tagTable } from '../lib';
import { loadPlatform, repoRoot } from './model';

runMain('tags', () => {
  process.stdout.write(tagTable({ platform: loadPlatform(), rootDir: repoRoot() }));
});
