import { isDeepStrictEqual } from 'util';
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap } from 'yaml';
import { plainReadsAsString } from '../core/plain-scalar';
import { ImagePin } from './image-pin';

/**
 * Changes the pin of one image in a kustomization's text and nothing else: the new value is
 * spliced into the original characters, so comments, key order, quoting, flow or block style,
 * blank lines and CRLF line endings survive byte for byte.
 *
 * `pin.newTag`/`pin.digest` set that field; a field that is `undefined` in `pin` is removed
 * (a digest left behind would silently override the promoted tag). Throws a one-line error
 * naming `file` when the text is not a kustomization or has no entry for `image`.
 */
export function editImagePin(text: string, file: string, image: string, pin: ImagePin): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (!isMap(doc.contents) || doc.get('kind') !== 'Kustomization') {
    throw new Error(`${file}: not a kustomization (expected kind: Kustomization)`);
  }
  const images = doc.get('images', true);
  const entry = isSeq(images) ? images.items.find((i) => isMap(i) && i.get('name') === image) : undefined;
  if (!isMap(entry)) throw new Error(`${file}: no images entry named ${image}`);

  // Apply edits from the end of the text backwards so earlier offsets stay valid; at the same
  // offset a removal goes before an insertion, or it would cut the inserted text.
  const edits: Edit[] = [];
  for (const field of ['newTag', 'digest'] as const) {
    const wanted = pin[field];
    const pair = entry.items.find((p) => isScalar(p.key) && p.key.value === field);
    if (pair && wanted === undefined) {
      edits.push(removal(text, entry, pair.key as Scalar, pair.value as Scalar));
    } else if (pair && isScalar(pair.value) && (pair.value.source === '' || isBlock(pair.value))) {
      // `newTag:` (empty) or a block scalar: rewrite everything after the colon, so the value is
      // never glued to the key (`newTag:2.0.0`) or to the next line (`newTag: 2.0.0patches:`).
      const colon = text.indexOf(':', (pair.key as Scalar).range![1]);
      const end = pair.value.range![1];
      const eol = isBlock(pair.value) ? (text.slice(0, end).endsWith('\r\n') ? '\r\n' : '\n') : '';
      edits.push({ start: colon + 1, end, text: ` ${formatScalar(wanted!)}${eol}` });
    } else if (pair && isScalar(pair.value)) {
      const [start, end] = pair.value.range!;
      // Keep a quote style chosen by hand; a value quoted only because YAML needed it (as synth
      // writes "1.10") gets the canonical form, so a later synth rewrites nothing.
      const old = scalarText(pair.value);
      const chosenStyle = pair.value.type !== 'PLAIN' && formatScalar(old) === old ? pair.value.type : undefined;
      if (old !== wanted) edits.push({ start, end, text: formatScalar(wanted!, chosenStyle) });
    } else if (pair) {
      throw new Error(`${file}: images[${image}].${field} must be a plain value`);
    } else if (wanted !== undefined) {
      // Synth writes name, newTag, digest: a digest goes after the tag, a tag after the name.
      const hasTag = entry.items.some((p) => isScalar(p.key) && p.key.value === 'newTag');
      edits.push(insertion(text, entry, field, wanted, field === 'digest' && hasTag ? 'newTag' : 'name'));
    }
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  checkEdit(doc.toJS(), out, file, image, pin);
  return out;
}

/**
 * Refuses to return an edit that reads back as anything but the old document with exactly the
 * pin changed: a splice that broke the YAML must fail here, before anything is written.
 */
function checkEdit(
  before: unknown /* a fresh toJS(), changed here */,
  out: string,
  file: string,
  image: string,
  pin: ImagePin,
): void {
  const expected = before as { images: Record<string, unknown>[] };
  const entry = expected.images.find((i) => i?.name === image)!;
  for (const field of ['newTag', 'digest'] as const) {
    if (pin[field] === undefined) delete entry[field];
    else entry[field] = pin[field];
  }
  const doc = parseDocument(out);
  if (doc.errors.length > 0 || !isDeepStrictEqual(doc.toJS(), expected)) {
    throw new Error(`${file}: cannot edit images[${image}] in place without changing the rest; fix its layout by hand`);
  }
}

function isBlock(node: Scalar): boolean {
  return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
}

/** The text a scalar holds, as written (a bare `1.10` is "1.10", never the number 1.1). */
export function scalarText(node: Scalar): string {
  return node.source ?? String(node.value);
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Writes `value` as a YAML scalar that every reader (YAML 1.2, YAML 1.1, Go's) reads back as the
 * string `value`: plain when that is safe, else double-quoted (`"yes"`, `"1_000"`, `"007"`).
 */
export function formatScalar(value: string, style?: Scalar.Type): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  const plainReadsBack = /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]*$/.test(value) && plainReadsAsString(value);
  return plainReadsBack ? value : JSON.stringify(value);
}

function removal(text: string, entry: YAMLMap, key: Scalar, value: Scalar): Edit {
  const start = key.range![0];
  const end = value.range![1];
  if (entry.flow) {
    // `{ a: 1, digest: x }` -> drop the pair with the comma before (or after, if first).
    const before = text.lastIndexOf(',', start);
    const open = text.lastIndexOf('{', start);
    if (before > open) return { start: before, end, text: '' };
    const after = text.indexOf(',', end);
    return { start, end: after + 1 + (text[after + 1] === ' ' ? 1 : 0), text: '' };
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const onlyPairOnLine = text.slice(lineStart, start).trim() === '';
  if (onlyPairOnLine) return { start: lineStart, end: lineEnd < 0 ? text.length : lineEnd + 1, text: '' };
  // `- digest: x` as the first pair of a sequence item: keep the dash, pull the next pair up.
  if (lineEnd < 0) return { start, end: text.length, text: '' };
  const nextIndent = /^[ \t]*/.exec(text.slice(lineEnd + 1))![0].length;
  return { start, end: lineEnd + 1 + nextIndent, text: '' };
}

function insertion(text: string, entry: YAMLMap, field: string, value: string, after: string): Edit {
  const namePair = entry.items.find((p) => isScalar(p.key) && p.key.value === after)!;
  const nameKey = namePair.key as Scalar;
  const nameValue = namePair.value as Scalar;
  const at = nameValue.range![1];
  const formatted = `${field}: ${formatScalar(value)}`;
  if (entry.flow) return { start: at, end: at, text: `, ${formatted}` };
  const lineStart = text.lastIndexOf('\n', nameKey.range![0] - 1) + 1;
  const indent = ' '.repeat(nameKey.range![0] - lineStart);
  const lineEnd = text.indexOf('\n', at);
  const eol = lineEnd > 0 && text[lineEnd - 1] === '\r' ? '\r\n' : '\n';
  if (lineEnd < 0) return { start: text.length, end: text.length, text: `${eol}${indent}${formatted}` };
  const insertAt = lineEnd + 1;
  return { start: insertAt, end: insertAt, text: `${indent}${formatted}${eol}` };
}
