import { celRuleHolds, CelUnsupported } from './cel';

/** One CEL validation rule of a CRD schema (`x-kubernetes-validations`). */
export interface CelRule {
  /** The CEL expression over `self` (and `oldSelf` for transition rules). */
  readonly rule: string;
  /**
   * What the API server says when the rule fails.
   * @default - the rule itself
   */
  readonly message?: string;
  /**
   * Machine-readable reason of a failure.
   * @default - FieldValueInvalid
   */
  readonly reason?: string;
  /**
   * Path of the field the failure is reported on, relative to the rule's node.
   * @default - the node itself
   */
  readonly fieldPath?: string;
  /**
   * Whether a transition rule also runs on create (with `oldSelf` unset).
   * @default false
   */
  readonly optionalOldSelf?: boolean;
}

/**
 * A Kubernetes structural schema (the OpenAPI v3 subset CRDs use), as derived from the
 * operators' CRDs: structure only, no descriptions or defaults. `$ref` names a shared
 * subschema of the derived data.
 */
export interface StructuralSchema {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly items?: StructuralSchema;
  readonly additionalProperties?: boolean | StructuralSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly uniqueItems?: boolean;
  readonly nullable?: boolean;
  readonly allOf?: readonly StructuralSchema[];
  readonly anyOf?: readonly StructuralSchema[];
  readonly oneOf?: readonly StructuralSchema[];
  readonly not?: StructuralSchema;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
}

/** One problem of a value against a structural schema. */
export interface SchemaProblem {
  /** `<field path> <what is wrong>`. */
  readonly message: string;
  /** Whether it is a field the schema does not define (the API server would prune or refuse it). */
  readonly unknown: boolean;
}

/** What a validation run counted besides its problems. */
export interface SchemaStats {
  /** CEL rules evaluated. */
  celEvaluated: number;
  /** CEL rules skipped: transition rules (no old object) or syntax the evaluator does not support. */
  celSkipped: number;
}

const FORMATS: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  byte: (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  uuid: (v) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v),
  ipv4: (v) => /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(v),
};
const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const regexCache = new Map<string, RegExp | null>();

/**
 * A Go RE2 pattern as a JavaScript RegExp; null when JavaScript cannot express it (the
 * pattern is then not checked rather than checked wrongly).
 */
function regex(pattern: string): RegExp | null {
  if (!regexCache.has(pattern)) {
    let compiled: RegExp | null;
    try {
      const insensitive = pattern.startsWith('(?i)');
      compiled = new RegExp(insensitive ? pattern.slice(4) : pattern, insensitive ? 'iu' : 'u');
    } catch {
      try {
        compiled = new RegExp(pattern);
      } catch {
        compiled = null;
      }
    }
    regexCache.set(pattern, compiled);
  }
  return regexCache.get(pattern)!;
}

/**
 * Validates `value` against a structural schema the way the API server does on create: types,
 * formats, enums, patterns, bounds, required fields, list types, CEL rules (except transition
 * rules), and fields the schema does not define (unknown unless the node preserves unknown
 * fields). `defs` resolves `$ref`.
 */
export function validateStructural(
  schema: StructuralSchema,
  value: unknown,
  path: string,
  defs: Readonly<Record<string, StructuralSchema>>,
  stats: SchemaStats = { celEvaluated: 0, celSkipped: 0 },
): SchemaProblem[] {
  return new Validator(defs, stats).check(schema, value, path, true);
}

class Validator {
  constructor(
    private readonly defs: Readonly<Record<string, StructuralSchema>>,
    private readonly stats: SchemaStats,
  ) {}

  public resolve(schema: StructuralSchema): StructuralSchema {
    let s = schema;
    while (s.$ref !== undefined) {
      const target = this.defs[s.$ref];
      if (!target) throw new Error(`schema reference ${JSON.stringify(s.$ref)} is not defined`);
      s = target;
    }
    return s;
  }

