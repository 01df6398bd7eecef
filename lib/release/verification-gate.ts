import { Environment } from '../model/environment';
import { PinChange, PromotionContext } from './promotion';
import { actor, refuseUnverified, skippedVerifications, unverifiedChanges } from './verification';
import { appendVerifications, VERIFIED_FILE } from './verification-record';

/** Options of `verificationGate`. */
export interface VerificationGateCommandOptions {
  /** Source environment. */
  readonly from: Environment;
  /** Target environment. */
  readonly to: Environment;
  /** The planned changes. */
  readonly changes: readonly PinChange[];
  /** `--skip-verification`: promote unproven versions anyway. */
  readonly skip: boolean;
  /** `--reason`: why (required with `skip`, refused without it). */
  readonly reason: string | undefined;
}

/** What the gate lets through: `recordSkipped()` writes the skips once the promotion is written. */
export interface VerificationGatePass {
  /**
   * Appends one `skipped` record per unproven change (nothing when none was skipped); returns
   * the files it wrote, relative to the root, for the promotion's commit.
   */
  recordSkipped(): string[];
}

/**
 * Promote's "refuse unverified versions" check: into an environment with
 * `requiresVerifiedSource`, every change needs a passed, soaked verification in the source,
 * unless `--skip-verification --reason "..."`, which is recorded in releases/verified.yaml.
 */
export function verificationGate(ctx: PromotionContext, options: VerificationGateCommandOptions): VerificationGatePass {
  const reason = options.reason?.trim();
  if (options.reason !== undefined && !options.skip) {
    throw new Error('--reason goes with --skip-verification: pass both, or neither');
  }
  if (options.skip && !reason) {
    throw new Error(`--skip-verification needs --reason "...": the reason is recorded in ${VERIFIED_FILE}`);
  }
  const unproven = unverifiedChanges(ctx.rootDir, options);
  if (unproven.length > 0 && !options.skip) throw refuseUnverified(options.from.name, options.to.name, unproven);
  return {
    recordSkipped: () => {
      if (unproven.length === 0) return [];
      appendVerifications(
        ctx.rootDir,
        skippedVerifications(
          options.from,
          options.to,
          unproven.map((u) => u.change),
          reason ?? '',
          actor(ctx.rootDir),
          new Date(),
        ),
      );
      return [VERIFIED_FILE];
    },
  };
}
