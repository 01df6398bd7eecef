import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { Progress } from '../lib/core/progress';
import { diffAgainst, formatMarkdown, formatText, summarize } from '../lib/review/diff';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run diff [-- --app <file.ts>] [--base <ref>] [--env <env>]... [--markdown | --json] [--quiet]';

runMain('diff', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: {
      ...APP_OPTION,
      base: { type: 'string' },
      env: { type: 'string', multiple: true },
      markdown: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (values.markdown && values.json) throw new Error('--markdown and --json: choose one');
  const app = loadApp(resolveAppEntry({ app: values.app }));
  for (const env of values.env ?? []) app.platform.environments.get(env, '--env');
  const progress = new Progress('diff', { quiet: values.quiet });
  progress.update('rendering the base and the work tree');
  const { changes, envs, work } = await diffAgainst(app.options.rootDir, {
    base: values.base,
    envs: values.env,
    overlaysDir: app.options.overlaysDir,
  });
  progress.done();
  if (values.json) {
    const summary = summarize(changes, envs);
    process.stdout.write(`${JSON.stringify({ base: work.baseCommit, summary, changes }, null, 2)}\n`);
  } else process.stdout.write(values.markdown ? formatMarkdown(changes, envs) : formatText(changes, envs));
});
