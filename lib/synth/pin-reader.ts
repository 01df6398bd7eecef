import { execFileSync } from 'child_process';
import * as path from 'path';
import { Platform } from '../constructs/platform';
import { describePin, ImagePin, overlayKustomization, parseImageEntries, readImageEntries } from '../kube/image-pin';
import { PinReader } from './render';

/** A pin synth took from somewhere other than the overlay's own entry for the service's image. */
export interface PinNote {
  /** Overlay kustomization, relative to the root. */
  readonly file: string;
  /** The image the overlay now pins. */
  readonly image: string;
  /** The pin written. */
  readonly pin: ImagePin | undefined;
  /** Where it came from: the initial tag, an old image name, an old service name. */
  readonly source: 'initial' | 'image-change' | 'previous-name';
  /** The old image or overlay it was taken from. */
  readonly from?: string;
}

/**
 * The pins synth keeps, read from the overlays below `rootDir`, and what it had to do to find
 * them: a service whose image repository changed keeps the pin of its overlay's single entry; a
 * renamed service takes the pin of the overlay under one of its `previousNames`; every other
 * missing overlay starts at the initial tag, and is noted so synth can say so (or refuse).
 */
export class OverlayPins {
  /** Every pin not read from the overlay's own entry, in the order synth asked for them. */
  public readonly notes: PinNote[] = [];
  private readonly services = new Map<string, { env: string; previousNames: readonly string[] }>();

  constructor(
    private readonly rootDir: string,
    private readonly overlaysDir: string,
    platform: Platform,
  ) {
    for (const env of platform.environments.environments) {
      for (const service of platform.services) {
        const file = overlayKustomization(overlaysDir, env.name, service.name);
        this.services.set(file, { env: env.name, previousNames: service.previousNames });
      }
    }
  }

  /** The `PinReader` render calls. */
  public readonly read: PinReader = (file, image) => {
    const entries = readImageEntries(path.join(this.rootDir, file));
    const service = this.services.get(file);
    const own = entries?.find((e) => e.name === image);
    if (own) return hasPin(own.pin) ? own.pin : undefined;
    if (service && entries?.length === 1 && hasPin(entries[0].pin)) {
      this.notes.push({ file, image, pin: entries[0].pin, source: 'image-change', from: entries[0].name });
      return entries[0].pin;
    }
    if (service && entries === undefined) {
      for (const old of [...service.previousNames].reverse()) {
        const oldFile = overlayKustomization(this.overlaysDir, service.env, old);
        const oldEntries = readImageEntries(path.join(this.rootDir, oldFile));
        const pin =
          oldEntries?.find((e) => e.name === image)?.pin ?? (oldEntries?.length === 1 ? oldEntries[0].pin : undefined);
        if (pin && hasPin(pin)) {
          this.notes.push({ file, image, pin, source: 'previous-name', from: oldFile });
          return pin;
        }
      }
    }
    if (entries === undefined) this.notes.push({ file, image, pin: undefined, source: 'initial' });
    return undefined;
  };

  /**
   * The pins an overlay started from the initial tag would lose: overlays missing from the work
   * tree that HEAD still holds (a deleted overlay directory), with HEAD's pin. Empty outside git.
   */
  public lostPins(): { file: string; pin: ImagePin }[] {
    const initial = this.notes.filter((n) => n.source === 'initial');
    if (initial.length === 0) return [];
    let tracked: Set<string>;
    try {
      const out = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', ...initial.map((n) => n.file)], {
        cwd: this.rootDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      tracked = new Set(out.split('\n').filter((l) => l !== ''));
    } catch {
      return []; // not a git repository, or no commit yet
    }
    return initial.flatMap((n) => {
      if (!tracked.has(n.file)) return [];
      const text = execFileSync('git', ['show', `HEAD:./${n.file}`], { cwd: this.rootDir, encoding: 'utf8' });
      const entries = parseImageEntries(text, `HEAD:${n.file}`);
      const pin = entries.find((e) => e.name === n.image)?.pin ?? (entries.length === 1 ? entries[0].pin : undefined);
      return pin && hasPin(pin) ? [{ file: n.file, pin }] : [];
    });
  }
}

/** One line per note, as synth prints them. */
export function formatPinNote(note: PinNote, initialTag: string): string {
  if (note.source === 'initial') return `${note.file}: new overlay, ${note.image} starts at initial tag ${initialTag}`;
  if (note.source === 'image-change') {
    return `${note.file}: image ${note.from} is now ${note.image}; kept its pin ${describePin(note.pin)}`;
  }
  return `${note.file}: took pin ${describePin(note.pin)} from ${note.from} (previousNames)`;
}

function hasPin(pin: ImagePin): boolean {
  return pin.newTag !== undefined || pin.digest !== undefined;
}
