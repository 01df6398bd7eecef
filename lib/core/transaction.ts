import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { WriteSummary } from './write-summary';

/** Directory below a repository root that holds the lock and the journal of a transaction. */
export const STATE_DIR = '.stagecraft';
/** The journal of the transaction under way, relative to the root. */
export const JOURNAL_FILE = `${STATE_DIR}/journal.json`;

/** One step of a transaction, paths relative to the root. */
interface JournalEntry {
  /** `file`: a file replaced or created; `dir`: a new directory renamed into place whole; `remove`: a file deleted. */
  readonly kind: 'file' | 'dir' | 'remove';
  /** The path the step changes. */
  readonly target: string;
  /** The prepared new content (a file, or a staged directory), renamed onto `target`. */
  readonly tmp?: string;
  /** A hard link (or copy) of the old file, renamed back onto `target` to undo. */
  readonly backup?: string;
}

/** What the journal records: where the transaction got to, and every step. */
interface Journal {
  /** `prepare`: temp files being made, nothing changed; `apply`: renames under way; `done`: committed. */
  readonly phase: 'prepare' | 'apply' | 'done';
  readonly entries: readonly JournalEntry[];
  /** Directories emptied by removals, pruned when done. */
  readonly prune: readonly string[];
}

/**
 * A set of file writes and removals below one root that happens as a whole or not at all, even
 * when the process is killed at any point: every new content is first written to a temp file
 * with an unpredictable name (created exclusively, never following a link), every old file is
 * kept as a hard link, and a journal below `.stagecraft/` says which phase was reached. The next
 * command calls `recoverTransaction` before anything else: an interrupted apply is undone, a
 * finished one cleaned up. (It survives a killed process, not a power cut: nothing is fsynced.)
 */
export class Transaction {
  private readonly writes = new Map<string, string>();
  private readonly removals = new Set<string>();

  constructor(private readonly rootDir: string) {}

  /** Writes `content` at `relativePath` (posix, relative to the root) when the transaction commits. */
  public write(relativePath: string, content: string): void {
    this.writes.set(relativePath, content);
  }

  /** Removes the file at `relativePath` when the transaction commits. */
  public remove(relativePath: string): void {
    this.removals.add(relativePath);
  }

  /**
   * Checks and prepares everything, then commits it atomically; returns the paths that changed
   * (unchanged files are not touched), sorted. Throws, having changed nothing, when a path goes
   * through a symbolic link or a step fails.
   */
  public commit(): string[] {
    const summary = this.commitSummary();
    return [...summary.created, ...summary.changed, ...summary.removed].sort();
  }

