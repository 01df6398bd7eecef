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
   * they hold that the set does not is stale and removed.
   */
  public commit(rootDir: string, ownedDirs: readonly string[]): void {
    const pending: [string, string][] = [];
    // A directory this commit creates holds nothing yet: no file in it needs reading first and
    // nothing in it is stale. At 200 services x 5 environments (a fresh tree of ~4,800 files)
    // that saves a failed open per file and a directory walk.
    const created = new Set<string>();
    const existing = new Set<string>();
    try {
      for (const [relativePath, content] of this.entries()) {
        const target = path.join(rootDir, relativePath);
        const dir = path.dirname(target);
        if (!created.has(dir) && !existing.has(dir)) {
          if (fs.existsSync(dir)) existing.add(dir);
          else {
            fs.mkdirSync(dir, { recursive: true });
            created.add(dir);
          }
        }
        if (existing.has(dir) && readIfExists(target) === content) continue;
        const tmp = `${target}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, content);
        pending.push([tmp, target]);
      }
    } catch (error) {
      for (const [tmp] of pending) fs.rmSync(tmp, { force: true });
      throw error;
    }
    for (const [tmp, target] of pending) fs.renameSync(tmp, target);
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
