import { excelSerialToIso } from "./xlsx.js";

/** Day length in milliseconds; dates are read as UTC so results do not depend on the machine. */
export const DAY_MS = 86_400_000;

/**
 * Date formats an import understands. Day/month formats accept one- or two-digit days and
 * months, two- or four-digit years, and an optional time ` H:MM` or ` HH:MM:SS`.
 * - `iso`: 2024-01-31, 2024-01-31T08:26:00(.000)(Z|+01:00), 2024-01-31 08:26(:00)
 * - `ymd-slash`: 2024/01/31
 * - `dmy-dash` 31-01-2024, `mdy-dash` 01-31-2024, `dmy-slash` 31/01/2024,
 *   `mdy-slash` 1/31/2024 8:26, `dmy-dot` 31.01.2024
 * - `excel-serial`: days since 1899-12-30 as a number (45322 or 45322.35)
 */
export type DateFormat =
  | "iso"
  | "ymd-slash"
  | "dmy-dash"
  | "mdy-dash"
  | "dmy-slash"
  | "mdy-slash"
  | "dmy-dot"
  | "excel-serial";

/** All formats in the order preferred when several read every sample. */
export const DATE_FORMATS: readonly DateFormat[] = [
  "iso",
  "ymd-slash",
  "dmy-slash",
  "mdy-slash",
  "dmy-dash",
  "mdy-dash",
  "dmy-dot",
  "excel-serial",
];

/** A human example of each format, for messages and pickers. */
export const DATE_FORMAT_EXAMPLES: Readonly<Record<DateFormat, string>> = {
  iso: "2024-01-31 or 2024-01-31T08:26:00",
  "ymd-slash": "2024/01/31",
  "dmy-dash": "31-01-2024",
  "mdy-dash": "01-31-2024",
  "dmy-slash": "31/01/2024",
  "mdy-slash": "01/31/2024",
  "dmy-dot": "31.01.2024",
  "excel-serial": "45322 (an Excel day number)",
};

/** Each format as a pattern a person reads ("dd-mm-yyyy"), for rejection reasons. */
export const DATE_FORMAT_PATTERNS: Readonly<Record<DateFormat, string>> = {
  iso: "yyyy-mm-dd",
  "ymd-slash": "yyyy/mm/dd",
  "dmy-dash": "dd-mm-yyyy",
  "mdy-dash": "mm-dd-yyyy",
  "dmy-slash": "dd/mm/yyyy",
  "mdy-slash": "mm/dd/yyyy",
  "dmy-dot": "dd.mm.yyyy",
  "excel-serial": "an Excel day number",
};

/**
 * Why a value is not a date in the chosen format, for the rejected-rows report: names the
 * expected pattern and, when another format would read the value, says which one.
 */
export function dateRejectionReason(value: string, format: DateFormat): string {
  if (value.trim() === "") return "missing date";
  const base = `not a valid date in the format ${DATE_FORMAT_PATTERNS[format]} (e.g. ${DATE_FORMAT_EXAMPLES[format]})`;
  const other = matchingDateFormats(value)[0];
  return other === undefined
    ? base
    : `${base}; it reads as ${DATE_FORMAT_PATTERNS[other]}: choose that format`;
}

const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const YMD_SLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MONTH_RE =
  /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const SERIAL_RE = /^\d{1,7}(?:\.\d+)?$/;

// Excel serials accepted as dates: 1950-01-01 .. 2100-01-01, so that ids and amounts that
// happen to be numbers are not taken for dates.
const SERIAL_MIN = 18264;
const SERIAL_MAX = 73051;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

function fullYear(text: string): number {
  const y = Number(text);
  // Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999 (the POSIX pivot).
  return text.length === 2 ? (y < 70 ? 2000 + y : 1900 + y) : y;
}

/**
 * Parses a date in the given format to milliseconds since the epoch. Dates without a zone
 * are read as UTC wall-clock times (an order's local time is kept as written). Returns
 * undefined when the text is not a valid date in that format (including 31/02).
 */
export function parseDateInFormat(text: string, format: DateFormat): number | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  switch (format) {
    case "iso": {
      const fast = fastIso(s);
      if (fast !== undefined) return fast;
      const m = ISO_RE.exec(s);
      if (!m) return undefined;
      const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
      const t = build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
      if (t === undefined || !m[8] || m[8] === "Z") return t;
      const zone = m[8].replace(":", "");
      const offset = (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
      return t - offset * 60_000;
    }
    case "ymd-slash": {
      const m = YMD_SLASH_RE.exec(s);
      if (!m) return undefined;
      return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0);
    }
    case "excel-serial": {
      if (!SERIAL_RE.test(s)) return undefined;
      const serial = Number(s);
      if (serial < SERIAL_MIN || serial > SERIAL_MAX) return undefined;
      return Date.parse(`${excelSerialToIso(serial, true)}Z`);
    }
    default: {
      const m = DAY_MONTH_RE.exec(s);
      if (!m) return undefined;
      const sep = m[2];
      const wantSep = format === "dmy-dot" ? "." : format.endsWith("dash") ? "-" : "/";
      if (sep !== wantSep) return undefined;
      const dayFirst = format.startsWith("dmy");
      const day = Number(dayFirst ? m[1] : m[3]);
      const month = Number(dayFirst ? m[3] : m[1]);
      let hour = Number(m[5] ?? 0);
      const ampm = m[8]?.toLowerCase();
      if (ampm) {
        if (hour < 1 || hour > 12) return undefined;
        if (ampm === "pm" && hour < 12) hour += 12;
        if (ampm === "am" && hour === 12) hour = 0;
      }
      return build(fullYear(m[4]!), month, day, hour, Number(m[6] ?? 0), Number(m[7] ?? 0), 0);
    }
  }
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The common shapes `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` and `YYYY-MM-DD HH:MM:SS` (space or T)
 * read without a regular expression: order files repeat them on every line. Returns
 * undefined for anything else (the caller falls back to the full pattern), -0 never.
 */
