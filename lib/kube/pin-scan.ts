import * as fs from 'fs';
import { ImagePin, readImagePin } from './image-pin';

/** The scan could not be sure what a full YAML parse would read: ask `readImagePin`. */
export const UNSURE = Symbol('unsure');

/** `scanImagePin`'s answer: the pin, no pin, or `UNSURE`. */
export type ScanResult = ImagePin | undefined | typeof UNSURE;

// A key, or a value without quotes: no spaces, comments, flow, anchors, aliases, tags or block
// scalars; a value neither starts with `-` nor ends with `:` (both would be YAML indicators).
const KEY = '[A-Za-z_][A-Za-z0-9_./-]*';
const PLAIN = '[A-Za-z0-9_./~+=](?:[A-Za-z0-9_./~+=@:-]*[A-Za-z0-9_./~+=@-])?';
const QUOTED = `"[A-Za-z0-9_./~+=@:-]*"|'[A-Za-z0-9_./~+=@:-]*'`;
const VALUE = `(?:${PLAIN}|${QUOTED}|\\[\\]|\\{\\})`;
/** Every line the scan understands; any other line (or a tab, a CR) makes it unsure. */
const LINE = new RegExp(`^( *)(?:(- )?(${KEY}):(?: (${VALUE}))?|- (${VALUE}))$`);
const SKIPPED = /^ *(?:#.*)?$/;
// What YAML's core schema reads as something other than a string, when written without quotes.
const NOT_A_STRING = /^(?:[-+.0-9].*|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const NULL = /^(?:~|null|Null|NULL)$/;
// `newName` is not among them: the full parse refuses it (a registry mirror belongs in the
// model's image), so a file that has one is left to it.
const IMAGE_FIELDS = new Set(['name', 'newTag', 'digest']);

interface Line {
  readonly indent: number;
  readonly dash: boolean;
  readonly key?: string;
  readonly value?: string;
}

/**
 * Reads the pin of `image` from a kustomization's text without a YAML parse, for the files
 * synth writes (block style, plain or simply quoted scalars). Every line must be of a form it
 * understands and the `images` list exactly `- name: x` with `newTag`/`digest`/`newName` at
 * the next indentation; anything else, anything a full parse would read differently or reject
 * where the scan can see it (no `kind: Kustomization`, a duplicate key, a null or non-string
 * name), is `UNSURE`. It does not check the indentation outside `images`: `ScannedPins` holds a
 * pin read this way as confirmed only when synth renders the file back byte for byte.
 */
export function scanImagePin(text: string, image: string): ScanResult {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (SKIPPED.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m) return UNSURE;
    const [, spaces, dash, key, value, item] = m;
    lines.push({ indent: spaces.length, dash: dash !== undefined || item !== undefined, key, value: value ?? item });
  }
  const top = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l.indent === 0 && !l.dash) top.set(l.key!, top.has(l.key!) ? -1 : i);
  });
  if ([...top.values()].includes(-1)) return UNSURE;
  const kind = top.get('kind');
  if (kind === undefined || unquote(lines[kind].value) !== 'Kustomization') return UNSURE;
  const start = top.get('images');
  if (start === undefined) return undefined;
  if (lines[start].value === '[]') return undefined;
  if (lines[start].value !== undefined) return UNSURE;
  const entries = imageEntries(lines, start + 1);
  if (entries === UNSURE || entries.length === 0) return UNSURE;
  // Two entries for one image: the full parse refuses the file, so the scan does not answer.
  const names = entries.map((e) => unquote(e.get('name')));
  if (names.some((n, i) => n !== undefined && names.indexOf(n) !== i)) return UNSURE;
  for (const entry of entries) {
    const name = entry.get('name');
    if (name === undefined || isPlainNonString(name)) return UNSURE;
    if (unquote(name) !== image) continue;
    const pin: { newTag?: string; digest?: string } = {};
    const tag = entry.get('newTag');
    if (tag !== undefined && !(isPlain(tag) && NULL.test(tag)) && tag !== '[]' && tag !== '{}')
      pin.newTag = unquote(tag);
    else if (tag !== undefined) return UNSURE;
    const digest = entry.get('digest');
    if (digest !== undefined && (isPlainNonString(digest) || digest === '[]' || digest === '{}')) return UNSURE;
    if (digest !== undefined) pin.digest = unquote(digest);
    return pin.newTag === undefined && pin.digest === undefined ? undefined : pin;
  }
  return undefined;
}

