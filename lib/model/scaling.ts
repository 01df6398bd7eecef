import { checkMinimum } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** Options for `Scaling.autoscale()`. */
export interface AutoscaleOptions {
  /** Fewest pods the HorizontalPodAutoscaler keeps. */
  readonly minReplicas: number;
  /** Most pods the HorizontalPodAutoscaler may run. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization, in percent of the request, that the autoscaler aims for.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
}

/**
 * How many pods a service runs in an environment: a fixed count, or a range owned by a
 * HorizontalPodAutoscaler (then the rendered Deployment carries no `spec.replicas`, so a
 * sync never fights the autoscaler).
 */
export class Scaling {
  /** A fixed replica count, written to the Deployment. */
  public static fixed(replicas: number): Scaling {
    return new Scaling(replicas, undefined);
  }

  /** A HorizontalPodAutoscaler between `minReplicas` and `maxReplicas`. */
  public static autoscale(options: AutoscaleOptions): Scaling {
    checkProps('Scaling.autoscale', options, AUTOSCALE_SHAPE);
    return new Scaling(undefined, {
      minReplicas: options.minReplicas,
      maxReplicas: options.maxReplicas,
      targetCpuUtilizationPercent: options.targetCpuUtilizationPercent ?? 70,
    });
  }

  private constructor(
    /** The fixed replica count, when not autoscaled. */
    public readonly replicas: number | undefined,
    /** The autoscaler bounds, when autoscaled. */
    public readonly autoscale: Required<AutoscaleOptions> | undefined,
  ) {}

  /** The fewest pods this scaling ever runs. */
  public get minReplicas(): number {
    return this.autoscale?.minReplicas ?? this.replicas ?? 1;
  }

  /** The most pods this scaling ever runs. */
  public get maxReplicas(): number {
    return this.autoscale?.maxReplicas ?? this.replicas ?? 1;
  }

  /** Human form for documentation: `2` or `HPA 3-10`. */
  public describe(): string {
    return this.autoscale ? `HPA ${this.autoscale.minReplicas}-${this.autoscale.maxReplicas}` : `${this.replicas}`;
  }

  /** Throws a `StagecraftError` under `path` when the numbers are out of range. */
  public validate(path: string): void {
    if (this.autoscale) {
      const { minReplicas, maxReplicas, targetCpuUtilizationPercent } = this.autoscale;
      checkMinimum(path, 'autoscale minReplicas', minReplicas, 1);
      checkMinimum(path, 'autoscale maxReplicas', maxReplicas, 1);
      if (minReplicas > maxReplicas) {
        throw new StagecraftError(
          path,
          `autoscale minReplicas must be <= maxReplicas, got min ${minReplicas} > max ${maxReplicas}`,
        );
      }
      checkMinimum(path, 'autoscale targetCpuUtilizationPercent', targetCpuUtilizationPercent, 1);
    } else {
      if (this.replicas === 0) {
        throw new StagecraftError(
          path,
          'replicas must be >= 1, got 0; to leave a service out of an environment, list the environments it runs in (MicroserviceProps.environments)',
        );
      }
      checkMinimum(path, 'replicas', this.replicas ?? 0, 1);
    }
  }
}

/** The keys of `AutoscaleOptions`, checked at run time. */
export const AUTOSCALE_SHAPE = shape<AutoscaleOptions>('AutoscaleOptions', {
  minReplicas: 'number',
  maxReplicas: 'number',
  targetCpuUtilizationPercent: 'number',
});
