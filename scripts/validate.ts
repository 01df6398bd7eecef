import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { formatReport, hasErrors, validate } from '../lib/gate/gate';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run validate [-- --app <file.ts>] [--env <env>]... [--json] [--no-cache]';

runMain('validate', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: {
      ...APP_OPTION,
      env: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const result = await validate({
    rootDir: app.options.rootDir,
    overlaysDir: app.options.overlaysDir,
    platform: app.platform,
    envs: values.env,
    cacheDir: values['no-cache'] ? false : undefined,
  });
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatReport(result));
  if (hasErrors(result)) process.exitCode = 1;
});