/** The `images` entries from `from` on, each field -> value as written; `UNSURE` past the strict form. */
function imageEntries(lines: readonly Line[], from: number): Map<string, string>[] | typeof UNSURE {
  const entries: Map<string, string>[] = [];
  const itemIndent = lines[from]?.indent;
  if (itemIndent === undefined) return UNSURE;
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    if (l.indent === 0 && !l.dash) break;
    if (l.key === undefined || l.value === undefined || !IMAGE_FIELDS.has(l.key)) return UNSURE;
    if (l.dash && l.indent === itemIndent) entries.push(new Map());
    else if (l.dash || l.indent !== itemIndent + 2 || entries.length === 0) return UNSURE;
    const entry = entries[entries.length - 1];
    if (entry.has(l.key)) return UNSURE;
    entry.set(l.key, l.value);
  }
  return entries;
}

function isPlain(value: string): boolean {
  return !value.startsWith('"') && !value.startsWith("'");
}

function isPlainNonString(value: string): boolean {
  return isPlain(value) && NOT_A_STRING.test(value);
}

function unquote(value: string | undefined): string | undefined {
  return value !== undefined && !isPlain(value) ? value.slice(1, -1) : value;
}

/** One pin synth read, and how. */
interface ReadPin {
  readonly image: string;
  readonly pin: ImagePin | undefined;
}

/**
 * The pins synth reads, by the scan where it is sure and by `readImagePin` where it is not.
 * A scanned pin is trusted only once the file synth renders with it is the file on disk, byte
 * for byte (`confirm`): synth's output is valid YAML that `readImagePin` reads back as the
 * same pin, so the scan and the full parse agree. Otherwise the file is parsed in full.
 */
export class ScannedPins {
  /** Text of every file read, by path relative to the root (null: no such file). */
  private readonly texts = new Map<string, string | null>();
  /** Pins read by the scan, by file. */
  private readonly scanned = new Map<string, ReadPin[]>();

  /** @param absolute - absolute path of a file relative to synth's root */
  public constructor(private readonly absolute: (file: string) => string) {}

  /** Reads the pin `file` holds for `image` (the `PinReader` synth's render takes). */
  public readonly read = (file: string, image: string): ImagePin | undefined => {
    const text = this.textOf(file);
    if (text === null) return undefined;
    const result = scanImagePin(text, image);
    if (result === UNSURE) return readImagePin(this.absolute(file), image);
    this.scanned.set(file, [...(this.scanned.get(file) ?? []), { image, pin: result }]);
    return result;
  };

  private textOf(file: string): string | null {
    let text = this.texts.get(file);
    if (text === undefined) {
      try {
        text = fs.readFileSync(this.absolute(file), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        text = null;
      }
      this.texts.set(file, text);
    }
    return text;
  }

  /**
   * Whether every scanned pin is what `readImagePin` reads: true when each scanned file is
   * rendered back unchanged or, for the files that change, the full parse agrees. A file the
   * full parse rejects throws its error, as synth always has.
   */
  public confirm(rendered: ReadonlyMap<string, string>): boolean {
    let agreed = true;
    for (const [file, reads] of this.scanned) {
      if (rendered.get(file) === this.texts.get(file)) continue;
      for (const { image, pin } of reads) {
        if (!samePin(readImagePin(this.absolute(file), image), pin)) agreed = false;
      }
    }
    return agreed;
  }

  /** How many files the scan read (the rest, if any, were parsed in full). */
  public get scannedFiles(): number {
    return this.scanned.size;
  }
}

function samePin(a: ImagePin | undefined, b: ImagePin | undefined): boolean {
  return a?.newTag === b?.newTag && a?.digest === b?.digest;
}
