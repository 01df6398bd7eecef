import { parseArgs } from 'util';
import { runMain } from '../lib';
import { validate } from '../lib/gate/gate';
import { formatReport } from '../lib/gate/gate';
import { loadPlatform, repoRoot } from './model';

runMain('validate', async () => {
  const { values } = parseArgs({
    options: {
      env: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  const result = await validate({
    rootDir: repoRoot(),
    platform: loadPlatform(),
    envs: values.env,
    cacheDir: values['no-cache'] ? false : undefined,
  });
  if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(formatReport(result));
  if (result.findings.some((f) => f.severity === 'error')) process.exitCode = 1;
});
