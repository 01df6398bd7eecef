import * as fs from 'fs';
import * as path from 'path';
import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { generatedDocs } from '../lib/gate/checks-doc';

const USAGE = 'usage: npm run docs [-- --check]';

// `npm run docs`: rewrites the parts of docs/ generated from the code (the gate's checks).
// `--check` writes nothing and fails when a generated part is stale.
runMain('docs', () => {
  const { values } = parseCommandArgs({ usage: USAGE, options: { check: { type: 'boolean', default: false } } });
  const repo = path.resolve(__dirname, '..');
  const stale: string[] = [];
  for (const { file, content } of generatedDocs(repo)) {
    const target = path.join(repo, file);
    if (fs.readFileSync(target, 'utf8') === content) {
      console.log(`docs: ${file} unchanged`);
      continue;
    }
    if (values.check) {
      stale.push(file);
      continue;
    }
    fs.writeFileSync(`${target}.tmp-${process.pid}`, content);
    fs.renameSync(`${target}.tmp-${process.pid}`, target);
    console.log(`docs: wrote ${file}`);
  }
  if (stale.length > 0) throw new Error(`${stale.join(', ')}: generated part is stale; run npm run docs`);
});