function fastIso(s: string): number | undefined {
  const n = s.length;
  if ((n !== 10 && n !== 16 && n !== 19) || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45)
    return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (n > 10) {
    const t = s.charCodeAt(10);
    if ((t !== 32 && t !== 84) || s.charCodeAt(13) !== 58) return undefined;
    hour = digits(s, 11, 2);
    minute = digits(s, 14, 2);
    if (n === 19) {
      if (s.charCodeAt(16) !== 58) return undefined;
      second = digits(s, 17, 2);
    }
    if (hour < 0 || minute < 0 || second < 0) return undefined;
  }
  return build(year, month, day, hour, minute, second, 0);
}

/** The formats that read a value as a valid date. */
export function matchingDateFormats(text: string): DateFormat[] {
  return DATE_FORMATS.filter((f) => parseDateInFormat(text, f) !== undefined);
}

/**
 * True when some format reads the text as a valid date written with separators. Excel day
 * numbers are left out: a bare number is a number until a column is mapped as a date.
 */
export function looksLikeDate(text: string): boolean {
  for (const format of DATE_FORMATS)
    if (format !== "excel-serial" && parseDateInFormat(text, format) !== undefined) return true;
  return false;
}

export type DateSample = string | { line: number; value: string };

export interface DateFormatDetection {
  /**
   * - `ok`: one format (or one preferred among equivalent ones) reads every sample
   * - `ambiguous`: several formats read every sample with different meanings (01/02/2024):
   *   `format` is a suggestion, the user should confirm one of `candidates`
   * - `mixed`: no single format reads every sample; `problems` names the lines
   * - `none`: no sample (all empty)
   */
  status: "ok" | "ambiguous" | "mixed" | "none";
  format: DateFormat | undefined;
  candidates: DateFormat[];
  /** Samples the chosen (majority) format cannot read, with their line numbers. */
  problems: Array<{ line: number; value: string }>;
  /** One sentence for the user. */
  message: string;
}

/**
 * Finds the date format of a column from sample values (strings, whose line is then their
 * 1-based position, or `{line, value}`). Empty values are ignored. When no one format reads
 * every sample, the format reading most of them is proposed and the others are listed.
 */
export function detectDateFormat(samples: readonly DateSample[]): DateFormatDetection {
  const values = samples
    .map((s, i) => (typeof s === "string" ? { line: i + 1, value: s } : s))
    .filter((s) => s.value.trim() !== "");
  if (values.length === 0) {
    return {
      status: "none",
      format: undefined,
      candidates: [],
      problems: [],
      message: "no dates to look at",
    };
  }
  const counts = new Map<DateFormat, number>();
  const matches = values.map((v) => {
    const m = matchingDateFormats(v.value);
    for (const f of m) counts.set(f, (counts.get(f) ?? 0) + 1);
    return m;
  });
  const complete = DATE_FORMATS.filter((f) => counts.get(f) === values.length);
  if (complete.length === 1 || (complete.length > 1 && !isAmbiguous(complete, values))) {
    const format = complete[0]!;
    return {
      status: "ok",
      format,
      candidates: complete,
      problems: [],
      message: `dates look like ${DATE_FORMAT_EXAMPLES[format]}`,
    };
  }
  if (complete.length > 1) {
    const format = complete[0]!;
    return {
      status: "ambiguous",
      format,
      candidates: complete,
      problems: [],
      message: `the dates can be read in more than one way (${complete.map((f) => DATE_FORMAT_EXAMPLES[f]).join(" or ")}); choose the format`,
    };
  }
  // No format reads everything: propose the one reading most, and name the other lines.
  let best: DateFormat | undefined;
  let bestCount = 0;
  for (const f of DATE_FORMATS) {
    const c = counts.get(f) ?? 0;
    if (c > bestCount) {
      best = f;
      bestCount = c;
    }
  }
  const problems = values.filter((_, i) => best === undefined || !matches[i]!.includes(best));
  const shown = problems
    .slice(0, 5)
    .map((p) => `line ${p.line} (${JSON.stringify(p.value)})`)
    .join(", ");
  const more = problems.length > 5 ? ` and ${problems.length - 5} more` : "";
  const message =
    best === undefined
      ? `no known date format reads these values, e.g. ${shown}${more}`
      : `dates are in mixed formats: most look like ${DATE_FORMAT_EXAMPLES[best]}, but not ${shown}${more}`;
  return { status: "mixed", format: best, candidates: best ? [best] : [], problems, message };
}

/** Formats are ambiguous when they give different dates for some sample (01/02 vs 02/01). */
function isAmbiguous(formats: DateFormat[], values: Array<{ value: string }>): boolean {
  for (const v of values) {
    const first = parseDateInFormat(v.value, formats[0]!);
    for (let k = 1; k < formats.length; k++)
      if (parseDateInFormat(v.value, formats[k]!) !== first) return true;
  }
  return false;
}