  /** `structural`: the node is part of the main schema (fields outside it are unknown), not a branch of allOf/anyOf. */
  public check(raw: StructuralSchema, value: unknown, path: string, structural: boolean): SchemaProblem[] {
    const schema = this.resolve(raw);
    const at = path || '(root)';
    const problems: SchemaProblem[] = [];
    const fail = (message: string) => problems.push({ message: `${at} ${message}`, unknown: false });
    if (value === null) {
      if (schema.nullable !== true && schema.type !== undefined) fail(`must not be null`);
      return problems;
    }
    if (schema['x-kubernetes-int-or-string']) {
      if (!(typeof value === 'string' || Number.isInteger(value))) {
        fail(`must be an integer or a string, got ${JSON.stringify(value)}`);
        return problems;
      }
    } else if (!this.typeMatches(schema, value, fail)) {
      return problems;
    }
    if (schema.enum && !schema.enum.some((e) => e === value)) {
      fail(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
    }
    if (typeof value === 'string') this.checkString(schema, value, fail);
    if (typeof value === 'number') this.checkNumber(schema, value, fail);
    if (Array.isArray(value)) problems.push(...this.checkArray(schema, value, path, structural, fail));
    else if (typeof value === 'object')
      problems.push(...this.checkObject(schema, value as object, path, structural, fail));
    problems.push(...this.checkCombinators(schema, value, path, fail));
    for (const rule of schema['x-kubernetes-validations'] ?? []) this.checkRule(rule, value, fail);
    return problems;
  }

  private typeMatches(schema: StructuralSchema, value: unknown, fail: (m: string) => void): boolean {
    const got = JSON.stringify(value);
    const shown = got.length > 60 ? `${got.slice(0, 57)}...` : got;
    switch (schema.type) {
      case 'object':
        if (typeof value === 'object' && !Array.isArray(value)) return true;
        fail(`must be an object, got ${shown}`);
        return false;
      case 'array':
        if (Array.isArray(value)) return true;
        fail(`must be an array, got ${shown}`);
        return false;
      case 'string':
        if (typeof value === 'string') return true;
        fail(`must be a string, got ${shown}`);
        return false;
      case 'integer':
        if (Number.isInteger(value)) return true;
        fail(`must be an integer, got ${shown}`);
        return false;
      case 'number':
        if (typeof value === 'number') return true;
        fail(`must be a number, got ${shown}`);
        return false;
      case 'boolean':
        if (typeof value === 'boolean') return true;
        fail(`must be a boolean, got ${shown}`);
        return false;
      default:
        return true;
    }
  }

  private checkString(schema: StructuralSchema, value: string, fail: (m: string) => void): void {
    if (schema.pattern !== undefined) {
      const re = regex(schema.pattern);
      if (re && !re.test(value)) fail(`must match ${schema.pattern}, got ${JSON.stringify(value)}`);
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      fail(`must be at least ${schema.minLength} characters, got ${JSON.stringify(value)}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      fail(`must be at most ${schema.maxLength} characters, got ${value.length}`);
    const format = schema.format !== undefined ? FORMATS[schema.format] : undefined;
    if (format && !format(value)) fail(`must be a ${schema.format}, got ${JSON.stringify(value)}`);
  }

  private checkNumber(schema: StructuralSchema, value: number, fail: (m: string) => void): void {
    if (schema.minimum !== undefined) {
      if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
        fail(`must be ${schema.exclusiveMinimum ? '>' : '>='} ${schema.minimum}, got ${value}`);
    }
    if (schema.maximum !== undefined) {
      if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
        fail(`must be ${schema.exclusiveMaximum ? '<' : '<='} ${schema.maximum}, got ${value}`);
    }
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0)
      fail(`must be a multiple of ${schema.multipleOf}, got ${value}`);
    const range = schema.format !== undefined ? INT_RANGES[schema.format] : undefined;
    if (range && (value < range[0] || value > range[1])) fail(`must be a ${schema.format}, got ${value}`);
  }

  private checkArray(
    schema: StructuralSchema,
    value: readonly unknown[],
    path: string,
    structural: boolean,
    fail: (m: string) => void,
  ): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`must have at least ${schema.minItems} item(s), got ${value.length}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`must have at most ${schema.maxItems} item(s), got ${value.length}`);
    const listType = schema['x-kubernetes-list-type'];
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    if (schema.uniqueItems || listType === 'set' || (listType === 'map' && keys.length > 0)) {
      const seen = new Set<string>();
      for (const item of value) {
        const key =
          listType === 'map'
            ? JSON.stringify(keys.map((k) => (item as Record<string, unknown>)?.[k]))
            : JSON.stringify(item);
        if (seen.has(key))
          fail(`has a duplicate ${listType === 'map' ? `entry for ${keys.join(', ')}` : 'item'}: ${key}`);
        seen.add(key);
      }
    }
    if (schema.items)
      value.forEach((item, i) => problems.push(...this.check(schema.items!, item, `${path}[${i}]`, structural)));
    return problems;
  }

  private checkObject(
    schema: StructuralSchema,
    value: object,
    path: string,
    structural: boolean,
    fail: (m: string) => void,
  ): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (record[key] === undefined) fail(`is missing required field ${key}`);
    const count = Object.keys(record).length;
    if (schema.minProperties !== undefined && count < schema.minProperties)
      fail(`must have at least ${schema.minProperties} field(s), got ${count}`);
    if (schema.maxProperties !== undefined && count > schema.maxProperties)
      fail(`must have at most ${schema.maxProperties} field(s), got ${count}`);
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = schema['x-kubernetes-embedded-resource'] === true;
    for (const [key, child] of Object.entries(record)) {
      if (child === undefined) continue;
      const childPath = path ? `${path}.${key}` : key;
      const property = schema.properties?.[key];
      if (property) problems.push(...this.check(property, child, childPath, structural));
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...this.check(schema.additionalProperties, child, childPath, structural));
      else if (
        structural &&
        !preserve &&
        schema.additionalProperties !== true &&
        !(embedded && ['apiVersion', 'kind', 'metadata'].includes(key)) &&
        (schema.type === 'object' || schema.properties !== undefined)
      ) {
        problems.push({ message: `${childPath} is not a field of this schema`, unknown: true });
      }
    }
    return problems;
  }

