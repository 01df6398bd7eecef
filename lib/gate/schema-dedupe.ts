import { StructuralSchema } from './structural-schema';

/** Subschemas shorter than this (as canonical JSON) stay inline: a reference would not save much. */
const MIN_SHARED_LENGTH = 200;

/** JSON with object keys sorted at every level and no whitespace: the same value, the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Replaces every subschema that occurs more than once (and is not tiny) by `{ "$ref": "<id>" }`
 * and returns those subschemas as `defs`. Ids are assigned in a fixed traversal order (roots in
 * order, properties by name), so the same input gives the same ids.
 */
export function dedupeSchemas(roots: readonly StructuralSchema[]): {
  roots: StructuralSchema[];
  defs: Record<string, StructuralSchema>;
} {
  const canonical = new Map<object, string>();
  const counts = new Map<string, number>();
  const measure = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const text = Array.isArray(node)
      ? `[${node.map(measure).join(',')}]`
      : `{${Object.keys(node)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${measure((node as Record<string, unknown>)[k])}`)
          .join(',')}}`;
    canonical.set(node, text);
    if (!Array.isArray(node)) counts.set(text, (counts.get(text) ?? 0) + 1);
    return text;
  };
  roots.forEach(measure);
  const ids = new Map<string, string>();
  const defs: Record<string, StructuralSchema> = {};
  const rebuild = (node: unknown, isSchema: boolean): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) return node.map((n) => rebuild(n, isSchema));
    const text = canonical.get(node)!;
    const shared = isSchema && (counts.get(text) ?? 0) > 1 && text.length >= MIN_SHARED_LENGTH;
    if (shared && ids.has(text)) return { $ref: ids.get(text) };
    const id = shared ? `d${ids.size.toString(36)}` : undefined;
    if (id) ids.set(text, id);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node).sort()) {
      const value = (node as Record<string, unknown>)[key];
      out[key] = key === 'properties' ? rebuildMap(value) : rebuild(value, SCHEMA_VALUED.has(key));
    }
    if (!id) return out;
    defs[id] = out as StructuralSchema;
    return { $ref: id };
  };
  const rebuildMap = (map: unknown) =>
    Object.fromEntries(
      Object.keys(map as object)
        .sort()
        .map((k) => [k, rebuild((map as Record<string, unknown>)[k], true)]),
    );
  return { roots: roots.map((r) => rebuild(r, true) as StructuralSchema), defs };
}

/** Keywords whose value is a schema (or a list of schemas). */
const SCHEMA_VALUED = new Set(['items', 'not', 'additionalProperties', 'allOf', 'anyOf', 'oneOf']);
