import * as path from 'path';
import { parseArgs } from 'util';
import { describePin, findService, formatTable, overlayFile, pinHistory, readImagePin, runMain } from '../lib';
import { loadPlatform, repoRoot } from './model';

runMain('history', () => {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length !== 2) throw new Error('usage: npm run history -- <env> <service>');
  const [envName, serviceName] = positionals;
  const platform = loadPlatform();
  const rootDir = repoRoot();
  const env = platform.environments.get(envName);
  const service = findService(platform, serviceName);
  const ctx = { platform, rootDir };
  const file = overlayFile(ctx, env.name, service.name);
  const history = pinHistory(rootDir, file, service.image, readImagePin(path.join(rootDir, file), service.image));
  const rows = history.map((h) => [describePin(h.pin), h.commit, h.date, h.subject]);
  process.stdout.write(formatTable(['TAG', 'COMMIT', 'DATE', 'SUBJECT'], rows));
});
