import { DerivedCrd, DerivedCrdData } from './crd-derivation';
import { StructuralSchema, validateStructural } from './structural-schema';
import { RawFinding } from './findings';
import { K8sObject } from '../kube/object';

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

type ModelClass = new (data: unknown) => { validate(): void };

const modelCache = new Map<string, ModelClass | null>();

/** The kubernetes-models (or Argo CD models) class of an object's kind, or null when there is none. */
function modelOf(apiVersion: string, kind: string): ModelClass | null {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const modules =
      group === 'argoproj.io'
        ? [`@kubernetes-models/argo-cd/argoproj.io/${version}/${kind}`]
        : [group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`];
    let found: ModelClass | null = null;
    for (const id of modules) {
      if (!/^[@\w./-]+$/.test(id)) continue;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        found = (require(id) as Record<string, ModelClass>)[kind] ?? null;
      } catch {
        found = null;
      }
    }
    modelCache.set(key, found);
  }
  return modelCache.get(key)!;
}

/** The derived upstream CRDs, by `group/kind`, with the shared subschemas they reference. */
export interface CrdIndex {
  /** Each CRD by `group/kind`. */
  readonly crds: ReadonlyMap<string, DerivedCrd>;
  /** Shared subschemas. */
  readonly defs: Readonly<Record<string, StructuralSchema>>;
  /** Where each CRD file comes from (repository, release, commit). */
  readonly sources: DerivedCrdData['sources'];
}

let committed: CrdIndex | undefined;

/** An index of `data` (default: the committed derivation of the operators' CRDs, `imports/upstream/crd-schemas.json`). */
export function crdIndex(data?: DerivedCrdData): CrdIndex {
  if (!data && committed) return committed;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const source: DerivedCrdData = data ?? require('../../imports/upstream/crd-schemas.json');
  const index = {
    crds: new Map(source.crds.map((c) => [`${c.group}/${c.kind}`, c])),
    defs: source.defs,
    sources: source.sources,
  };
  if (!data) committed = index;
  return index;
}

/**
 * Schema check of any object, looked up by apiVersion and kind: custom resources (Argo CD's
 * kinds included) against the operators' own CRDs at the version the object names, which must
 * be served; built-in kinds against kubernetes-models. Without `crds`, the committed derivation
 * of every CRD in ../shared/crds is used.
 */
export function checkSchema(object: K8sObject, crds: CrdIndex = crdIndex()): RawFinding[] {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const crd = crds.crds.get(`${group}/${object.kind}`);
  if (crd) return checkCustomResource(object, crd, version, crds.defs);
  const model = modelOf(object.apiVersion, object.kind);
  if (!model) {
    return [
      {
        object,
        check: 'no-schema',
        message: `no schema for ${object.apiVersion} ${object.kind}: derive its operator's CRD into imports/upstream (npm run derive-upstream)`,
      },
    ];
  }
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const errors = ((error as { errors?: AjvError[] }).errors ?? []) as AjvError[];
    if (errors.length === 0) return [{ object, check: 'schema', message: (error as Error).message.split('\n')[0] }];
    return summarizeAjv(errors).map((message) => ({ object, check: 'schema', message }));
  }
}

function checkCustomResource(
  object: K8sObject,
  crd: DerivedCrd,
  version: string,
  defs: Readonly<Record<string, StructuralSchema>>,
): RawFinding[] {
  const served = crd.versions.filter((v) => v.served).map((v) => `${crd.group}/${v.name}`);
  const found = crd.versions.find((v) => v.name === version);
  if (!found || !found.served) {
    return [
      {
        object,
        check: 'schema',
        message: `${object.apiVersion} ${object.kind} is ${found ? 'no longer served by' : 'not a version of'} the operator's CRD (${crd.file}); served: ${served.join(', ')}`,
      },
    ];
  }
  const findings: RawFinding[] = [];
  if (found.deprecated) {
    findings.push({
      object,
      check: 'deprecated-api',
      message: `${object.apiVersion} ${object.kind} is deprecated by its operator (${crd.file}); use ${served.filter((s) => s !== object.apiVersion).join(', ') || 'a newer version'}`,
    });
  }
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = object;
  const root = resolveRoot(found.schema, defs);
  const body = {
    ...root,
    properties: Object.fromEntries(
      Object.entries(root.properties ?? {}).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k)),
    ),
    required: (root.required ?? []).filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)),
  };
  for (const p of validateStructural(body, rest, '', defs)) {
    findings.push({ object, check: p.unknown ? 'unknown-field' : 'schema', message: p.message });
  }
  return findings;
}

function resolveRoot(schema: StructuralSchema, defs: Readonly<Record<string, StructuralSchema>>): StructuralSchema {
  let s = schema;
  while (s.$ref !== undefined) s = defs[s.$ref];
  return s;
}

/** One message per failing path, preferring the most specific keyword. */
function summarizeAjv(errors: readonly AjvError[]): string[] {
  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const messages: string[] = [];
  for (const [instancePath, list] of byPath) {
    const specific =
      list.find((e) => e.keyword === 'format') ??
      list.find((e) => !['oneOf', 'anyOf', 'type'].includes(e.keyword)) ??
      list[0];
    const field = fieldPath(instancePath) || '(root)';
    const detail =
      specific.keyword === 'required'
        ? `is missing required field ${String(specific.params?.missingProperty)}`
        : (specific.message ?? specific.keyword);
    messages.push(`${field} ${detail}`);
  }
  return messages;
}

function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
}

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}

const attributeCache = new Map<string, readonly AttributeType[] | undefined>();

/**
 * The attribute map of one @kubernetes/client-node 1.4 model, loaded on demand from its own
 * generated file (each is self-contained), so the gate never loads the whole client.
 */
function attributesOf(type: string): readonly AttributeType[] | undefined {
  if (!attributeCache.has(type)) {
    let attributes: readonly AttributeType[] | undefined;
    if (/^[A-Z][A-Za-z0-9]+$/.test(type)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const model = require(`@kubernetes/client-node/dist/gen/models/${type}.js`)[type];
        attributes = model?.attributeTypeMap;
      } catch {
        attributes = undefined;
      }
    }
    attributeCache.set(type, attributes);
  }
  return attributeCache.get(type);
}

/** The @kubernetes/client-node model name of a built-in kind (`apps/v1` Deployment -> V1Deployment). */
function clientModelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop()!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Unknown fields of a built-in object (kubeconform --strict), from client-node's attribute maps. */
export function checkUnknownFields(object: K8sObject): RawFinding[] {
  const root = clientModelName(object.apiVersion, object.kind);
  if (!attributesOf(root)) return [];
  const findings: RawFinding[] = [];
  const walk = (type: string, value: unknown, path: string) => {
    if (value === null || value === undefined) return;
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(array[1], item, `${path}[${i}]`));
      return;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      if (typeof value === 'object')
        for (const [k, v] of Object.entries(value as object)) walk(map[1], v, `${path}.${k}`);
      return;
    }
    const attributes = attributesOf(type);
    if (!attributes || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const attribute = attributes.find((a) => a.baseName === key);
      const childPath = path ? `${path}.${key}` : key;
      if (!attribute)
        findings.push({
          object,
          check: 'unknown-field',
          message: `${childPath} is not a field of ${object.apiVersion} ${object.kind}`,
        });
      else walk(attribute.type, child, childPath);
    }
  };
  walk(root, object, '');
  return findings;
}
