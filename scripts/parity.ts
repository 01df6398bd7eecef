import { parseArgs } from 'util';
import { runMain } from '../lib';
import { checkParity } from '../lib/review/parity';
import { tagLag } from '../lib/review/parity';
import { loadPlatform, repoRoot } from './model';

runMain('parity', async () => {
  const { values } = parseArgs({
    options: { tags: { type: 'boolean', default: false }, env: { type: 'string', multiple: true } },
  });
  const rootDir = repoRoot();
  const platform = loadPlatform();
  if (values.tags) {
    for (const line of tagLag(rootDir, platform)) console.log(line);
    return;
  }
  const findings = await checkParity({ rootDir, platform, envs: values.env });
  for (const f of findings) console.log(`${f.overlay}  ${f.object}  parity  ${f.message}`);
  if (findings.length === 0) {
    console.log('parity: every difference between environments is explained by the environment table');
  } else {
    process.exitCode = 1;
  }
});
