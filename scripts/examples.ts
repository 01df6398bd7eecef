import * as path from 'path';
import { runMain } from '../lib';
import { describeWrites } from '../lib/core/write-summary';
import { synthWithSummary } from '../lib/synth/synth';
import { parseCommandArgs } from '../lib/core/command-args';
import { Progress } from '../lib/core/progress';
import { exampleEntries } from '../lib/synth/example-entries';
import { commandLine, loadApp } from '../lib/synth/load-app';
import { withRepositoryLock } from '../lib/core/repo-lock';

runMain('examples', () => {
  const { values } = parseCommandArgs({
    usage: 'usage: npm run examples [-- --quiet]',
    options: { quiet: { type: 'boolean' } },
  });
  const progress = new Progress('examples', { quiet: values.quiet });
  for (const entry of Object.values(exampleEntries(path.resolve(__dirname, '..', 'examples')))) {
    const started = performance.now();
    progress.update(path.relative(process.cwd(), entry.file));
    const app = loadApp(entry);
    const { written } = withRepositoryLock(app.options.rootDir, commandLine(), () =>
      synthWithSummary(app.platform, { ...app.options, log: console.log }),
    );
    progress.clear();
    if (!(values.quiet ?? false)) {
      const name = path.relative(process.cwd(), entry.file);
      for (const line of describeWrites(`synth ${name}`, written, (performance.now() - started) / 1000)) {
        console.log(line);
      }
    }
  }
  progress.done();
});
