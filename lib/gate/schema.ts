import { CrdSchema, JsonSchema } from '../../imports/crd-schema';
import { CRD_SCHEMAS } from '../../imports/crd-schemas';
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

/** Custom resource schemas by `apiVersion/kind`. */
export function crdSchemaIndex(schemas: readonly CrdSchema[] = CRD_SCHEMAS): Map<string, CrdSchema> {
  return new Map(schemas.map((s) => [`${s.apiVersion}/${s.kind}`, s]));
}

/** Schema check (and unknown fields of CRDs): built-in kinds, Argo CD kinds, then our CRD schemas. */
export function checkSchema(object: K8sObject, crds: Map<string, CrdSchema>): RawFinding[] {
  const crd = crds.get(`${object.apiVersion}/${object.kind}`);
  if (crd) {
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = object;
    return checkJsonSchema(crd.schema, rest, '').map((f) => ({
      object,
      check: f.unknown ? 'unknown-field' : 'schema',
      message: f.message,
    }));
  }
  const model = modelOf(object.apiVersion, object.kind);
  if (!model) {
    return [
      {
        object,
        check: 'no-schema',
        message: `no schema for ${object.apiVersion} ${object.kind}: add typed props and a schema under imports/`,
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

interface SchemaProblem {
  readonly message: string;
  readonly unknown: boolean;
}

/** Validates `value` against the JSON Schema subset of `imports/crd-schema.ts`. */
function checkJsonSchema(schema: JsonSchema, value: unknown, path: string): SchemaProblem[] {
  const at = path || '(root)';
  const problems: SchemaProblem[] = [];
  const fail = (message: string, unknown = false) => problems.push({ message: `${at} ${message}`, unknown });
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || Number.isInteger(value)))
      fail(`must be an integer or a string, got ${JSON.stringify(value)}`);
    return problems;
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    fail(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail(`must be an object, got ${JSON.stringify(value)}`);
        break;
      }
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (record[key] === undefined) fail(`is missing required field ${key}`);
      for (const [key, child] of Object.entries(record)) {
        if (child === undefined) continue;
        const childPath = path ? `${path}.${key}` : key;
        const property = schema.properties?.[key];
        if (property) problems.push(...checkJsonSchema(property, child, childPath));
        else if (typeof schema.additionalProperties === 'object')
          problems.push(...checkJsonSchema(schema.additionalProperties, child, childPath));
        else if (schema.additionalProperties === false && !schema['x-kubernetes-preserve-unknown-fields']) {
          problems.push({ message: `${childPath} is not a field of this schema`, unknown: true });
        }
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) fail(`must be an array, got ${JSON.stringify(value)}`);
      else if (schema.items)
        value.forEach((item, i) => problems.push(...checkJsonSchema(schema.items!, item, `${path}[${i}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') fail(`must be a string, got ${JSON.stringify(value)}`);
      else if (schema.pattern && !new RegExp(schema.pattern).test(value))
        fail(`must match ${schema.pattern}, got ${JSON.stringify(value)}`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
        fail(`must be ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
      } else {
        if (schema.minimum !== undefined && value < schema.minimum) fail(`must be >= ${schema.minimum}, got ${value}`);
        if (schema.maximum !== undefined && value > schema.maximum) fail(`must be <= ${schema.maximum}, got ${value}`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`must be a boolean, got ${JSON.stringify(value)}`);
      break;
    default:
      break;
  }
  return problems;
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
