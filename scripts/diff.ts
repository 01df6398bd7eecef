import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { diffAgainst, formatMarkdown, formatText } from '../lib/review/diff';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run diff [-- --app <file.ts>] [--base <ref>] [--env <env>]... [--markdown]';

runMain('diff', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: {
      ...APP_OPTION,
      base: { type: 'string' },
      env: { type: 'string', multiple: true },
      markdown: { type: 'boolean', default: false },
    },
  });
  const app = loadApp(resolveAppEntry({ app: values.app }));
  for (const env of values.env ?? []) app.platform.environments.get(env, '--env');
  const { changes, envs } = await diffAgainst(app.options.rootDir, {
    base: values.base,
    envs: values.env,
    overlaysDir: app.options.overlaysDir,
  });
  process.stdout.write(values.markdown ? formatMarkdown(changes, envs) : formatText(changes, envs));
});
