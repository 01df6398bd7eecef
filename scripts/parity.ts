import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { checkParity, formatParity, tagLag } from '../lib/review/parity';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run parity [-- --app <file.ts>] [--tags] [--env <env>]...';

runMain('parity', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: { ...APP_OPTION, tags: { type: 'boolean', default: false }, env: { type: 'string', multiple: true } },
  });
  const { platform, options } = loadApp(resolveAppEntry({ app: values.app }));
  for (const env of values.env ?? []) platform.environments.get(env, '--env');
  if (values.tags) {
    for (const line of tagLag(options.rootDir, platform)) console.log(line);
    return;
  }
  const findings = await checkParity({ rootDir: options.rootDir, platform, envs: values.env });
  process.stdout.write(formatParity(findings));
  if (findings.length > 0) process.exitCode = 1;
});
