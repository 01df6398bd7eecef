import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { fleetTags, fleetTagTable } from '../lib/release/cluster-pins';
import { releaseContext } from '../lib/release/release-context';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run tags [-- --app <file.ts>] [--json]';

runMain('tags', () => {
  const { values } = parseCommandArgs({ usage: USAGE, options: { ...APP_OPTION, json: { type: 'boolean' } } });
  const ctx = releaseContext(loadApp(resolveAppEntry({ app: values.app })));
  if (values.json) process.stdout.write(`${JSON.stringify(fleetTags(ctx), null, 2)}\n`);
  else process.stdout.write(fleetTagTable(ctx));
});
