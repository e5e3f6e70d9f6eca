import { looksLikeDate } from "./dates.js";
import { isMissingText, parseNumber } from "./table.js";

export type ColumnType = "numeric" | "categorical" | "date" | "id" | "text";

/** Share of non-missing values that must parse for a column to count as numeric or date. */
const PARSE_SHARE = 0.95;
const ID_NAME = /(^id$|[_\s-]?id$|^id[_\s-]|code$|number$|^key$|uuid|guid)/i;

/**
 * Guesses what a column holds from its cells (and, when given, its header).
 * - numeric: (almost) every value is a number; integers that are all distinct and either
 *   written with leading zeros or named like an identifier are `id` instead.
 * - date: (almost) every value is a date written with separators.
 * - id: distinct short strings without spaces, one per row.
 * - categorical: few distinct values compared to the rows.
 * - text: everything else (free text, descriptions).
 * Missing cells (empty, NA, null, ...) are ignored; an all-missing column is `categorical`.
 */
export function inferColumnType(values: ReadonlyArray<string>, name = ""): ColumnType {
  let present = 0;
  let numbers = 0;
  let integers = 0;
  let leadingZeros = 0;
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
    const number = parseNumber(value);
    if (!Number.isNaN(number)) {
      numbers++;
      if (Number.isInteger(number) && !value.includes(".")) integers++;
      if (value.length > 1 && value[0] === "0" && value[1] !== ".") leadingZeros++;
    } else if (looksLikeDate(value)) {
      dates++;
    }
  }
  if (present === 0) return "categorical";
  const unique = distinct.size === present;
  const idByName = ID_NAME.test(name.trim());
  if (numbers >= PARSE_SHARE * present) {
    if (integers === numbers && unique && present >= 2 && (leadingZeros > 0 || idByName)) return "id";
    return "numeric";
  }
  if (dates >= PARSE_SHARE * present) return "date";
  const averageLength = totalLength / present;
  if (unique && present >= 10 && (withSpaces === 0 || idByName)) return "id";
  const cardinality = distinct.size / present;
  if (distinct.size <= 50 || cardinality <= 0.05) return "categorical";
  if (idByName && withSpaces === 0) return "id";
  return averageLength > 20 || withSpaces > present / 2 ? "text" : "categorical";
}
