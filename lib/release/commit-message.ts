import { describePin } from '../kube/image-pin';
import { PinChange } from './promotion';

/**
 * The commit message of a promotion: `promote <from> -> <to>: <services>`, then one line per
 * service with its old and new pin.
 */
export function promotionCommitMessage(from: string, to: string, changes: readonly PinChange[]): string {
  return `promote ${from} -> ${to}: ${serviceList(changes)}\n\n${changeLines(changes)}`;
}

/**
 * The commit message of a rollback: `rollback <env>: <services>`, the reason, then one line per
 * service with its old and new pin.
 */
export function rollbackCommitMessage(env: string, reason: string, changes: readonly PinChange[]): string {
  return `rollback ${env}: ${serviceList(changes)}\n\nReason: ${reason}\n\n${changeLines(changes)}`;
}

function serviceList(changes: readonly PinChange[]): string {
  return changes.map((c) => c.service).join(', ');
}

function changeLines(changes: readonly PinChange[]): string {
  return changes.map((c) => `- ${c.service}: ${describePin(c.before)} -> ${describePin(c.after)}\n`).join('');
}
