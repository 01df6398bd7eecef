import { readsAsOtherType } from './plain-scalar';

/**
 * A fast path for the one YAML style synth writes (the `yaml` library's block style with
 * `indentSeq`, no line folding, no aliases), for documents made only of plain data whose every
 * scalar has one obvious form. It returns `undefined` for anything else (a multi-line string,
 * a key that needs quotes, a float in exponent form, ...), and the caller then uses the `yaml`
 * library itself (`libraryYaml`), so the output is always exactly what that writes: the equivalence is
 * tested on every generated file and on random documents (test/fast-yaml.test.ts). At 200
 * services x 5 environments the library's stringify was a third of synth's CPU time.
 */
export function fastYaml(value: unknown): string | undefined {
  const out: string[] = [];
  if (isMap(value)) {
    const entries = entriesOf(value);
    if (entries.length === 0) return '{}\n';
    return writeMap(entries, '', out) ? out.join('') : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return writeSeq(value, '', out) ? out.join('') : undefined;
  }
  const scalar = scalarText(value);
  return scalar === undefined ? undefined : `${scalar}\n`;
}

/**
 * Strings written plain: a safe first character, then no character with a meaning in YAML
 * (no quotes, `#`, `&`, `*`, `!`, `|`, `>`, `%`, `@`, backticks, braces, brackets or commas),
 * single spaces only between words, and no `: `.
 */
const PLAIN = /^[A-Za-z0-9_/.$(][A-Za-z0-9_./:$()=+;?^~-]*(?: [A-Za-z0-9_./:$()=+;?^~-]+)*$/;

/** Strings whose double-quoted form is themselves between quotes (no escapes needed). */
const QUOTABLE = /^[A-Za-z0-9_./:+-]*$/;

function scalarText(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  if (value === '' || readsAsOtherType(value)) return QUOTABLE.test(value) ? `"${value}"` : undefined;
  if (PLAIN.test(value) && !value.includes(': ') && !value.endsWith(':')) return value;
  return undefined;
}

function keyText(key: string): string | undefined {
  return PLAIN.test(key) && !readsAsOtherType(key) && !key.includes(': ') && !key.endsWith(':') ? key : undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A map's entries as the library writes them: undefined values are left out. */
function entriesOf(map: Record<string, unknown>): [string, unknown][] {
  return Object.entries(map).filter(([, v]) => v !== undefined);
}

/** Writes `key: value` lines, the first one led by `first`; false when something needs the library. */
function writeMap(entries: [string, unknown][], indent: string, out: string[], first = indent): boolean {
  let lead = first;
  for (const [key, value] of entries) {
    const k = keyText(key);
    if (k === undefined || !writeValue(`${lead}${k}:`, value, indent, out)) return false;
    lead = indent;
  }
  return true;
}

/** Writes `- item` lines at `indent`; false when something needs the library. */
function writeSeq(seq: readonly unknown[], indent: string, out: string[]): boolean {
  for (const item of seq) {
    if (isMap(item)) {
      const entries = entriesOf(item);
      if (entries.length === 0) out.push(`${indent}- {}\n`);
      else if (!writeMap(entries, `${indent}  `, out, `${indent}- `)) return false;
    } else {
      // Nested sequences and undefined items are rare enough to leave to the library.
      const scalar = Array.isArray(item) ? undefined : scalarText(item);
      if (scalar === undefined) return false;
      out.push(`${indent}- ${scalar}\n`);
    }
  }
  return true;
}

/** Writes the value of one map entry whose `head` is `<indent>key:`. */
function writeValue(head: string, value: unknown, indent: string, out: string[]): boolean {
  if (isMap(value)) {
    const entries = entriesOf(value);
    if (entries.length === 0) {
      out.push(`${head} {}\n`);
      return true;
    }
    out.push(`${head}\n`);
    return writeMap(entries, `${indent}  `, out);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${head} []\n`);
      return true;
    }
    out.push(`${head}\n`);
    return writeSeq(value, `${indent}  `, out);
  }
  const scalar = scalarText(value);
  if (scalar === undefined) return false;
  out.push(`${head} ${scalar}\n`);
  return true;
}
