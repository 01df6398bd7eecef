// The floor: node startup, the serializer synth uses (lib/yaml.ts: the fast path, else the
// `yaml` library) and the writer it uses (lib/file-set.ts), on the very objects synth writes,
// read from a JSON dump: synth minus cdk8s, constructs and the model (the bench bundles this
// file first, so there is no TypeScript transform either).
import { readFileSync } from 'fs';
import { FileSet } from '../lib/core/file-set';
import { yamlDocument } from '../lib/core/yaml';

const [dump, outDir] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(dump, 'utf8')) as {
  file: string;
  header: string;
  value: unknown;
  multi: boolean;
}[];
const files = new FileSet();
for (const { file, header, value, multi } of entries) {
  const docs = multi ? (value as unknown[]) : [value];
  files.add(file, header + docs.map(yamlDocument).join('---\n'));
}
files.commit(outDir, ['dist', 'overlays']);
