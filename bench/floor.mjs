// The floor: node startup, the YAML library, and serializing the very objects synth writes
// (read from a JSON dump), with no cdk8s, no constructs and no TypeScript transform.
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { stringify } from 'yaml';

const [dump, outDir] = process.argv.slice(2);
const options = { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false };
for (const { file, header, value, multi } of JSON.parse(readFileSync(dump, 'utf8'))) {
  const target = join(outDir, file);
  mkdirSync(dirname(target), { recursive: true });
  const docs = multi ? value : [value];
  writeFileSync(target, header + docs.map((doc) => stringify(doc, options)).join('---\n'));
}
