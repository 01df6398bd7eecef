import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/** Where the derived Polaris check data is committed, relative to the repository root. */
export const POLARIS_DATA_FILE = 'imports/upstream/polaris-checks.json';

/**
 * Polaris's default checks as data: its check files (`checks/<id>.yaml`, parsed, without the
 * human text the evaluation does not read) and the default severity of each check
 * (`default.yaml`), with the upstream commit they came from.
 */
export interface DerivedPolarisData {
  /** The Polaris commit of `<shared>/policy/polaris/COMMIT`. */
  readonly commit: string;
  /** Check id -> `danger`, `warning` or `ignore`. */
  readonly severities: Readonly<Record<string, string>>;
  /** Check id -> the check file's fields (target, schemaTarget, controllers, containers, schema or schemaString, additionalSchemas…). */
  readonly checks: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Fields of a check file that are text for people (messages, category), not evaluated. */
const TEXT_FIELDS = new Set(['successMessage', 'failureMessage', 'category']);

/** The derived data of `<shared>/policy/polaris/`, serialized as the committed file holds it (sorted keys). */
export function derivePolarisFile(sharedDir: string): string {
  const dir = path.join(sharedDir, 'policy', 'polaris');
  const config = yaml.load(fs.readFileSync(path.join(dir, 'default.yaml'), 'utf8')) as {
    checks?: Record<string, string>;
  };
  if (!config?.checks) throw new Error(`${path.join(dir, 'default.yaml')}: no checks: map of default severities`);
  const files = fs
    .readdirSync(path.join(dir, 'checks'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  if (files.length === 0) throw new Error(`${path.join(dir, 'checks')}: no check files (*.yaml)`);
  const checks = Object.fromEntries(
    files.map((f) => {
      const raw = yaml.load(fs.readFileSync(path.join(dir, 'checks', f), 'utf8')) as Record<string, unknown>;
      return [f.replace(/\.yaml$/, ''), Object.fromEntries(Object.entries(raw).filter(([k]) => !TEXT_FIELDS.has(k)))];
    }),
  );
  const data: DerivedPolarisData = {
    commit: fs.readFileSync(path.join(dir, 'COMMIT'), 'utf8').trim(),
    severities: config.checks,
    checks,
  };
  return `${JSON.stringify(sortKeys(data), null, 1)}\n`;
}

/** The committed derived Polaris data of the repository at `repoRoot`. */
export function loadPolarisData(repoRoot: string): DerivedPolarisData {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, POLARIS_DATA_FILE), 'utf8')) as DerivedPolarisData;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
