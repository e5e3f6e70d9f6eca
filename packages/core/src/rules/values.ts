/**
 * How a rule reads a stored value. Attributes and features are JSON (numbers stay numbers, dates are
 * ISO strings, the rest strings), but a re-import, the ingestion API or a changed column type can
 * leave a number as text or a category as a number. The rules below decide every such case; the
 * api's SQL compiler reads values with the same patterns (exported here), so the database and
 * `evaluateRule` agree on every customer.
 *
 * - **Missing**: no key, JSON null, or the empty string. `is_missing`/`is_present` test only this.
 * - **As a number** (number operators): a JSON number, or a string that is a plain decimal number
 *   (`NUMERIC_TEXT_PATTERN`: optional sign, up to 20 digits, up to 20 decimals, an optional exponent
 *   of at most two digits — "12", "-0.5", "1e3"; not "1,5", " 12", "0x10", "Infinity").
 * - **As a category** (category operators): a JSON string as it is (case and spaces count), or a
 *   JSON number that is a whole number below 10^15 in size, as its decimal digits.
 * - **As a date** (date operators): a string starting with an ISO date (`DATE_TEXT_PATTERN`,
 *   `YYYY-MM-DD`, then the end or `T`/space and a time); its day is the date as written, compared
 *   as text (no time zone conversion).
 * - A present value that cannot be read as the operator's type fails every comparison, negative ones
 *   (`ne`, `not_in`) included, and so does a missing value: "country is not France" does not pick
 *   customers with no country. Ask for them with `is_missing`.
 */

/** A plain decimal number, as text (the same regular expression in JavaScript and PostgreSQL). */
export const NUMERIC_TEXT_PATTERN =
  "^[+-]?([0-9]{1,20}(\\.[0-9]{0,20})?|\\.[0-9]{1,20})([eE][+-]?[0-9]{1,2})?$";
/** Whole numbers whose JSON text is their digits in both JavaScript and PostgreSQL. */
export const INTEGER_TEXT_PATTERN = "^-?[0-9]{1,15}$";
/** An ISO calendar date at the start of a string. */
export const DATE_TEXT_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]|$)";

const NUMERIC_TEXT = new RegExp(NUMERIC_TEXT_PATTERN);
const DATE_TEXT = new RegExp(DATE_TEXT_PATTERN);

export function isMissingValue(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** The value as a number, or undefined when it is missing or not a number (see the rules above). */
export function readRuleNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

/** The value as a category, or undefined. */
export function readRuleCategory(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 1e15) {
    return String(value);
  }
  return undefined;
}

/** The day (`YYYY-MM-DD`) of a date value, or undefined. */
export function readRuleDate(value: unknown): string | undefined {
  if (typeof value === "string" && DATE_TEXT.test(value)) return value.slice(0, 10);
  return undefined;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The days `within_last_days` N accepts at `asOf`: from N days before asOf's (UTC) day to that day,
 * both included. `within_last_days 0` is asOf's day; future dates are not "within the last" days.
 */
export function withinLastDaysBounds(asOf: Date, days: number): { from: string; to: string } {
  const today = Date.parse(`${utcDay(asOf)}T00:00:00Z`);
  return { from: utcDay(new Date(today - days * DAY_MS)), to: utcDay(new Date(today)) };
}

/** Whether a string is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && utcDay(new Date(t)) === text;
}
