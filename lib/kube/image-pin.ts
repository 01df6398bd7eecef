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

/**
 * Reads the pin of `image` from the kustomization at `file`, or `undefined` when the file
 * does not exist or has no entry for the image. A file that exists but is not a valid
 * kustomization throws, naming the file: synth must never reset a tag it could not read.
 */
export function readImagePin(file: string, image: string): ImagePin | undefined {
  if (!fs.existsSync(file)) return undefined;
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) {
    throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  if (!isRecord(data) || data.kind !== 'Kustomization') {
    throw new Error(`${file}: not a kustomization (expected kind: Kustomization)`);
  }
  const images = data.images ?? [];
  if (!Array.isArray(images)) throw new Error(`${file}: images must be a list`);
  const index = images.findIndex((i: unknown) => isRecord(i) && i.name === image);
  if (index < 0) return undefined;
  const pin: { newTag?: string; digest?: string } = {};
  // The scalar's source text, so a bare `1.10` stays "1.10" rather than the number 1.1.
  const tag = doc.getIn(['images', index, 'newTag'], true);
  if (isScalar(tag) && tag.value !== null) pin.newTag = tag.source ?? String(tag.value);
  const digest = doc.getIn(['images', index, 'digest']);
  if (typeof digest === 'string') pin.digest = digest;
  return pin.newTag === undefined && pin.digest === undefined ? undefined : pin;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
