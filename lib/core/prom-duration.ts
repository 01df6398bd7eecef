import { StagecraftError } from './errors';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/**
 * Seconds in a Prometheus duration of one unit (`30s`, `5m`, `1h`, `3d`, `1w`). Compound forms
 * (`1h30m`) are refused so that every window keeps one spelling in rule names.
 */
export function promDurationSeconds(path: string, what: string, value: string): number {
  const match = DURATION.exec(value);
  if (!match) {
    throw new StagecraftError(
      path,
      `${what} must be a Prometheus duration of one unit (s, m, h, d or w) such as 30s, 5m, 1h or 3d, got ${JSON.stringify(value)}`,
    );
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}