  /**
   * `commit()`, telling apart the files it created, changed and removed, and how many it left
   * untouched because their content was already right.
   */
  public commitSummary(): WriteSummary {
    const root = this.rootDir;
    fs.mkdirSync(root, { recursive: true });
    recoverTransaction(root);
    const links = new LinkCheck(root);
    const entries: JournalEntry[] = [];
    const staged = new Map<string, { stage: string; files: [string, string][] }>();
    const created: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const unchanged: string[] = [];
    for (const [relative, content] of [...this.writes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      links.refuse(relative);
      const dir = path.posix.dirname(relative);
      const top = links.firstMissing(dir);
      if (top === undefined) {
        const old = readIfExists(path.join(root, relative));
        if (old === content) {
          unchanged.push(relative);
          continue;
        }
        (old === undefined ? created : changed).push(relative);
        entries.push({
          kind: 'file',
          target: relative,
          tmp: tempName(relative),
          ...(old !== undefined ? { backup: tempName(relative) } : {}),
        });
      } else {
        let group = staged.get(top);
        if (!group) staged.set(top, (group = { stage: tempName(top), files: [] }));
        group.files.push([path.posix.relative(top, relative), content]);
        created.push(relative);
      }
    }
    for (const [top, group] of staged) entries.push({ kind: 'dir', target: top, tmp: group.stage });
    const prune = new Set<string>();
    for (const relative of [...this.removals].sort()) {
      links.refuse(relative);
      entries.push({ kind: 'remove', target: relative, backup: tempName(relative) });
      prune.add(path.posix.dirname(relative));
      removed.push(relative);
    }
    const summary: WriteSummary = {
      created: created.sort(),
      changed: changed.sort(),
      removed: removed.sort(),
      unchanged: unchanged.sort(),
    };
    if (entries.length === 0) return summary;

    const journal = (phase: Journal['phase']) => writeJournal(root, { phase, entries, prune: [...prune].sort() });
    journal('prepare');
    try {
      for (const entry of entries) {
        fault();
        const target = path.join(root, entry.target);
        if (entry.kind === 'file') writeExclusive(path.join(root, entry.tmp!), this.writes.get(entry.target)!);
        if (entry.kind === 'dir') {
          const stage = path.join(root, entry.tmp!);
          fs.mkdirSync(stage);
          for (const [file, content] of staged.get(entry.target)!.files) {
            fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
            writeExclusive(path.join(stage, file), content);
          }
        }
        if (entry.backup !== undefined) keepOld(target, path.join(root, entry.backup));
      }
      fault();
      journal('apply');
      for (const entry of entries) {
        fault();
        const target = path.join(root, entry.target);
        if (entry.kind === 'remove') fs.unlinkSync(target);
        else fs.renameSync(path.join(root, entry.tmp!), target);
      }
      fault();
      journal('done');
      fault();
    } catch (error) {
      recoverTransaction(root);
      throw error;
    }
    recoverTransaction(root);
    return summary;
  }
}

/**
 * Finishes or undoes the transaction a killed command left behind in `rootDir`: before the
 * apply phase nothing had changed and the temp files go; during it every step is undone from
 * the kept old files; after it only the clean-up is left. Returns what it did, or undefined
 * when there was nothing to do.
 */
export function recoverTransaction(rootDir: string): string | undefined {
  const file = path.join(rootDir, JOURNAL_FILE);
  const stateDir = path.join(rootDir, STATE_DIR);
  if (!lexists(stateDir)) return undefined;
  // A journal's temp file left by a kill before its rename: the journal it would have become never was.
  for (const name of fs.readdirSync(stateDir))
    if (name.startsWith('.journal.json.stagecraft-')) fs.rmSync(path.join(stateDir, name));
  let journal: Journal;
  try {
    journal = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      removeStateDirIfEmpty(rootDir);
      return undefined;
    }
    throw new Error(`${JOURNAL_FILE}: unreadable journal of an interrupted transaction: ${(error as Error).message}`);
  }
  const at = (relative: string | undefined) => (relative === undefined ? undefined : path.join(rootDir, relative));
  const exists = (p: string | undefined) => p !== undefined && lexists(p);
  if (journal.phase === 'apply') {
    for (const entry of [...journal.entries].reverse()) {
      const target = at(entry.target)!;
      const tmp = at(entry.tmp);
      const backup = at(entry.backup);
      if (entry.kind === 'dir') {
        fs.rmSync(exists(tmp) ? tmp! : target, { recursive: true, force: true });
      } else if (entry.kind === 'file') {
        if (exists(tmp)) fs.rmSync(tmp!);
        if (exists(backup)) {
          // Not renamed yet, the backup is a hard link of the target itself, and rename() of two
          // links to one file does nothing: the backup must then be removed by hand.
          fs.renameSync(backup!, target);
          if (exists(backup)) fs.rmSync(backup!);
        } else if (backup === undefined) fs.rmSync(target, { force: true });
      } else if (exists(backup)) {
        if (exists(target)) fs.rmSync(backup!);
        else fs.renameSync(backup!, target);
      }
    }
  } else {
    for (const entry of journal.entries) {
      for (const p of [at(entry.tmp), at(entry.backup)]) if (exists(p)) fs.rmSync(p!, { recursive: true, force: true });
    }
    if (journal.phase === 'done') for (const dir of journal.prune) pruneEmpty(rootDir, dir);
  }
  fs.rmSync(file);
  removeStateDirIfEmpty(rootDir);
  const verb = journal.phase === 'apply' ? 'undid' : journal.phase === 'done' ? 'finished' : 'discarded';
  return `${verb} an interrupted transaction of ${journal.entries.length} step(s) (${JOURNAL_FILE})`;
}

