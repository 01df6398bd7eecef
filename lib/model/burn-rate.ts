import { promDurationSeconds } from '../core/prom-duration';

/** How soon a burning error budget needs a human: the two kinds of SLO alert. */
export enum AlertUrgency {
  /** Wake someone: at this rate the budget is gone within days. */
  PAGE = 'page',
  /** Look at it during working hours: the budget is burning faster than it refills. */
  TICKET = 'ticket',
}

/**
 * One multi-window burn-rate alert: it fires when the error ratio over both the long and the
 * short window exceeds `factor` times the error budget. The long window proves the burn is
 * significant; the short one that it is still going on, so the alert resets soon after a fix.
 */
export interface BurnRateWindow {
  /** Page or ticket. */
  readonly urgency: AlertUrgency;
  /** The window that measures the burn, e.g. `1h`. */
  readonly longWindow: string;
  /** The window that proves it is still burning, e.g. `5m` (1/12 of the long one). */
  readonly shortWindow: string;
  /** Share of the whole period's budget, in percent, this burn consumes over the long window. */
  readonly budgetConsumedPercent: number;
}

/** A `BurnRateWindow` with its burn-rate factor for one objective period. */
export interface BurnRateAlert extends BurnRateWindow {
  /** Multiple of the error budget the error ratio must exceed (14.4 for 2 % of 30 days in 1 h). */
  readonly factor: number;
}

/**
 * The SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs"), as
 * Sloth and Pyrra generate them: page on 2 % of the budget in 1 h (14.4× over 30 days) or 5 % in
 * 6 h (6×); ticket on 10 % in 1 d (3×) or 10 % in 3 d (1×). Factors follow from the period.
 */
export const MULTI_WINDOW_MULTI_BURN_RATE: readonly BurnRateWindow[] = [
  { urgency: AlertUrgency.PAGE, longWindow: '1h', shortWindow: '5m', budgetConsumedPercent: 2 },
  { urgency: AlertUrgency.PAGE, longWindow: '6h', shortWindow: '30m', budgetConsumedPercent: 5 },
  { urgency: AlertUrgency.TICKET, longWindow: '1d', shortWindow: '2h', budgetConsumedPercent: 10 },
  { urgency: AlertUrgency.TICKET, longWindow: '3d', shortWindow: '6h', budgetConsumedPercent: 10 },
];

/** The burn-rate factor of `window` for an objective over `periodDays`, rounded to 12 digits. */
export function burnRateFactor(path: string, window: BurnRateWindow, periodDays: number): number {
  const longSeconds = promDurationSeconds(path, 'burn-rate longWindow', window.longWindow);
  return round((window.budgetConsumedPercent / 100) * ((periodDays * 86400) / longSeconds));
}

/** Every window the alerts read, shortest first, each once: the recording rules to write. */
export function recordedWindows(path: string, windows: readonly BurnRateWindow[]): string[] {
  const all = new Set(windows.flatMap((w) => [w.longWindow, w.shortWindow]));
  return [...all].sort((a, b) => promDurationSeconds(path, 'window', a) - promDurationSeconds(path, 'window', b));
}

/** Rounds away binary noise (`0.1 * 3 = 0.30000000000000004`) so rendered numbers stay short. */
export function round(value: number): number {
  return Number(value.toPrecision(12));
}
