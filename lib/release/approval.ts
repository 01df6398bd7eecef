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
}

/** The question a person answers to approve promoting `changes` into `target`. */
export function approvalPrompt(target: Environment, changes: readonly PinChange[]): string {
  return `promote ${changes.length} service(s) to ${target.name}? type ${APPROVAL_ANSWER} to approve: `;
}

/**
 * Resolves when promoting `changes` into `target` may write: the target does not require
 * approval, approval was given up front, or the person asked answered `yes`. Otherwise throws a
 * one-line error saying how to approve.
 */
export async function requireApproval(
  target: Environment,
  changes: readonly PinChange[],
  options: ApprovalOptions = {},
): Promise<void> {
  if (!target.requiresApproval || (options.approved ?? false)) return;
  const answer = await options.ask?.(approvalPrompt(target, changes));
  if (answer?.trim() === APPROVAL_ANSWER) return;
  throw new Error(`promotion to ${target.name} requires approval: pass --approve (or answer yes on a terminal)`);
}
