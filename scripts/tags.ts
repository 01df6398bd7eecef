import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { fleetTagTable } from '../lib/release/cluster-pins';
import { releaseContext } from '../lib/release/release-context';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE = 'usage: npm run tags [-- --app <file.ts>]';

runMain('tags', () => {
  const { values } = parseCommandArgs({ usage: USAGE, options: { ...APP_OPTION } });
  process.stdout.write(fleetTagTable(releaseContext(loadApp(resolveAppEntry({ app: values.app })))));
});
