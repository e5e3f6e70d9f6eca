// Reading the text of a table cell: what counts as missing and as a number.

const MISSING = new Set(["", "na", "n/a", "nan", "null", "none", "?", "-"]);

/** True for the spellings of "no value" seen in exported spreadsheets and CSVs. */
export function isMissingText(value: string): boolean {
  return MISSING.has(value.trim().toLowerCase());
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number written in a CSV cell; NaN when it is not a plain decimal number.
 * Stricter than Number(): "", "0x10", "1,5" and "Infinity" are not numbers here.
 */
export function parseNumber(value: string): number {
  const text = value.trim();
  return NUMBER.test(text) ? Number(text) : Number.NaN;
}
