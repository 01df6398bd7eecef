import * as path from 'path';
import { Platform } from '../constructs/platform';
import { FileSet } from '../core/file-set';
import { WriteSummary } from '../core/write-summary';
import { describePin, ImagePin, parseImageEntries, readImageEntries } from '../kube/image-pin';
import { findKustomizations } from '../kube/overlays';
import { ScannedPins } from '../kube/pin-scan';
import { formatPinNote, OverlayPins } from './pin-reader';
import { layoutOf, PinReader, render } from './render';
import { SynthOptions } from './synth-options';

/**
 * Renders `platform` and writes every file under `options.rootDir` in one transaction, keeping
 * the image pins the overlays already hold; files synth owned before and no longer renders are
 * removed. Refuses (writing nothing) where a pin would silently be reset to the initial tag.
 */
export function synth(platform: Platform, options: SynthOptions = {}): FileSet {
  return synthWithSummary(platform, options).files;
}

/** `synth()`, also saying which files it created, changed, removed and left untouched. */
export function synthWithSummary(
  platform: Platform,
  options: SynthOptions = {},
): { files: FileSet; written: WriteSummary } {
  const rootDir = options.rootDir ?? process.cwd();
  const { files, owned } = renderKeepingPins(platform, options);
  const written = files.commitSummary(rootDir, owned);
  return { files, written };
}

/**
 * What synth would write: the files, the directories it owns, checked for lost pins and reported.
 * `override` gives the pin a file is to hold instead of the one it holds (null: none, as a
 * cluster overlay that renders its environment's pin).
 */
export function renderKeepingPins(
  platform: Platform,
  options: SynthOptions = {},
  override: (file: string, image: string) => ImagePin | null | undefined = () => undefined,
): { files: FileSet; owned: string[] } {
  const rootDir = options.rootDir ?? process.cwd();
  const layout = layoutOf(platform, options);
  // An overlay's own pin is scanned without a YAML parse where that is safe; everything else
  // (a missing overlay, a changed image, previous names) takes the full path. If a file synth
  // changes reads differently in full, everything is rendered again from full parses
  // (lib/kube/pin-scan.ts).
  const scanned = new ScannedPins((file) => path.join(rootDir, file));
  let pins = new OverlayPins(rootDir, layout.overlaysDir, platform);
  const fast: PinReader = (file, image) => {
    const given = override(file, image);
    return given !== undefined ? (given ?? undefined) : (scanned.read(file, image) ?? pins.read(file, image));
  };
  let files = render(platform, options, fast);
  if (!scanned.confirm(new Map(files.entries()))) {
    pins = new OverlayPins(rootDir, layout.overlaysDir, platform);
    const full: PinReader = (file, image) => {
      const given = override(file, image);
      return given !== undefined ? (given ?? undefined) : pins.read(file, image);
    };
    files = render(platform, options, full);
  }
  const owned = [layout.outdir, layout.overlaysDir, ...(platform.gitops ? [layout.argocdDir] : [])];
  const rendered = new Map(files.entries());
  const initialTag = (file: string, image: string) =>
    describePin(parseImageEntries(rendered.get(file)!, file).find((e) => e.name === image)?.pin);
  if (!(options.acceptInitialTags ?? false)) {
    const [lost] = pins.lostPins();
    if (lost) {
      const dir = path.posix.dirname(lost.file);
      throw new Error(
        `${lost.file}: missing, but HEAD pins ${describePin(lost.pin)} there; restore it with git checkout HEAD -- ${dir} (or synth with --accept-initial-tags to start it at the initial tag)`,
      );
    }
    refuseRenames(rootDir, layout.overlaysDir, pins, rendered, initialTag);
  }
  for (const note of pins.notes) options.log?.(formatPinNote(note, initialTag(note.file, note.image)));
  return { files, owned };
}

/**
 * Refuses a service overlay that starts at the initial tag while, in the same environment, an
 * overlay that pins something is removed: that is a renamed service losing its pins.
 */
function refuseRenames(
  rootDir: string,
  overlaysDir: string,
  pins: OverlayPins,
  rendered: ReadonlyMap<string, string>,
  initialTag: (file: string, image: string) => string,
): void {
  const created = pins.notes.filter((n) => n.source === 'initial');
  if (created.length === 0) return;
  const root = path.join(rootDir, overlaysDir);
  /** `[env, service]` of a service overlay's kustomization, else undefined. */
  const serviceOverlay = (file: string) => {
    const parts = path.posix.relative(overlaysDir, file).split('/');
    return parts.length === 3 ? parts : undefined;
  };
  for (const dir of findKustomizations(root)) {
    const file = path.posix.join(overlaysDir, path.relative(root, dir).split(path.sep).join('/'), 'kustomization.yaml');
    const old = serviceOverlay(file);
    if (rendered.has(file) || !old) continue;
    const renamed = created.find((n) => serviceOverlay(n.file)?.[0] === old[0]);
    if (!renamed) continue;
    const entries = readImageEntries(path.join(rootDir, file)) ?? [];
    const pin = entries.length === 1 ? entries[0].pin : undefined;
    if (!pin || (pin.newTag === undefined && pin.digest === undefined)) continue;
    const oldName = old[1];
    throw new Error(
      `${renamed.file}: would start at initial tag ${initialTag(renamed.file, renamed.image)} while ${file} (pins ${describePin(pin)}) is removed; if the service was renamed add previousNames: ['${oldName}'] to it, else synth with --accept-initial-tags`,
    );
  }
}
