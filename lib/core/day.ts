/** The UTC calendar day of `date` as `YYYY-MM-DD`, the form release tags and the blocklist carry. */
export function isoDay(date: Date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `value` is a day written `YYYY-MM-DD`. */
export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}
