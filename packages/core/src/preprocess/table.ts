/**
 * A columnar table as it comes out of a CSV or a database query: text columns keep their
 * strings, numeric columns may already be parsed (NaN marks a missing value).
 */
export interface TableColumn {
  readonly name: string;
  readonly values: ReadonlyArray<string> | Float64Array;
}

export interface Table {
  readonly columns: ReadonlyArray<TableColumn>;
}

/** Number of rows in a table; every column must have the same length. */
export function tableRowCount(table: Table): number {
  return table.columns.length === 0 ? 0 : table.columns[0]!.values.length;
}

/** Builds a table from rows of strings and a header (tests, small inputs). */
export function tableFromRows(
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): Table {
  return {
    columns: header.map((name, j) => ({ name, values: rows.map((row) => row[j] ?? "") })),
  };
}

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
