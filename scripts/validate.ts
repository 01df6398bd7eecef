import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { Progress } from '../lib/core/progress';
import { formatReport, formatReports, hasErrors, validate, ValidateResult } from '../lib/gate/gate';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { repositoryEntries } from '../lib/synth/example-entries';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run validate [-- --app <file.ts> | --all] [--env <env>]... [--json] [--no-cache] [--quiet]';

runMain('validate', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: {
      ...APP_OPTION,
      all: { type: 'boolean', default: false },
      env: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (values.all && values.app !== undefined) {
    throw new Error(`--all validates the default app and every example, so it takes no --app; ${USAGE}`);
  }
  if (values.all && values.env !== undefined) {
    throw new Error(`--env cannot be combined with --all: each platform has its own environments; ${USAGE}`);
  }
  const entries = values.all ? repositoryEntries() : { app: resolveAppEntry({ app: values.app }) };
  const results: Record<string, ValidateResult> = {};
  const progress = new Progress('validate', { quiet: values.quiet });
  for (const [name, entry] of Object.entries(entries)) {
    progress.update(
      values.all ? `${name}: rendering and checking every overlay` : 'rendering and checking every overlay',
    );
    const app = loadApp(entry);
    for (const env of values.env ?? []) app.platform.environments.get(env, '--env');
    results[name] = await validate({
      rootDir: app.options.rootDir,
      overlaysDir: app.options.overlaysDir,
      platform: app.platform,
      envs: values.env,
      cacheDir: values['no-cache'] ? false : undefined,
    });
  }
  progress.done();
  const all = Object.values(results);
  if (values.json) process.stdout.write(JSON.stringify(values.all ? results : all[0], null, 2) + '\n');
  else process.stdout.write(values.all ? formatReports(results) : formatReport(all[0]));
  if (all.some(hasErrors)) process.exitCode = 1;
});
