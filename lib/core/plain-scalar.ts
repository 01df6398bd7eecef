import { parse } from 'yaml';

/**
 * Plain scalars that some YAML reader takes for something other than a string. Kustomize and
 * kubectl read through Go YAML libraries that still resolve YAML 1.1 forms (`yes`, `on`, `y`,
 * `0b101`, `1_000`, `007`, `2001-12-14`, `1:30`), and Go's number parsing (`1e3`, `0x1F`), so
 * being a string in the YAML 1.2 core schema is not enough.
 */
const YAML_11_WORDS =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|=|<<)$/;
/** Anything that starts like a number, once `_` (a YAML 1.1 digit separator) is dropped. */
const NUMBER_LIKE =
  /^[-+]?(?:0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[0-9]+|[0-9]*\.[0-9]+(?:[eE][-+]?[0-9]+)?|[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$/;
/** YAML 1.1 sexagesimal numbers (`1:30`, `190:20:30.15`). */
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
/** YAML 1.1 timestamps (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`). */
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt ])/;
/** Infinity and not-a-number in any case YAML 1.1 or 1.2 accepts. */
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;

/**
 * Whether a plain scalar made of characters without syntax (letters, digits, `._-/:+`) would be
 * read as a null, boolean, number or timestamp by some reader: regular expressions only, cheap
 * enough for every scalar synth writes.
 */
export function readsAsOtherType(value: string): boolean {
  if (YAML_11_WORDS.test(value) || SPECIAL_FLOAT.test(value)) return true;
  if (/^[-+.0-9]/.test(value) && NUMBER_LIKE.test(value.replace(/_/g, ''))) return true;
  return SEXAGESIMAL.test(value) || TIMESTAMP.test(value);
}

/**
 * Whether `value` written plain (unquoted) reads back as exactly the string `value` in every
 * YAML reader a deployment passes through: the YAML 1.2 core schema, YAML 1.1 and Go's YAML
 * libraries. Callers quote whatever this refuses.
 */
export function plainReadsAsString(value: string): boolean {
  if (value === '' || value.trim() !== value || readsAsOtherType(value)) return false;
  try {
    return parse(value) === value && parse(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}
