import { looksLikeDate } from "../ingest/dates.js";
import { detectIdentifier, identifierNameHint } from "./identifier.js";
import { isMissingText, parseNumber } from "./table.js";

export type ColumnType = "numeric" | "categorical" | "date" | "id" | "text";

/** Share of non-missing values that must parse for a column to count as numeric or date. */
const PARSE_SHARE = 0.95;

/**
 * Guesses what a column holds from its cells (and, when given, its header).
 * - id: values that identify rows rather than describe them, judged by whole name tokens and
 *   value patterns together (see detectIdentifier): "CustomerID" or "customer_id" with a
 *   different value on every row, UUIDs, zero-padded or consecutive integers, distinct short
 *   strings; "malic_acid" or "amount_paid" full of numbers stay numeric.
 * - numeric: (almost) every value is a number.
 * - date: (almost) every value is a date written with separators.
 * - categorical: few distinct values compared to the rows.
 * - text: everything else (free text, descriptions).
 * Missing cells (empty, NA, null, ...) are ignored; an all-missing column is `categorical`.
 */
export function inferColumnType(values: ReadonlyArray<string>, name = ""): ColumnType {
  let present = 0;
  let numbers = 0;
  let dates = 0;
  let withSpaces = 0;
  let totalLength = 0;
  const distinct = new Set<string>();
  for (const raw of values) {
    if (isMissingText(raw)) continue;
    const value = raw.trim();
    present++;
    distinct.add(value);
    totalLength += value.length;
    if (value.includes(" ")) withSpaces++;
    if (!Number.isNaN(parseNumber(value))) numbers++;
    else if (looksLikeDate(value)) dates++;
  }
  if (present === 0) return "categorical";
  const isIdentifier = detectIdentifier(values, name) !== null;
  if (numbers >= PARSE_SHARE * present) return isIdentifier ? "id" : "numeric";
  if (dates >= PARSE_SHARE * present) return "date";
  if (isIdentifier) return "id";
  const averageLength = totalLength / present;
  const cardinality = distinct.size / present;
  if (distinct.size <= 50 || cardinality <= 0.05) return "categorical";
  // Many distinct codes under an identifier's name: ids repeated over several rows each.
  if (identifierNameHint(name) === "strong" && withSpaces === 0) return "id";
  return averageLength > 20 || withSpaces > present / 2 ? "text" : "categorical";
}
