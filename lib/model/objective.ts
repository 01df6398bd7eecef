import { StagecraftError } from '../core/errors';
import {
  BurnRateAlert,
  burnRateFactor,
  BurnRateWindow,
  MULTI_WINDOW_MULTI_BURN_RATE,
  recordedWindows,
  round,
} from './burn-rate';
import { Sli } from './sli';

/** Props of an `Objective`. */
export interface ObjectiveProps {
  /** Share of good events the objective promises, in percent, above 0 and below 100 (e.g. 99.9). */
  readonly targetPercent: number;
  /**
   * Name of the objective, a label value of its rules and alerts (`availability`, `latency`).
   * @default 'availability'
   */
  readonly name?: string;
  /**
   * Length of the rolling period the error budget is counted over, in days.
   * @default 30
   */
  readonly periodDays?: number;
  /**
   * What is measured.
   * @default - from the service's protocol: `Sli.http()` or `Sli.grpc()`
   */
  readonly sli?: Sli;
  /**
   * The burn-rate alerts.
   * @default MULTI_WINDOW_MULTI_BURN_RATE (14.4× / 6× page, 3× / 1× ticket)
   */
  readonly burnRateWindows?: readonly BurnRateWindow[];
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A service level objective: a target share of good events over a rolling period, hence an
 * error budget (`1 - target`), and the burn-rate alerts that guard it. Without an SLI of its own
 * it is a template that `forService()` completes from the service's protocol.
 */
export class Objective {
  /** The usual objective: `targetPercent` of requests succeed over 30 days. */
  public static availability(targetPercent: number, options: Omit<ObjectiveProps, 'targetPercent'> = {}): Objective {
    return new Objective({ ...options, targetPercent });
  }

  /** Name, a label value (`availability`). */
  public readonly name: string;
  /** Target in percent (`99.9`). */
  public readonly targetPercent: number;
  /** Period in days (`30`). */
  public readonly periodDays: number;
  /** The SLI, when given; otherwise the service's protocol decides (`forService`). */
  public readonly sli: Sli | undefined;
  /** The burn-rate alert windows. */
  public readonly burnRateWindows: readonly BurnRateWindow[];

  constructor(props: ObjectiveProps) {
    const path = `objective/${props.name ?? 'availability'}`;
    if (!(props.targetPercent > 0 && props.targetPercent < 100)) {
      throw new StagecraftError(path, `targetPercent must be above 0 and below 100, got ${props.targetPercent}`);
    }
    const name = props.name ?? 'availability';
    if (!NAME.test(name) || name.length > 63) {
      throw new StagecraftError(
        path,
        `name must be a DNS-1123 label such as availability, got ${JSON.stringify(name)}`,
      );
    }
    const periodDays = props.periodDays ?? 30;
    if (!Number.isInteger(periodDays) || periodDays < 1) {
      throw new StagecraftError(path, `periodDays must be a whole number >= 1, got ${periodDays}`);
    }
    const windows = props.burnRateWindows ?? MULTI_WINDOW_MULTI_BURN_RATE;
    if (windows.length === 0) {
      throw new StagecraftError(path, 'burnRateWindows must hold at least one window, got none');
    }
    for (const w of windows) {
      if (!(w.budgetConsumedPercent > 0 && w.budgetConsumedPercent <= 100)) {
        throw new StagecraftError(
          path,
          `burn-rate budgetConsumedPercent must be above 0 and at most 100, got ${w.budgetConsumedPercent}`,
        );
      }
      burnRateFactor(path, w, periodDays);
      recordedWindows(path, [w]);
    }
    this.name = name;
    this.targetPercent = props.targetPercent;
    this.periodDays = periodDays;
    this.sli = props.sli;
    this.burnRateWindows = windows;
  }

  /** The error budget as a ratio of events (`0.001` for 99.9 %). */
  public get errorBudget(): number {
    return round((100 - this.targetPercent) / 100);
  }

  /** The error budget as time of total outage per period, in minutes (43.2 for 99.9 % of 30 d). */
  public get errorBudgetMinutes(): number {
    return round(this.errorBudget * this.periodDays * 24 * 60);
  }

  /** Each burn-rate window with its factor for this period. */
  public get burnRateAlerts(): readonly BurnRateAlert[] {
    return this.burnRateWindows.map((w) => ({ ...w, factor: burnRateFactor(this.path, w, this.periodDays) }));
  }

  /** The windows the alerts read, shortest first (5m, 30m, 1h, 2h, 6h, 1d, 3d by default). */
  public get windows(): readonly string[] {
    return recordedWindows(this.path, this.burnRateWindows);
  }

  /** The error ratio above which the alert of `alert` fires: `factor × errorBudget`. */
  public threshold(alert: BurnRateAlert): number {
    return round(alert.factor * this.errorBudget);
  }

  /** This objective with its SLI filled from `protocol` when it has none. */
  public forService(protocol: 'http' | 'grpc'): Objective & { readonly sli: Sli } {
    return this.measuredBy(Sli.forProtocol(protocol));
  }

  /** This objective measured by its own SLI, or by `sli` when it names none. */
  public measuredBy(sli: Sli): Objective & { readonly sli: Sli } {
    return new Objective({ ...this.props(), sli: this.sli ?? sli }) as Objective & { readonly sli: Sli };
  }

  /** Human form for documentation: `99.9% over 30d (error budget 43.2 min)`. */
  public describe(): string {
    return `${this.targetPercent}% over ${this.periodDays}d (error budget ${this.errorBudgetMinutes} min)`;
  }

  private get path(): string {
    return `objective/${this.name}`;
  }

  private props(): ObjectiveProps {
    return {
      name: this.name,
      targetPercent: this.targetPercent,
      periodDays: this.periodDays,
      sli: this.sli,
      burnRateWindows: this.burnRateWindows,
    };
  }
}