  private checkCombinators(
    schema: StructuralSchema,
    value: unknown,
    path: string,
    fail: (m: string) => void,
  ): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    const passes = (s: StructuralSchema) => this.check(s, value, path, false).length === 0;
    for (const s of schema.allOf ?? []) problems.push(...this.check(s, value, path, false));
    if (schema.anyOf && !schema.anyOf.some(passes))
      fail(`must match at least one of its ${schema.anyOf.length} allowed forms`);
    if (schema.oneOf) {
      const matching = schema.oneOf.filter(passes).length;
      if (matching !== 1)
        fail(`must match exactly one of its ${schema.oneOf.length} allowed forms, matches ${matching}`);
    }
    if (schema.not && passes(schema.not)) fail('matches a form the schema forbids');
    return problems;
  }

  private checkRule(rule: CelRule, value: unknown, fail: (m: string) => void): void {
    // A transition rule compares with the stored object; on create there is none.
    if (/\boldSelf\b/.test(rule.rule)) {
      this.stats.celSkipped++;
      return;
    }
    try {
      const holds = celRuleHolds(rule.rule, value);
      this.stats.celEvaluated++;
      if (!holds) fail(`fails rule ${JSON.stringify(rule.rule)}${rule.message ? `: ${rule.message}` : ''}`);
    } catch (error) {
      if (!(error instanceof CelUnsupported)) throw error;
      this.stats.celSkipped++;
    }
  }
}
