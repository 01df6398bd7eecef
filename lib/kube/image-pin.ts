import * as fs from 'fs';
import * as path from 'path';
import { isScalar, parseDocument } from 'yaml';

/** What an overlay pins for one image: a tag, a digest, or both. */
export interface ImagePin {
  /** `images[].newTag`. */
  readonly newTag?: string;
  /** `images[].digest` (`sha256:...`). */
  readonly digest?: string;
}

/** Human form of a pin: `1.4.2`, `sha256:abcd…` or `1.4.2@sha256:abcd…`. */
export function describePin(pin: ImagePin | undefined): string {
  if (!pin) return '(none)';
  const digest = pin.digest ? `${pin.digest.slice(0, 19)}…` : undefined;
  return [pin.newTag, digest].filter((x) => x !== undefined).join('@');
}

/** Relative path of the overlay kustomization that pins `service` in `env`. */
export function overlayKustomization(overlaysDir: string, env: string, service: string): string {
  return path.posix.join(overlaysDir, env, service, 'kustomization.yaml');
}

/** One `images[]` entry of a kustomization: the image name and what it pins. */
export interface ImageEntry {
  /** `images[].name`. */
  readonly name: string;
  /** Its tag and digest (empty when it pins neither). */
  readonly pin: ImagePin;
}

/** The keys an overlay's image entry may have: the pin is the tag and digest, nothing else. */
const ENTRY_KEYS = ['name', 'newTag', 'digest'];

/**
 * Every `images[]` entry of the kustomization at `file` (undefined when the file does not
 * exist). Throws one line naming the file for what the release tools cannot keep or promote:
 * invalid YAML, not a kustomization, two entries for one image (the tools would promote the
 * first while Kustomize deploys the last), and `newName` or any other key (a registry mirror
 * belongs in the model's image, not in a hand edit that synth would drop).
 */
export function readImageEntries(file: string): ImageEntry[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  return parseImageEntries(fs.readFileSync(file, 'utf8'), file);
}

/** `readImageEntries` of a kustomization's text; `file` names it in errors. */
export function parseImageEntries(text: string, file: string): ImageEntry[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  if (!isRecord(data) || data.kind !== 'Kustomization') {
    throw new Error(`${file}: not a kustomization (expected kind: Kustomization)`);
  }
  const images = data.images ?? [];
  if (!Array.isArray(images)) throw new Error(`${file}: images must be a list`);
  const entries: ImageEntry[] = [];
  images.forEach((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.name !== 'string') {
      throw new Error(`${file}: images[${index}] must be a map with a name`);
    }
    const extra = Object.keys(entry).filter((k) => !ENTRY_KEYS.includes(k));
    if (extra.length > 0) {
      throw new Error(
        `${file}: images[${entry.name}].${extra[0]} is not supported: an overlay pins only newTag and digest; set the image repository (or its mirror) in the model`,
      );
    }
    if (entries.some((e) => e.name === entry.name)) {
      throw new Error(`${file}: images has two entries named ${entry.name}; keep one (Kustomize applies the last)`);
    }
    const pin: { newTag?: string; digest?: string } = {};
    // The scalar's source text, so a bare `1.10` stays "1.10" rather than the number 1.1.
    const tag = doc.getIn(['images', index, 'newTag'], true);
    if (isScalar(tag) && tag.value !== null) pin.newTag = tag.source ?? String(tag.value);
    const digest = doc.getIn(['images', index, 'digest']);
    if (typeof digest === 'string') pin.digest = digest;
    entries.push({ name: entry.name, pin });
  });
  return entries;
}

/**
 * Reads the pin of `image` from the kustomization at `file`, or `undefined` when the file
 * does not exist or has no entry for the image. A file that exists but is not a valid
 * kustomization, or holds entries the tools cannot keep, throws naming the file: synth must
 * never reset a tag it could not read.
 */
export function readImagePin(file: string, image: string): ImagePin | undefined {
  const pin = readImageEntries(file)?.find((e) => e.name === image)?.pin;
  return pin === undefined || (pin.newTag === undefined && pin.digest === undefined) ? undefined : pin;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
