import { Environment } from '../model/environment';
import { PinChange } from './promotion';

/** The answer a person types on a terminal to approve a promotion. */
export const APPROVAL_ANSWER = 'yes';

/** How approval of a promotion may be given. */
export interface ApprovalOptions {
  /**
   * Approval given up front (`--approve`).
   * @default false
   */
  readonly approved?: boolean;
  /**
   * Asks a person (a terminal prompt) and resolves to their answer, or to undefined when nobody
   * can answer (no terminal).
   * @default - nobody is asked
   */
  readonly ask?: (prompt: string) => Promise<string | undefined>;
  /**
   * What is approved, in the prompt and the error (`promotion`, `set-image`, `rollback`).
   * @default 'promotion'
   */
  readonly action?: string;
}

/** The question a person answers to approve promoting `changes` into `target`. */
export function approvalPrompt(target: Environment, changes: readonly PinChange[], action = 'promotion'): string {
  const verb = action === 'promotion' ? 'promote' : action;
  return `${verb} ${changes.length} service(s) to ${target.name}? type ${APPROVAL_ANSWER} to approve: `;
}

/** How a write into an environment was approved. */
export type Approval = 'not-required' | 'flag' | 'terminal';

/**
 * Resolves when promoting `changes` into `target` may write, saying how it was approved: the
 * target does not require approval, approval was given up front (`--approve`), or the person
 * asked answered `yes`. Otherwise throws a one-line error saying how to approve.
 */
export async function requireApproval(
  target: Environment,
  changes: readonly PinChange[],
  options: ApprovalOptions = {},
): Promise<Approval> {
  const action = options.action ?? 'promotion';
  if (!target.requiresApproval) return 'not-required';
  if (options.approved ?? false) return 'flag';
  const answer = await options.ask?.(approvalPrompt(target, changes, action));
  if (answer?.trim() === APPROVAL_ANSWER) return 'terminal';
  throw new Error(`${action} to ${target.name} requires approval: pass --approve (or answer yes on a terminal)`);
}

/**
 * The trailer a release commit records its approval with (`Approved-by: Ann <ann@x> (--approve)`),
 * or undefined where none was needed. `who` is the committer's identity.
 */
export function approvalTrailer(approval: Approval, who: string): string | undefined {
  if (approval === 'not-required') return undefined;
  return `Approved-by: ${who} (${approval === 'flag' ? '--approve' : 'answered yes on a terminal'})`;
}

/** The note a command prints when `--approve` was passed where no approval is needed, or undefined. */
export function unneededApprovalNote(target: Environment, approved: boolean): string | undefined {
  return approved && !target.requiresApproval
    ? `note: --approve ignored: ${target.name} does not require approval`
    : undefined;
}
