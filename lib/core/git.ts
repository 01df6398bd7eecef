import { execFileSync } from 'child_process';

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
 * from HEAD or are untracked.
 */
export function changedPaths(cwd: string): string[] {
  const out = git(cwd, ['status', '--porcelain', '--untracked-files=all', '--', '.']);
  if (out === '') return [];
  // Porcelain paths are relative to the top of the repository, whatever the current directory.
  const prefix = git(cwd, ['rev-parse', '--show-prefix']);
  return out.split('\n').map((line) => line.slice(3).slice(prefix.length));
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
