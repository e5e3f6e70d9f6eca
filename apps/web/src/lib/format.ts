const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
const DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** Dates render the same on server and client (fixed locale and UTC), so hydration never disagrees. */
export function formatDateTime(value: Date | string): string {
  return `${DATE_TIME.format(new Date(value))} UTC`;
}

export function formatDate(value: Date | string): string {
  return DATE.format(new Date(value));
}

const ROLE_LABELS: Record<string, string> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Editor",
  viewer: "Viewer",
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

/** "in 3 days", "in 5 hours" for expiries shown next to an invitation. */
export function formatExpiry(value: Date | string, now: Date = new Date()): string {
  const ms = new Date(value).getTime() - now.getTime();
  if (ms <= 0) return "expired";
  const hours = Math.round(ms / 3_600_000);
  if (hours < 1) return "in less than an hour";
  if (hours < 48) return `in ${hours} hour${hours === 1 ? "" : "s"}`;
  return `in ${Math.round(hours / 24)} days`;
}

/** Whole words of a column name: "Year_Birth" -> year, birth; "yrBuilt" -> yr, built. */
function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

const YEAR_WORDS = new Set(["year", "years", "yr", "yob", "birth", "born", "founded", "built"]);

/**
 * Whether a numeric column holds calendar years, which print without a thousands separator
 * ("1893", not "1,893"): whole numbers, and either a name that says so (year, yr, birth…) or
 * every value between 1800 and 2100.
 */
export function isYearColumn(column: {
  name: string;
  integer?: boolean | undefined;
  min: number | string | null;
  max: number | string | null;
}): boolean {
  if (!column.integer || typeof column.min !== "number" || typeof column.max !== "number") return false;
  // Years have at most four digits; a "birth weight" in grams does not.
  if (column.min < 0 || column.max > 9999) return false;
  if (nameTokens(column.name).some((t) => YEAR_WORDS.has(t))) return true;
  return column.min >= 1800 && column.max <= 2100;
}

/**
 * A figure of a feature that may hold years (a segment's mean birth year): 1963.8, not "1,963.8".
 * Known only by its name and value here, so the name must say year (or birth, yr…).
 */
export function isYearFeature(name: string, value: number | null | undefined): boolean {
  if (typeof value !== "number" || value < 1000 || value > 9999) return false;
  return nameTokens(name).some((t) => YEAR_WORDS.has(t));
}

/**
 * A profile figure: large numbers grouped (12,540), small ones to four significant digits, years
 * as written (1893), dates as the day, long text cut short.
 */
export function formatStatistic(
  value: number | string | null | undefined,
  options: { type?: string; isYear?: boolean } = {},
): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") {
    if (options.isYear) return Number.isInteger(value) ? String(value) : value.toFixed(1);
    return Math.abs(value) >= 1000
      ? Math.round(value).toLocaleString("en-GB")
      : String(Number(value.toPrecision(4)));
  }
  if (options.type === "date") return value.slice(0, 10);
  return value.length > 24 ? `${value.slice(0, 24)}…` : value;
}
