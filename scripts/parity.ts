import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { checkParity, formatParity, tagLag } from '../lib/review/parity';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run parity [-- --app <file.ts>] [--tags] [--env <env>]... [--json]';

runMain('parity', async () => {
  const { values } = parseCommandArgs({
    usage: USAGE,
    options: {
      ...APP_OPTION,
      tags: { type: 'boolean', default: false },
      env: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  const { platform, options } = loadApp(resolveAppEntry({ app: values.app }));
  for (const env of values.env ?? []) platform.environments.get(env, '--env');
  if (values.tags) {
    const lag = tagLag(options.rootDir, platform);
    if (values.json) process.stdout.write(`${JSON.stringify(lag, null, 2)}\n`);
    else for (const line of lag) console.log(line);
    return;
  }
  const findings = await checkParity({ rootDir: options.rootDir, platform, envs: values.env });
  process.stdout.write(values.json ? `${JSON.stringify(findings, null, 2)}\n` : formatParity(findings));
  if (findings.length > 0) process.exitCode = 1;
});
