import { checkMinimum } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { shape } from '../core/props-shape';

/** When Argo CD may sync an environment automatically (outside it, only manual syncs run). */
export interface SyncWindowProps {
  /** First hour (0-23) automated syncs are allowed. */
  readonly startHour: number;
  /** Hour (1-24) automated syncs stop. */
  readonly endHour: number;
  /**
   * Days of the week, cron style.
   * @default '1-5' (Monday to Friday)
   */
  readonly days?: string;
  /**
   * IANA time zone of the hours.
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** Checks a sync window under `path`. */
export function checkSyncWindow(path: string, window: SyncWindowProps): void {
  checkMinimum(path, 'syncWindow startHour', window.startHour, 0);
  checkMinimum(path, 'syncWindow endHour', window.endHour, 1);
  if (window.startHour >= window.endHour || window.endHour > 24) {
    throw new StagecraftError(
      path,
      `syncWindow must satisfy 0 <= startHour < endHour <= 24, got ${window.startHour}-${window.endHour}`,
    );
  }
}

/** The keys of `SyncWindowProps`, checked at run time. */
export const SYNC_WINDOW_SHAPE = shape<SyncWindowProps>('SyncWindowProps', {
  startHour: 'number',
  endHour: 'number',
  days: 'string',
  timeZone: 'string',
});
