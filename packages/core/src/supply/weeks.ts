import { DAY_MS } from "../ingest/dates.js";

/**
 * ISO weeks run Monday to Sunday. 1970-01-01 (epoch day 0) was a Thursday, so Monday 1969-12-29 is
 * day −3 and `floor((day + 3) / 7)` numbers the weeks consecutively (UTC), with no year arithmetic.
 */
export function isoWeekIndex(epochMs: number): number {
  return Math.floor((Math.floor(epochMs / DAY_MS) + 3) / 7);
}

/** Day of the ISO week, 0 = Monday … 6 = Sunday (UTC). */
export function isoWeekday(epochMs: number): number {
  const day = Math.floor(epochMs / DAY_MS);
  return (((day + 3) % 7) + 7) % 7;
}