/** Removes `.stagecraft/` when nothing is left in it. */
export function removeStateDirIfEmpty(rootDir: string): void {
  try {
    fs.rmdirSync(path.join(rootDir, STATE_DIR));
  } catch {
    // not empty (a lock is held) or already gone
  }
}

/** Refuses paths through symbolic links; remembers what exists, so each directory is looked at once. */
class LinkCheck {
  private readonly kinds = new Map<string, 'dir' | 'missing' | 'link' | 'file'>();

  constructor(private readonly root: string) {}

  /** Throws when `relative` or a directory on its way is a symbolic link. */
  public refuse(relative: string): void {
    const parts = relative.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const kind = this.kind(prefix);
      if (kind === 'link') {
        throw new Error(
          `${prefix}: is a symbolic link; refusing to write ${relative} through it (replace the link with a real ${i < parts.length ? 'directory' : 'file'})`,
        );
      }
      if (kind === 'missing') return;
    }
  }

  /** The topmost directory of `dir` (relative) that does not exist yet, or undefined. */
  public firstMissing(dir: string): string | undefined {
    if (dir === '.' || dir === '') return undefined;
    const parts = dir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.kind(prefix) === 'missing') return prefix;
    }
    return undefined;
  }

  private kind(relative: string): 'dir' | 'missing' | 'link' | 'file' {
    let kind = this.kinds.get(relative);
    if (kind === undefined) {
      try {
        const stat = fs.lstatSync(path.join(this.root, relative));
        kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file';
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        kind = 'missing';
      }
      this.kinds.set(relative, kind);
    }
    return kind;
  }
}

/** `.<name>.stagecraft-<random>` beside `relative`: unpredictable, hidden, recognisable. */
function tempName(relative: string): string {
  const dir = path.posix.dirname(relative);
  return path.posix.join(dir, `.${path.posix.basename(relative)}.stagecraft-${randomBytes(8).toString('hex')}`);
}

/** Creates `file` exclusively (never an existing file, never through a link) and writes `content`. */
function writeExclusive(file: string, content: string): void {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  const fd = fs.openSync(file, flags, 0o644);
  try {
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

/** Keeps the old file at `backup`: a hard link where the file system allows one, else a copy. */
function keepOld(target: string, backup: string): void {
  try {
    fs.linkSync(target, backup);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    fs.copyFileSync(target, backup, fs.constants.COPYFILE_EXCL);
  }
}

function writeJournal(rootDir: string, journal: Journal): void {
  fs.mkdirSync(path.join(rootDir, STATE_DIR), { recursive: true });
  const tmp = path.join(rootDir, tempName(JOURNAL_FILE));
  writeExclusive(tmp, JSON.stringify(journal));
  fs.renameSync(tmp, path.join(rootDir, JOURNAL_FILE));
}

/** Removes `dir` (relative) and its parents while they are empty. */
function pruneEmpty(rootDir: string, dir: string): void {
  for (let d = dir; d !== '.' && d !== ''; d = path.posix.dirname(d)) {
    try {
      fs.rmdirSync(path.join(rootDir, d));
    } catch {
      return;
    }
  }
}

function lexists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
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

let steps = 0;

/**
 * The fault-injection hook of the kill test: with STAGECRAFT_FAULT=<kill|throw>:<n>, the n-th
 * step of this process's transactions SIGKILLs the process or throws. Unset, it costs a lookup.
 */
function fault(): void {
  const spec = process.env.STAGECRAFT_FAULT;
  if (spec === undefined) return;
  const [how, at] = spec.split(':');
  if (++steps !== Number(at)) return;
  if (how === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
  }
  throw new Error(`injected fault at transaction step ${at}`);
}
