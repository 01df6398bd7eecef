/**
 * Strict input at run time. `npm run synth` bundles the platform with esbuild, which strips types
 * without checking them, so a misspelt prop (`healthpath:`) or a value of the wrong kind would
 * otherwise pass silently. Every props interface declares its shape once, beside it, with
 * `shape<Props>()`: the mapped type makes the compiler insist that the shape names exactly the
 * interface's keys, so the two cannot drift; `checkProps` then refuses unknown keys and values of
 * the wrong kind with one line naming the construct path, the key, the value and what is allowed.
 */

import { StagecraftError } from './errors';

/** What one prop may hold. */
export type Field =
  | 'string'
  | 'number'
  | 'boolean'
  | 'function'
  | 'strings'
  | 'numbers'
  | 'stringMap'
  | 'any'
  | AnyShape
  | { readonly mapOf: Field }
  | { readonly listOf: Field }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- classes with private constructors
  | { readonly instanceOf: Function; readonly hint: string }
  | { readonly oneOf: readonly string[] };

/** The fields of a props interface: exactly its keys, each with what it may hold. */
export type Fields<T> = { readonly [K in keyof Required<T>]-?: Field };

/** The declared shape of one props interface. */
export interface Shape<T> {
  /** Interface name, for messages (`MicroserviceProps`). */
  readonly name: string;
  /** Allowed keys and what each may hold. */
  readonly fields: Fields<T>;
}

type AnyShape = { readonly name: string; readonly fields: Readonly<Record<string, Field>> };

/** Declares the shape of props interface `T`; the compiler checks that `fields` names exactly T's keys. */
export function shape<T>(name: string, fields: Fields<T>): Shape<T> {
  return { name, fields };
}

/**
 * Throws unless `value` fits `s`: a plain object with only the declared keys, each holding what
 * its field allows (undefined counts as absent). `path` is the construct path; `where` the key
 * path inside the props (`overrides.prod`), empty at the top.
 */
export function checkProps<T>(path: string, value: unknown, s: Shape<T>, where = ''): void {
  checkShape(path, value, s as unknown as AnyShape, where);
}

function checkShape(path: string, value: unknown, s: AnyShape, where: string): void {
  if (!isPlainObject(value)) {
    throw new StagecraftError(path, `${where || 'props'} must be an object (${s.name}), got ${describe(value)}`);
  }
  const allowed = Object.keys(s.fields);
  for (const [key, v] of Object.entries(value)) {
    const at = where ? `${where}.${key}` : key;
    const field = s.fields[key];
    if (field === undefined) {
      const near = nearest(key, allowed);
      throw new StagecraftError(
        path,
        `unknown prop ${at} (${s.name})${near ? `, did you mean ${near}?` : ';'} allowed: ${allowed.join(', ')}`,
      );
    }
    if (v !== undefined) checkField(path, v, field, at);
  }
}

function checkField(path: string, value: unknown, field: Field, at: string): void {
  const fail = (what: string) => {
    throw new StagecraftError(path, `${at} must be ${what}, got ${describe(value)}`);
  };
  if (typeof field === 'string') {
    switch (field) {
      case 'any':
        return;
      case 'string':
      case 'number':
      case 'boolean':
      case 'function':
        if (typeof value !== field || (field === 'number' && !Number.isFinite(value))) fail(`a ${field}`);
        return;
      case 'strings':
      case 'numbers':
        if (!Array.isArray(value)) fail(`a list of ${field}`);
        for (const item of value as unknown[]) {
          if (typeof item !== field.slice(0, -1)) fail(`a list of ${field}`);
        }
        return;
      case 'stringMap':
        if (!isPlainObject(value)) fail('an object of strings');
        for (const [k, v] of Object.entries(value as object)) {
          if (typeof v !== 'string') {
            throw new StagecraftError(path, `${at}.${k} must be a string, got ${describe(v)}`);
          }
        }
        return;
    }
  }
  if ('fields' in field) return checkShape(path, value, field, at);
  if ('oneOf' in field) {
    if (typeof value !== 'string' || !field.oneOf.includes(value)) fail(`one of ${field.oneOf.join(', ')}`);
    return;
  }
  if ('instanceOf' in field) {
    if (!(value instanceof field.instanceOf)) fail(field.hint);
    return;
  }
  if ('mapOf' in field) {
    if (!isPlainObject(value)) fail('an object');
    for (const [k, v] of Object.entries(value as object))
      if (v !== undefined) checkField(path, v, field.mapOf, `${at}.${k}`);
    return;
  }
  if (!Array.isArray(value)) fail('a list');
  (value as unknown[]).forEach((v, i) => checkField(path, v, field.listOf, `${at}[${i}]`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short, one-line description of a value for a message. */
export function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value)) {
    return `a ${(value as object).constructor?.name ?? 'object'}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The allowed key `key` most likely meant: same letters in another case, or at most two edits away. */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = allowed.find((a) => a.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const a of allowed) {
    const d = editDistance(lower, a.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
