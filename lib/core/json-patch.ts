/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  /** `add` (also replaces an object member), `replace` (an array element) or `remove`. */
  readonly op: 'add' | 'replace' | 'remove';
  /** JSON pointer. */
  readonly path: string;
  /** New value (not for `remove`). */
  readonly value?: unknown;
}

/**
 * The operations that turn `before` into `after`, smallest first: object members are compared
 * key by key, arrays of the same length element by element; an array that changes length is
 * replaced whole. Keys are visited in sorted order, so the result is deterministic.
 */
export function jsonPatch(before: unknown, after: unknown, pointer = '', element = false): JsonPatchOperation[] {
  if (isObject(before) && isObject(after)) {
    const ops: JsonPatchOperation[] = [];
    for (const key of Object.keys(before).sort()) {
      if (!(key in after) || after[key] === undefined) ops.push({ op: 'remove', path: `${pointer}/${escape(key)}` });
    }
    for (const key of Object.keys(after).sort()) {
      if (after[key] === undefined) continue;
      const at = `${pointer}/${escape(key)}`;
      if (!(key in before) || before[key] === undefined) ops.push({ op: 'add', path: at, value: after[key] });
      else ops.push(...jsonPatch(before[key], after[key], at));
    }
    return ops;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => {
      const at = `${pointer}/${i}`;
      return jsonPatch(item, after[i], at, true);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  // `add` on an object member sets it whether or not it exists yet; an array element needs `replace`.
  return [{ op: pointer === '' || element ? 'replace' : 'add', path: pointer, value: after }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
