import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JOURNAL_FILE, recoverTransaction, removeStateDirIfEmpty, STATE_DIR } from './transaction';

/** The repository lock, relative to the root. */
export const LOCK_FILE = `${STATE_DIR}/lock`;

/** Who holds the repository lock (the lock file's content). */
export interface LockHolder {
  /** Process id. */
  readonly pid: number;
  /** Host the process runs on (a pid means nothing on another host). */
  readonly host: string;
  /** The command, as typed. */
  readonly command: string;
  /** When it took the lock, ISO 8601. */
  readonly since: string;
}

/** Options of `withRepositoryLock`. */
export interface LockOptions {
  /**
   * How long to wait for another writer, in seconds.
   * @default - $STAGECRAFT_LOCK_WAIT_SECONDS, else 30
   */
  readonly waitSeconds?: number;
  /**
   * Where to say that an interrupted transaction was finished or undone.
   * @default - stderr
   */
  readonly log?: (line: string) => void;
}

/** Locks this process holds, by root, with how many nested holds (commands call commands' code). */
const held = new Map<string, number>();

/**
 * Runs `fn` holding the lock of the repository at `rootDir`, after finishing or undoing a
 * transaction a killed command left behind. A second writer waits up to `waitSeconds`, then
 * fails with one line naming the holder; a lock whose holder is dead is taken over.
 */
export function withRepositoryLock<T>(rootDir: string, command: string, fn: () => T, options: LockOptions = {}): T {
  const release = acquireLock(rootDir, command, options);
  let result: T;
  try {
    const recovered = recoverTransaction(rootDir);
    if (recovered !== undefined) (options.log ?? ((l) => process.stderr.write(`${l}\n`)))(recovered);
    result = fn();
  } catch (error) {
    release();
    throw error;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}

/**
 * What a command that only reads runs first: when a killed writer left a journal, takes the
 * lock long enough to settle it, so nothing reads a half-applied tree.
 */
export function settleRepository(rootDir: string, command: string, options: LockOptions = {}): void {
  if (fs.existsSync(path.join(rootDir, JOURNAL_FILE))) withRepositoryLock(rootDir, command, () => undefined, options);
}

/** Takes the lock (waiting a bounded time) and returns the function that releases it. */
export function acquireLock(rootDir: string, command: string, options: LockOptions = {}): () => void {
  const root = path.resolve(rootDir);
  const nested = held.get(root);
  if (nested !== undefined) {
    held.set(root, nested + 1);
    return () => held.set(root, held.get(root)! - 1);
  }
  const waitSeconds = options.waitSeconds ?? Number(process.env.STAGECRAFT_LOCK_WAIT_SECONDS ?? 30);
  const lock = path.join(root, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  const text = JSON.stringify(mine);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    if (tryCreate(lock, text)) break;
    const holder = readHolder(lock);
    if (holder !== undefined && isDead(holder)) {
      takeOver(lock, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder
        ? `pid ${holder.pid} on ${holder.host} (${holder.command}) since ${holder.since}`
        : 'a writer that is just finishing';
      throw new Error(`${LOCK_FILE}: the repository is locked by ${who}; waited ${waitSeconds} s, try again`);
    }
    sleep(50 + Math.floor(Math.random() * 50));
  }
  held.set(root, 1);
  return () => {
    const count = held.get(root)! - 1;
    if (count > 0) {
      held.set(root, count);
      return;
    }
    held.delete(root);
    // Only our own lock is removed: a takeover by someone who thought we were dead is theirs.
    if (readRaw(lock) === text) fs.rmSync(lock, { force: true });
    removeStateDirIfEmpty(root);
  };
}

/** Creates `lock` holding `text` atomically (a hard link of a complete temp file): never half-written. */
function tryCreate(lock: string, text: string): boolean {
  const tmp = `${lock}.${randomBytes(8).toString('hex')}`;
  // Another process releasing its lock removes an empty .stagecraft/ at any moment: make it again.
  for (let attempt = 0; ; attempt++) {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    try {
      fs.writeFileSync(tmp, text, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 100) throw error;
    }
  }
  try {
    fs.linkSync(tmp, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Removes a dead holder's lock. Two processes may find the same dead holder: the takeover is
 * itself guarded by a lock (`lock.takeover`), and the lock is removed only if it still holds the
 * dead holder's content, so a live lock just taken by the other process is never removed.
 */
function takeOver(lock: string, dead: LockHolder): void {
  const guard = `${lock}.takeover`;
  const guardText = JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'takeover', since: '' });
  if (!tryCreate(guard, guardText)) {
    const other = readHolder(guard);
    if (other !== undefined && isDead(other) && readRaw(guard) === JSON.stringify(other))
      fs.rmSync(guard, { force: true });
    sleep(20);
    return;
  }
  try {
    const now = readHolder(lock);
    if (now && now.pid === dead.pid && now.since === dead.since && now.host === dead.host) fs.rmSync(lock);
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function readRaw(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readHolder(file: string): LockHolder | undefined {
  const raw = readRaw(file);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as LockHolder;
  } catch {
    throw new Error(
      `${LOCK_FILE}: not a lock written by stagecraft (${JSON.stringify(raw.slice(0, 40))}); remove it if no command is running`,
    );
  }
}

/** Whether the holder's process is gone (only decidable on this host). */
function isDead(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
