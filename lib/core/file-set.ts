import * as fs from 'fs';
import * as path from 'path';
import { recoverTransaction, Transaction } from './transaction';
import { WriteSummary } from './write-summary';

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
   * Writes the set below `rootDir` as one `Transaction`: all files or none, even when the process
   * is killed. `ownedDirs` (relative) are entirely generated: whatever they hold that the set does
   * not is stale and removed in the same transaction. Unchanged files are not touched; a new
   * directory is built whole under a hidden temp name and renamed into place. Returns the paths
   * that changed, sorted. A symbolic link on the way to a file, or inside an owned directory, is
   * refused before anything is written.
   */
  public commit(rootDir: string, ownedDirs: readonly string[]): string[] {
    const summary = this.commitSummary(rootDir, ownedDirs);
    return [...summary.created, ...summary.changed, ...summary.removed].sort();
  }

  /** `commit()`, telling apart the files it created, changed, removed and left untouched. */
  public commitSummary(rootDir: string, ownedDirs: readonly string[]): WriteSummary {
    // An interrupted transaction is settled first, or its temp files would look stale.
    recoverTransaction(rootDir);
    const transaction = new Transaction(rootDir);
    for (const [relativePath, content] of this.entries()) transaction.write(relativePath, content);
    for (const dir of ownedDirs) for (const stale of this.staleFiles(rootDir, dir)) transaction.remove(stale);
    return transaction.commitSummary();
  }

  /** The files below `relativeDir` that the set does not hold. */
  private staleFiles(rootDir: string, relativeDir: string): string[] {
    const dir = path.join(rootDir, relativeDir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries.flatMap((entry) => {
      const relative = path.posix.join(relativeDir, entry.name);
      if (entry.isSymbolicLink()) {
        throw new Error(`${relative}: is a symbolic link in a generated directory; replace it with a real one`);
      }
      if (entry.isDirectory()) return this.staleFiles(rootDir, relative);
      return this.files.has(relative) ? [] : [relative];
    });
  }
}
