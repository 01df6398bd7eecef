import * as yaml from 'js-yaml';
import { canonicalJson, dedupeSchemas } from './schema-dedupe';
import { StructuralSchema } from './structural-schema';

/** One upstream CRD file and where it comes from (a row of `SOURCES.md`). */
export interface CrdSource {
  /** File name in the CRD directory. */
  readonly file: string;
  /** `owner/name` of the operator's repository. */
  readonly repository: string;
  /** Release the file was taken at. */
  readonly release: string;
  /** Commit of that release. */
  readonly commit: string;
}

/** One version of a derived CRD. */
export interface DerivedCrdVersion {
  /** Version name, e.g. `v1`. */
  readonly name: string;
  /** Whether the API server serves it. */
  readonly served: boolean;
  /** Whether objects are stored in it. */
  readonly storage: boolean;
  /** Whether the operator marks it deprecated. */
  readonly deprecated: boolean;
  /** The structural schema of the whole object (descriptions and defaults removed). */
  readonly schema: StructuralSchema;
}

/** One derived CRD: a kind of one group with its versions. */
export interface DerivedCrd {
  /** API group, e.g. `cert-manager.io`. */
  readonly group: string;
  /** Kind, e.g. `Certificate`. */
  readonly kind: string;
  /** `Namespaced` or `Cluster`. */
  readonly scope: 'Namespaced' | 'Cluster';
  /** The CRD file it comes from. */
  readonly file: string;
  /** Its versions, in the CRD's order. */
  readonly versions: readonly DerivedCrdVersion[];
}

/** What `deriveCrdSchemas` writes: the sources, every CRD, and the subschemas they share. */
export interface DerivedCrdData {
  /** Where each file comes from. */
  readonly sources: readonly CrdSource[];
  /** Every CRD, sorted by group and kind. */
  readonly crds: readonly DerivedCrd[];
  /** Subschemas used more than once, referenced as `{ "$ref": "<id>" }`. */
  readonly defs: Readonly<Record<string, StructuralSchema>>;
}

/** Schema keywords that carry structure, kept by the derivation. */
const STRUCTURE = new Set([
  'type',
  'format',
  'enum',
  'pattern',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'uniqueItems',
  'nullable',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);
/** Documentation and defaulting, dropped: the gate checks what is written, not what the server would fill in. */
const DROPPED = new Set(['description', 'default', 'example', 'title', 'externalDocs']);
/** Keys of one CEL rule that are kept. */
const RULE_KEYS = ['rule', 'message', 'reason', 'fieldPath', 'optionalOldSelf'] as const;

/** The rows of `SOURCES.md`'s table: file, repository, release, commit. */
export function parseCrdSources(markdown: string, where = 'SOURCES.md'): CrdSource[] {
  const rows = markdown
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const header = rows[0] ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${where}: the table has no column ${JSON.stringify(name)}; got ${header.join(', ')}`);
    return i;
  };
  const [file, repository, release, commit] = ['file', 'repository', 'release', 'commit'].map(col);
  return rows
    .slice(2)
    .map((r) => ({ file: r[file], repository: r[repository], release: r[release], commit: r[commit] }))
    .sort((a, b) => compare(a.file, b.file));
}

/** Keeps the structure of one schema node (recursively), failing on a keyword it does not know. */
export function structureOf(node: unknown, where: string): StructuralSchema {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new Error(`${where}: a schema must be an object, got ${JSON.stringify(node)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (DROPPED.has(key)) continue;
    if (!STRUCTURE.has(key)) throw new Error(`${where}: unknown schema keyword ${JSON.stringify(key)}`);
    const at = `${where}.${key}`;
    switch (key) {
      case 'properties':
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, structureOf(v, `${at}.${k}`)]),
        );
        break;
      case 'items':
      case 'not':
        out[key] = structureOf(value, at);
        break;
      case 'additionalProperties':
        out[key] = typeof value === 'boolean' ? value : structureOf(value, at);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[key] = (value as unknown[]).map((v, i) => structureOf(v, `${at}[${i}]`));
        break;
      case 'x-kubernetes-validations':
        out[key] = (value as Record<string, unknown>[]).map((rule) =>
          Object.fromEntries(RULE_KEYS.filter((k) => rule[k] !== undefined).map((k) => [k, rule[k]])),
        );
        break;
      default:
        out[key] = value;
    }
  }
  return out as StructuralSchema;
}

/**
 * Derives the gate's CRD data from the operators' own CRD files: for every kind its versions
 * (served, storage, deprecated) and each version's structural schema, with descriptions and
 * defaults removed and repeated subschemas shared. Deterministic: the same files give the
 * same bytes.
 */
export function deriveCrdSchemas(
  files: ReadonlyArray<{ name: string; text: string }>,
  sources: string,
): DerivedCrdData {
  const rows = parseCrdSources(sources);
  const crds: DerivedCrd[] = [];
  for (const file of [...files].sort((a, b) => compare(a.name, b.name))) {
    if (!rows.some((r) => r.file === file.name)) {
      throw new Error(
        `${file.name}: not listed in SOURCES.md; every CRD file needs its repository, release and commit`,
      );
    }
    const docs = yaml.loadAll(file.text).filter((d) => d !== null && d !== undefined) as Record<string, any>[];
    for (const doc of docs) {
      if (doc.kind !== 'CustomResourceDefinition') {
        throw new Error(`${file.name}: expected only CustomResourceDefinitions, got ${JSON.stringify(doc.kind)}`);
      }
      const spec = doc.spec;
      crds.push({
        group: spec.group,
        kind: spec.names.kind,
        scope: spec.scope,
        file: file.name,
        versions: (spec.versions as Record<string, any>[]).map((v) => ({
          name: v.name,
          served: v.served === true,
          storage: v.storage === true,
          deprecated: v.deprecated === true,
          schema: structureOf(v.schema?.openAPIV3Schema ?? {}, `${file.name}: ${spec.names.kind} ${v.name}`),
        })),
      });
    }
  }
  crds.sort((a, b) => compare(`${a.group}/${a.kind}`, `${b.group}/${b.kind}`));
  const used = rows.filter((r) => files.some((f) => f.name === r.file));
  const { roots, defs } = dedupeSchemas(crds.flatMap((c) => c.versions.map((v) => v.schema)));
  let next = 0;
  return {
    sources: used,
    crds: crds.map((c) => ({ ...c, versions: c.versions.map((v) => ({ ...v, schema: roots[next++] })) })),
    defs,
  };
}

/** The derived data as the committed file holds it: canonical (sorted keys), minified, one line. */
export function serializeCrdData(data: DerivedCrdData): string {
  return canonicalJson(data) + '\n';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
