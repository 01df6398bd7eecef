import * as fs from 'fs';
import * as path from 'path';

/**
 * A set of generated files, built completely in memory and then written all at once:
 * every file goes to a temp file first and is renamed into place only when all temp files
 * exist, so a failure never leaves a half-written tree. Files that are unchanged are not
 * touched; files under an owned directory that the set no longer holds are removed.
 */
export class FileSet {
  private readonly files = new Map<string, string>();

  /** Adds `content` at `relativePath` (posix separators, relative to the root). */
  public add(relativePath: string, content: string): void {
    if (this.files.has(relativePath)) {
      throw new Error(`internal error: two generated files at ${relativePath}`);
    }
    this.files.set(relativePath, content);
  }

  /** The generated files, sorted by path. */
  public entries(): [string, string][] {
    return [...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Writes the set below `rootDir`. `ownedDirs` (relative) are entirely generated: whatever
   * they hold that the set does not is stale and removed. A file in an existing directory is
   * written to a temp file and renamed over the old one (only when its content changed); a
   * directory that does not exist yet is built whole under a hidden temp name and renamed into
   * place, so nothing is ever seen half-written and a fresh tree costs one rename per top
   * directory instead of one per file, no read of files that cannot exist, and no stale walk.
   */
  public commit(rootDir: string, ownedDirs: readonly string[]): void {
    fs.mkdirSync(rootDir, { recursive: true });
    const pending: [string, string][] = [];
    const staged = new Map<string, string>();
    const known = new Map<string, boolean>();
    const exists = (dir: string) => {
      let found = known.get(dir);
      if (found === undefined) known.set(dir, (found = fs.existsSync(dir)));
      return found;
    };
    /** The topmost directory of `dir`'s path below the root that does not exist yet. */
    const newTop = (dir: string): string | undefined => {
      if (exists(dir)) return undefined;
      let top = dir;
      while (!exists(path.dirname(top))) top = path.dirname(top);
      return top;
    };
    const made = new Set<string>();
    try {
      for (const [relativePath, content] of this.entries()) {
        const target = path.join(rootDir, relativePath);
        const top = newTop(path.dirname(target));
        if (top === undefined) {
          if (readIfExists(target) === content) continue;
          const tmp = `${target}.tmp-${process.pid}`;
          fs.writeFileSync(tmp, content);
          pending.push([tmp, target]);
          continue;
        }
        let stage = staged.get(top);
        if (stage === undefined) {
          stage = path.join(path.dirname(top), `.${path.basename(top)}.tmp-${process.pid}`);
          fs.rmSync(stage, { recursive: true, force: true });
          staged.set(top, stage);
        }
        const file = path.join(stage, path.relative(top, target));
        if (!made.has(path.dirname(file))) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          made.add(path.dirname(file));
        }
        fs.writeFileSync(file, content);
      }
    } catch (error) {
      for (const [tmp] of pending) fs.rmSync(tmp, { force: true });
      for (const stage of staged.values()) fs.rmSync(stage, { recursive: true, force: true });
      throw error;
    }
    for (const [top, stage] of staged) fs.renameSync(stage, top);
    for (const [tmp, target] of pending) fs.renameSync(tmp, target);
    const created = new Set(staged.keys());
    for (const dir of ownedDirs) this.removeStale(rootDir, dir, created);
  }

  /** Removes what the set does not hold below `relativeDir`; returns whether it is left empty. */
  private removeStale(rootDir: string, relativeDir: string, created: ReadonlySet<string>): boolean {
    const dir = path.join(rootDir, relativeDir);
    if (created.has(dir) || !fs.existsSync(dir)) return false;
    let kept = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = path.posix.join(relativeDir, entry.name);
      if (entry.isDirectory()) {
        if (this.removeStale(rootDir, relative, created)) fs.rmdirSync(path.join(rootDir, relative));
        else kept++;
      } else if (this.files.has(relative)) kept++;
      else fs.rmSync(path.join(rootDir, relative));
    }
    return kept === 0;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
