import { parseArgs } from 'util';
import { runMain } from '../lib';
import { renderRef, renderTree } from '../lib/review/diff';
import { defaultBase, diffTrees, formatMarkdown, formatText } from '../lib/review/diff';
import { repoRoot } from './model';

runMain('diff', async () => {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      env: { type: 'string', multiple: true },
      markdown: { type: 'boolean', default: false },
    },
  });
  const rootDir = repoRoot();
  const base = values.base ?? defaultBase(rootDir);
  const [before, after] = await Promise.all([
    renderRef(rootDir, base, { envs: values.env }),
    renderTree(rootDir, { envs: values.env }),
  ]);
  const changes = diffTrees(before, after);
  const envs = [...new Set([...before.keys(), ...after.keys()])].sort();
  process.stdout.write(values.markdown ? formatMarkdown(changes, envs) : formatText(changes, envs));
});
