/** Day length in milliseconds; dates are handled in UTC so results do not depend on the machine. */
export const DAY_MS = 86_400_000;

/** Order of day, month and year in a date written with separators. */
export type DateOrder = "ymd" | "dmy" | "mdy";

const YMD =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const XXY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, zone?: string): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return Number.NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject 31 February and friends: Date.UTC rolls them over into the next month.
  if (new Date(t).getUTCDate() !== d) return Number.NaN;
  if (!zone || zone === "Z") return t;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  return t - sign * offset;
}

/**
 * Parses a date or date-time cell to epoch milliseconds (UTC), NaN when it is not a date.
 * ISO order (2011-12-09 12:50) is always understood; day-first or month-first numeric dates
 * (09/12/2011) need `order`, which `detectDateOrder` works out for a whole column.
 */
export function parseDate(value: string, order: DateOrder = "dmy"): number {
  const text = value.trim();
  let m = YMD.exec(text);
  if (m) {
    return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
  }
  m = XXY.exec(text);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const [day, month] = order === "mdy" ? [b, a] : [a, b];
    return build(+m[3]!, month, day, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  }
  return Number.NaN;
}

/**
 * Decides whether a column of numeric dates is day-first or month-first: a first part above
 * 12 proves day-first, a second part above 12 proves month-first; otherwise day-first.
 */
export function detectDateOrder(values: ReadonlyArray<string>): DateOrder {
  let dayFirst = false;
  let monthFirst = false;
  for (const value of values) {
    const m = XXY.exec(value.trim());
    if (!m) {
      if (YMD.test(value.trim())) return "ymd";
      continue;
    }
    if (+m[1]! > 12) dayFirst = true;
    if (+m[2]! > 12) monthFirst = true;
    if (dayFirst !== monthFirst) break;
  }
  return monthFirst && !dayFirst ? "mdy" : "dmy";
}

/** True when the text looks like a date written with separators (not a bare number). */
export function looksLikeDate(value: string): boolean {
  const text = value.trim();
  return YMD.test(text) || XXY.test(text);
}
