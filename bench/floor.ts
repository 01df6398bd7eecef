// The floor: node startup, the serializer synth uses (lib/yaml.ts: the fast path, else the
// `yaml` library), and writing the very files synth writes, from a JSON dump of their objects,
// with no cdk8s, no constructs and no TypeScript transform (the bench bundles this file first).
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { yamlDocument } from '../lib/yaml';

const [dump, outDir] = process.argv.slice(2);
const made = new Set<string>();
const entries = JSON.parse(readFileSync(dump, 'utf8')) as {
  file: string;
  header: string;
  value: unknown;
  multi: boolean;
}[];
for (const { file, header, value, multi } of entries) {
  const target = join(outDir, file);
  if (!made.has(dirname(target))) {
    mkdirSync(dirname(target), { recursive: true });
    made.add(dirname(target));
  }
  const docs = multi ? (value as unknown[]) : [value];
  writeFileSync(target, header + docs.map(yamlDocument).join('---\n'));
}
