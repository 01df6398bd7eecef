import { StagecraftError } from '../core/errors';
import { promDurationSeconds } from '../core/prom-duration';

/** One step of a canary: shift `weight` percent of the pods to the new version, then wait. */
export interface CanaryStep {
  /** Share of the replicas on the new version, in percent, above 0 and below 100. */
  readonly weight: number;
  /**
   * How long to hold this weight before the next step, as a duration of one unit (`5m`, `1h`),
   * or `'manual'` to wait until someone runs `kubectl argo rollouts promote`.
   * @default '5m'
   */
  readonly pause?: string;
}

/** Props of `RolloutStrategy.canary()`. */
export interface CanaryProps {
  /** The weights and pauses, in order; the last step is followed by the full rollout (100 %). */
  readonly steps: readonly CanaryStep[];
}

/** Props of `RolloutStrategy.blueGreen()`. */
export interface BlueGreenProps {
  /**
   * Seconds after the preview is ready before traffic switches to it; undefined keeps the
   * switch manual (`kubectl argo rollouts promote`).
   * @default - manual promotion
   */
  readonly autoPromotionSeconds?: number;
  /**
   * Seconds the previous version keeps running after the switch, so an abort is instant.
   * @default 300
   */
  readonly scaleDownDelaySeconds?: number;
}

/** A canary step with its defaults filled in; `pauseSeconds` is undefined for a manual pause. */
export interface ResolvedCanaryStep {
  /** Weight in percent. */
  readonly weight: number;
  /** The pause as written (`5m`, `manual`). */
  readonly pause: string;
  /** Seconds of the pause, or undefined when it waits for a human. */
  readonly pauseSeconds: number | undefined;
}

/** The three ways a service's pods are replaced. */
export type RolloutKind = 'rolling' | 'canary' | 'blue-green';

const PATH = 'rollout';
const MANUAL = 'manual';

/**
 * How a service's new version replaces the old one in an environment: a plain Deployment
 * rolling update, or an Argo Rollouts canary (weights and pauses) or blue-green (a preview
 * Service, switched manually or after a delay). Table data: an environment names one, a
 * service may override it per environment.
 */
export class RolloutStrategy {
  /** The Deployment's own rolling update: no Rollout, no analysis. */
  public static rolling(): RolloutStrategy {
    return new RolloutStrategy('rolling', [], undefined, undefined);
  }

  /** An Argo Rollouts canary through `steps`, each a weight held for a pause. */
  public static canary(props: CanaryProps): RolloutStrategy {
    if (props.steps.length === 0) {
      throw new StagecraftError(
        PATH,
        'canary steps must hold at least one step such as { weight: 20, pause: "5m" }, got none',
      );
    }
    let previous = 0;
    const steps = props.steps.map((step, i) => {
      if (!Number.isInteger(step.weight) || step.weight <= previous || step.weight >= 100) {
        throw new StagecraftError(
          PATH,
          `canary steps[${i}].weight must be a whole number above ${previous} (the step before) and below 100, got ${step.weight}`,
        );
      }
      previous = step.weight;
      const pause = step.pause ?? '5m';
      const pauseSeconds =
        pause === MANUAL ? undefined : promDurationSeconds(PATH, `canary steps[${i}].pause (or "manual")`, pause);
      return { weight: step.weight, pause, pauseSeconds };
    });
    return new RolloutStrategy('canary', steps, undefined, undefined);
  }

  /** An Argo Rollouts blue-green: the new version runs behind `<service>-preview` until promoted. */
  public static blueGreen(props: BlueGreenProps = {}): RolloutStrategy {
    const auto = props.autoPromotionSeconds;
    if (auto !== undefined && !(Number.isInteger(auto) && auto >= 1)) {
      throw new StagecraftError(PATH, `blue-green autoPromotionSeconds must be a whole number >= 1, got ${auto}`);
    }
    const delay = props.scaleDownDelaySeconds ?? 300;
    if (!(Number.isInteger(delay) && delay >= 30)) {
      throw new StagecraftError(
        PATH,
        `blue-green scaleDownDelaySeconds must be a whole number >= 30 (Argo Rollouts' minimum for a safe switch), got ${delay}`,
      );
    }
    return new RolloutStrategy('blue-green', [], auto, delay);
  }

  private constructor(
    /** Which of the three it is. */
    public readonly kind: RolloutKind,
    /** Canary steps (empty otherwise). */
    public readonly steps: readonly ResolvedCanaryStep[],
    /** Blue-green automatic promotion delay, if automatic. */
    public readonly autoPromotionSeconds: number | undefined,
    /** Blue-green scale-down delay of the previous version. */
    public readonly scaleDownDelaySeconds: number | undefined,
  ) {}

  /** Whether the service is rendered as an Argo Rollouts `Rollout`. */
  public get progressive(): boolean {
    return this.kind !== 'rolling';
  }

  /** Human form for ENVIRONMENTS.md and command output: `canary 20% 5m, 50% 10m`. */
  public describe(): string {
    if (this.kind === 'canary') return `canary ${this.steps.map((s) => `${s.weight}% ${s.pause}`).join(', ')}`;
    if (this.kind === 'blue-green') {
      return `blue-green, ${this.autoPromotionSeconds === undefined ? 'manual promotion' : `promoted after ${this.autoPromotionSeconds}s`}`;
    }
    return 'rolling update';
  }
}
