import * as path from 'path';
import { runMain, synth } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { exampleEntries } from '../lib/synth/example-entries';
import { commandLine, loadApp } from '../lib/synth/load-app';
import { withRepositoryLock } from '../lib/core/repo-lock';

runMain('examples', () => {
  parseCommandArgs({ usage: 'usage: npm run examples', options: {} });
  for (const entry of Object.values(exampleEntries(path.resolve(__dirname, '..', 'examples')))) {
    const app = loadApp(entry);
    withRepositoryLock(app.options.rootDir, commandLine(), () =>
      synth(app.platform, { ...app.options, log: console.log }),
    );
  }
});
