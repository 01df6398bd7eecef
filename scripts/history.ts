import * as path from 'path';
import { parseArgs } from 'util';
import { runMain } from '../lib';
import { formatTable } from '../lib/core/table';
import { describePin, readImagePin } from '../lib/kube/image-pin';
import { pinHistory } from '../lib/release/history';
import { findService, overlayFile } from '../lib/release/promotion';
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
