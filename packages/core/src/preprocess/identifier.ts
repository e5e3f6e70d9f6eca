import { looksLikeDate } from "../ingest/dates.js";
import { isMissingText, parseNumber } from "./table.js";

/**
 * Name tokens that say a column identifies rows. They must be whole tokens: "malic_acid",
 * "amount_paid", "fluid" and "Kidhome" contain the letters "id" but are measurements.
 */
const STRONG_TOKENS = new Set(["id", "uuid", "guid", "uid", "identifier"]);
/**
 * Last tokens that name codes ("zip_code", "InvoiceNo", "order_number", "customer_key"): an
 * identifier only when the values look like one too, since a "code" can also be a category.
 */
const WEAK_TOKENS = new Set(["key", "code", "number", "no", "nr"]);
/** Single-word headers written without a separator ("customerid", "userid"). */
const GLUED_ID =
  /^(customer|client|cust|user|account|member|order|invoice|transaction|product|item|row|record|person|employee|patient|session|store|visitor)id$/;

const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
/** A code: letters and digits (and dashes), at least one digit, e.g. C1001, 85123A, AB-0042. */
const CODE = /^[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*$/;
/** Share of values that makes a column numeric or dates (as in inferColumnType). */
const PARSE_SHARE = 0.95;
/** Rows needed before values alone (no hint in the name) can make a column an identifier. */
const MIN_ROWS_BY_VALUES = 10;
/** Rows needed before a run of consecutive integers is taken for row numbers. */
const MIN_ROWS_FOR_SEQUENCE = 20;

/**
 * Splits a header into lower-case word tokens: on "_", "-", ".", spaces and other punctuation,
 * and at camelCase / PascalCase boundaries, keeping acronyms whole:
 * "CustomerID" -> customer, id; "client-id" -> client, id; "IDNumber" -> id, number;
 * "Kidhome" -> kidhome; "malic_acid" -> malic, acid.
 */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((t) => t !== "")
    .map((t) => t.toLowerCase());
}

/**
 * What a header says about a column being an identifier: "strong" when a whole token is id,
 * uuid, guid, ... (or the header is a glued "customerid"); "weak" when its last token is key,
 * code, number or no; null otherwise.
 */
export function identifierNameHint(name: string): "strong" | "weak" | null {
  const tokens = nameTokens(name);
  if (tokens.some((t) => STRONG_TOKENS.has(t))) return "strong";
  if (tokens.length === 1 && GLUED_ID.test(tokens[0]!)) return "strong";
  const last = tokens[tokens.length - 1];
  if (last !== undefined && WEAK_TOKENS.has(last)) return "weak";
  return null;
}

const NAMELESS_FIRST_TOKENS = new Set(["unnamed", "index", "idx", "row", "rownum", "rownumber", "level"]);

/** A header that describes nothing: empty, "#", "Unnamed: 0" (pandas), "index", "row". */
function isNameless(name: string): boolean {
  const tokens = nameTokens(name);
  return tokens.length === 0 || NAMELESS_FIRST_TOKENS.has(tokens[0]!);
}

export interface IdentifierVerdict {
  /** Why the column identifies rows rather than describing them, for reports. */
  readonly reason: string;
}

/**
 * Decides whether a column identifies rows (and so must not be clustered), from whole name
 * tokens and from value patterns together:
 * - named like an identifier (a whole "id"/"uuid"/... token) and a different value on every
 *   row, or integer codes even if repeated ("CustomerID" on invoice lines);
 * - named like a code ("...code", "...no", "...number", "...key") and holding codes: a
 *   different value on every row, or letters mixed into digits ("85123A");
 * - whatever the name: UUIDs; distinct integers written with leading zeros; distinct strings
 *   without spaces (C1001, C1002, ... or e-mail addresses);
 * - under a header that names nothing ("", "Unnamed: 0", "index"): a run of consecutive
 *   integers, one per row (row numbers).
 * Missing cells are ignored. Returns null for a feature: "amount_paid", "malic_acid" or
 * "Kidhome" full of amounts are features whatever letters their names contain.
 */
export function detectIdentifier(
  values: ReadonlyArray<string> | Float64Array,
  name = "",
): IdentifierVerdict | null {
  const texts: ReadonlyArray<string> =
    values instanceof Float64Array ? Array.from(values, (v) => (Number.isNaN(v) ? "" : String(v))) : values;
  let present = 0;
  let numbers = 0;
  let integers = 0;
  let leadingZeros = 0;
  let withSpaces = 0;
  let uuids = 0;
  let codes = 0;
  let lettered = 0;
  let dates = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const distinct = new Set<string>();
  for (const raw of texts) {
    if (isMissingText(raw)) continue;
    const value = raw.trim();
    present++;
    distinct.add(value);
    if (/\s/.test(value)) withSpaces++;
    if (UUID.test(value)) uuids++;
    if (CODE.test(value)) {
      codes++;
      if (/[A-Za-z]/.test(value)) lettered++;
    }
    const number = parseNumber(value);
    if (!Number.isNaN(number)) {
      numbers++;
      // 17850.0 is an integer code as exported by spreadsheets and pandas.
      if (Number.isInteger(number)) {
        integers++;
        if (number < min) min = number;
        if (number > max) max = number;
      }
      if (value.length > 1 && value[0] === "0" && value[1] !== ".") leadingZeros++;
    } else if (looksLikeDate(value)) {
      dates++;
    }
  }
  if (present === 0) return null;
  const unique = distinct.size === present;
  const hint = identifierNameHint(name);
  const allNumbers = numbers === present;
  const allIntegers = allNumbers && integers === present;
  const everyRow = "a different value on every row";

  if (uuids === present) return { reason: "UUIDs" };
  if (hint === "strong") {
    if (unique && present >= 2 && withSpaces === 0) return { reason: `named like one, ${everyRow}` };
    if (allIntegers) return { reason: "named like one, whole-number codes" };
  }
  if (hint === "weak" && withSpaces === 0) {
    if (unique && present >= 2 && codes === present) return { reason: `named like a code, ${everyRow}` };
    if (codes === present && lettered > 0 && lettered < present)
      return { reason: "named like a code, codes of letters and digits" };
  }
  if (allIntegers && unique && present >= 2 && leadingZeros > 0)
    return { reason: `${everyRow}, written with leading zeros` };
  // A run 1..n is also what a count of 100 customers can look like ("v" = 0..100), so only a
  // header that names nothing (pandas' "Unnamed: 0", "index", "#") makes it row numbers.
  if (
    isNameless(name) &&
    allIntegers &&
    unique &&
    present >= MIN_ROWS_FOR_SEQUENCE &&
    max - min + 1 === present
  )
    return { reason: "consecutive whole numbers, one per row (row numbers)" };
  // Text columns only: numbers with a few stray cells and dates stay what they are.
  const isText = numbers < PARSE_SHARE * present && dates < PARSE_SHARE * present;
  if (isText && unique && present >= MIN_ROWS_BY_VALUES && withSpaces === 0) return { reason: everyRow };
  return null;
}
