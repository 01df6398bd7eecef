import { execFileSync } from 'child_process';
import { STATE_DIR } from './transaction';

/** Runs git in `cwd` and returns its trimmed stdout; a failure becomes a one-line error. */
export function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`git ${args.join(' ')} failed: ${stderr.split('\n')[0] || (error as Error).message}`);
  }
}

/**
 * Paths below `cwd` (relative to it; `cwd` may be a subdirectory of the repository) that differ
 * from HEAD or are untracked. Read from `--porcelain -z`, so renames (both paths), spaces, quotes
 * and other special characters come through exactly.
 */
export function changedPaths(cwd: string): string[] {
  const out = execFileSync('git', ['status', '--porcelain', '-z', '--untracked-files=all', '--', '.'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Porcelain paths are relative to the top of the repository, whatever the current directory.
  const prefix = git(cwd, ['rev-parse', '--show-prefix']);
  const records = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record.length < 4) continue;
    paths.push(record.slice(3));
    // A rename or copy is followed by its source path in the next record.
    if (record[0] === 'R' || record[0] === 'C') paths.push(records[++i]);
  }
  // The lock and journal of a running command are not changes to the repository.
  return paths
    .filter((p) => p.startsWith(prefix))
    .map((p) => p.slice(prefix.length))
    .filter((p) => !p.startsWith(`${STATE_DIR}/`));
}

/** `Name <email>` of whoever commits in `cwd` (git's identity), else the login name. */
export function committerIdentity(cwd: string): string {
  try {
    return git(cwd, ['var', 'GIT_COMMITTER_IDENT']).replace(/ \d+ [-+]\d{4}$/, '');
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Throws unless the work tree below `cwd` has no uncommitted change. */
export function requireCleanWorkTree(cwd: string, action: string): void {
  const changed = changedPaths(cwd);
  if (changed.length > 0) {
    throw new Error(
      `refusing to ${action}: the work tree has ${changed.length} uncommitted change(s) (first: ${changed[0]}); commit or stash them first`,
    );
  }
}

/** Commits exactly `paths` (relative to `cwd`) with `message` and returns the new commit's short hash. */
export function commitPaths(cwd: string, paths: readonly string[], message: string): string {
  git(cwd, ['add', '--', ...paths]);
  git(cwd, ['commit', '--quiet', '-m', message, '--', ...paths]);
  return git(cwd, ['rev-parse', '--short', 'HEAD']);
}

/** Creates an annotated tag named `<prefix>.<n>` with the first free n; returns its name. */
export function createReleaseTag(cwd: string, prefix: string, message: string): string {
  const existing = new Set(git(cwd, ['tag', '--list', `${prefix}.*`]).split('\n'));
  let n = 1;
  while (existing.has(`${prefix}.${n}`)) n++;
  const name = `${prefix}.${n}`;
  git(cwd, ['tag', '--annotate', name, '-m', message]);
  return name;
}
