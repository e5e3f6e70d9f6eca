import { CoreInputError } from "../errors.js";
import type { CsvRecord } from "./csv.js";
import { type DateFormat, dateRejectionReason, parseDateInFormat } from "./dates.js";
import {
  type DatasetKind,
  type FieldMapping,
  fieldsOfKind,
  type MappedField,
  requiredFieldsOfKind,
} from "./mapping.js";

/** One problem with one value of one row; the rejected-rows report has one line per rejection. */
export interface Rejection {
  /** The physical line (CSV) or row number (XLSX) of the record. */
  line: number;
  /** The header name of the column ("" for problems with the whole row). */
  column: string;
  value: string;
  reason: string;
}

/** A valid order line. Text fields that were not mapped or were empty are null. */
export interface OrderRow {
  line: number;
  customerId: string;
  /** Milliseconds since the epoch; times without a zone are kept as written (read as UTC). */
  orderedAt: number;
  /** Negative for returned goods (see `isReturn`). */
  quantity: number;
  unitPrice: number;
  isReturn: boolean;
  invoiceId: string | null;
  product: string | null;
  category: string | null;
  channel: string | null;
  country: string | null;
  region: string | null;
  weight: number | null;
  /** Cost of goods per unit (on a return, what the return takes off cost of goods). */
  unitCost: number | null;
  /** Money off the line. */
  discount: number | null;
  /** The drop the line went in; null: one drop per order. */
  deliveryId: string | null;
  /** Distance of the line's delivery. */
  distance: number | null;
}

/** A valid activity event: a count of one activity for one customer, on a day or undated. */
export interface ActivityRow {
  line: number;
  customerId: string;
  activity: string;
  /** Greater than zero. */
  quantity: number;
  /** Milliseconds since the epoch of the day (UTC midnight), or null when undated. */
  occurredOn: number | null;
}

/** A valid customer: the external id plus every attribute column, "" read as null. */
export interface CustomerRow {
  line: number;
  externalId: string;
  attributes: Record<string, string | null>;
}

export interface RowValidatorOptions {
  /** How orderedAt is written (required for order files; see detectDateFormat). */
  dateFormat?: DateFormat;
  /** Decimal separator of quantities, prices and weights (default "."). No thousands separators. */
  decimalSeparator?: "." | ",";
  /** Negative quantities are returns (default) or rejected. */
  negativeQuantity?: "return" | "reject";
  /**
   * Ids written as whole floats by spreadsheets and pandas ("17850.0") are read as "17850"
   * (default true), so that an order file and a customer file agree on the same customer.
   */
  normalizeNumericIds?: boolean;
  /**
   * Customer files without an id column: each customer's id is `row-<line>` (the physical line
   * of its record), so the same file imported again updates the same customers. The mapping
   * must then leave externalId unmapped.
   */
  isIdFromLine?: boolean;
  /**
   * Activity files: the customer ids that exist. An event naming any other id is rejected
   * ("unknown customer id"): events never create customers. Without it every id is accepted.
   */
  knownCustomerIds?: ReadonlySet<string>;
}

export type ValidationResult<T> = { ok: true; row: T } | { ok: false; rejections: Rejection[] };

/** Stateful (it remembers customer ids to find duplicates): use one per file. */
export interface RowValidator<T> {
  validate(record: CsvRecord): ValidationResult<T>;
  /** Records validated so far, and how many of them were rejected. */
  readonly seen: number;
  readonly rejected: number;
}

const NUMBER_DOT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE_FLOAT_ID = /^\d+\.0+$/;

/** Reads a number strictly (no thousands separators, units or currency signs); undefined if not one. */
export function parseDecimal(text: string, decimalSeparator: "." | "," = "."): number | undefined {
  if (decimalSeparator === "." && isPlainDecimal(text)) return Number(text);
  const s = text.trim();
  if (decimalSeparator === ",") return NUMBER_COMMA.test(s) ? Number(s.replace(",", ".")) : undefined;
  return NUMBER_DOT.test(s) ? Number(s) : undefined;
}

/** Digits with an optional sign and one inner point: the shape nearly every value has. */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= n) return false;
  let digitsSeen = 0;
  let isPointSeen = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digitsSeen++;
    else if (c === 46 && !isPointSeen) isPointSeen = true;
    else return false;
  }
  return digitsSeen > 0;
}

/**
 * Which decimal separator numeric sample values use: "," when some values have a decimal
 * comma and none a decimal point (1,5 / 2,25), else ".". `isMixed` says both were seen.
 */
export function detectDecimalSeparator(samples: readonly string[]): {
  separator: "." | ",";
  isMixed: boolean;
} {
  let points = 0;
  let commas = 0;
  for (const raw of samples) {
    const s = raw.trim();
    if (s.includes(".") && NUMBER_DOT.test(s)) points++;
    else if (s.includes(",") && NUMBER_COMMA.test(s)) commas++;
  }
  return { separator: commas > 0 && points === 0 ? "," : ".", isMixed: commas > 0 && points > 0 };
}

function numberReason(value: string, decimalSeparator: "." | ","): string {
  const s = value.trim();
  if (s === "") return "is empty";
  if (decimalSeparator === "." && NUMBER_COMMA.test(s)) {
    return "is not a number (it has a decimal comma: choose ',' as the decimal separator if the file uses one)";
  }
  if (decimalSeparator === "," && NUMBER_DOT.test(s)) {
    return "is not a number (it has a decimal point, but ',' was chosen as the decimal separator)";
  }
  return "is not a number";
}

/**
 * Turns records into typed rows or into rejections naming the line, column, value and
 * reason. Every problem of a row is reported, not just the first; a row with the wrong number
 * of fields is reported once as a whole (its columns cannot be trusted). Nothing is coerced:
 * a value is either read exactly or rejected.
 */
export function createRowValidator(
  mapping: FieldMapping,
  kind: "orders",
  options?: RowValidatorOptions,
): RowValidator<OrderRow>;
export function createRowValidator(
  mapping: FieldMapping,
  kind: "customers",
  options?: RowValidatorOptions,
): RowValidator<CustomerRow>;
export function createRowValidator(
  mapping: FieldMapping,
  kind: "activities",
  options?: RowValidatorOptions,
): RowValidator<ActivityRow>;
export function createRowValidator(
  mapping: FieldMapping,
  kind: DatasetKind,
  options?: RowValidatorOptions,
): RowValidator<OrderRow> | RowValidator<CustomerRow> | RowValidator<ActivityRow>;
export function createRowValidator(
  mapping: FieldMapping,
  kind: DatasetKind,
  options: RowValidatorOptions = {},
): RowValidator<OrderRow> | RowValidator<CustomerRow> | RowValidator<ActivityRow> {
  checkMapping(mapping, kind, kind === "customers" && options.isIdFromLine === true);
  if (kind === "orders" && options.dateFormat === undefined) {
    throw new CoreInputError("choose the date format of the order dates (detectDateFormat suggests one)", {
      field: "dateFormat",
    });
  }
  if (kind === "activities" && mapping.fields.occurredOn !== undefined && options.dateFormat === undefined) {
    throw new CoreInputError("choose the date format of the event dates (detectDateFormat suggests one)", {
      field: "dateFormat",
    });
  }
  if (kind === "orders") return new OrderValidator(mapping, options);
  if (kind === "activities") return new ActivityValidator(mapping, options);
  return new CustomerValidator(mapping, options);
}

function checkMapping(mapping: FieldMapping, kind: DatasetKind, isIdFromLine: boolean): void {
  const width = mapping.header.length;
  if (isIdFromLine && mapping.fields.externalId !== undefined) {
    throw new CoreInputError("ids come from line numbers, so no column can be mapped to externalId", {
      field: "externalId",
    });
  }
  const required: readonly MappedField[] = isIdFromLine ? [] : requiredFieldsOfKind(kind);
  const missing = required.filter((f) => mapping.fields[f] === undefined);
  if (missing.length > 0) {
    throw new CoreInputError(`map a column to ${missing.join(", ")} (required for ${kind})`, {
      field: missing[0],
    });
  }
  const used = new Map<number, string>();
  const check = (name: string, index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= width) {
      throw new CoreInputError(`${name} is mapped to column ${index}, but the file has ${width} columns`, {
        field: name,
      });
    }
    const other = used.get(index);
    if (other !== undefined) {
      throw new CoreInputError(
        `column ${JSON.stringify(mapping.header[index])} is mapped to both ${other} and ${name}`,
        { field: name },
      );
    }
    used.set(index, name);
  };
  for (const [field, index] of Object.entries(mapping.fields)) {
    if (index === undefined) continue;
    if (!(fieldsOfKind(kind) as readonly string[]).includes(field)) {
      throw new CoreInputError(`${field} is not a field of ${kind}`, { field });
    }
    check(field, index);
  }
  if (kind === "customers") for (const index of mapping.attributes) check("an attribute", index);
}

abstract class BaseValidator<T> implements RowValidator<T> {
  seen = 0;
  rejected = 0;
  protected readonly header: string[];
  protected readonly decimal: "." | ",";
  protected readonly normalizeIds: boolean;

  constructor(mapping: FieldMapping, options: RowValidatorOptions) {
    this.header = mapping.header;
    this.decimal = options.decimalSeparator ?? ".";
    this.normalizeIds = options.normalizeNumericIds ?? true;
  }

  validate(record: CsvRecord): ValidationResult<T> {
    this.seen++;
    const ragged = this.checkWidth(record);
    const rejections: Rejection[] = ragged ? [ragged] : [];
    const row = ragged ? undefined : this.read(record, rejections);
    if (row === undefined || rejections.length > 0) {
      this.rejected++;
      return { ok: false, rejections };
    }
    return { ok: true, row };
  }

  protected abstract read(record: CsvRecord, rejections: Rejection[]): T | undefined;

  /** Fewer fields than the header, or more with something in the extra ones. */
  private checkWidth(record: CsvRecord): Rejection | undefined {
    const n = record.fields.length;
    const width = this.header.length;
    if (n === width) return undefined;
    if (n > width && record.fields.slice(width).every((f) => f.trim() === "")) return undefined;
    const shown = record.fields.join(",");
    return {
      line: record.line,
      column: "",
      value: shown.length > 200 ? `${shown.slice(0, 197)}...` : shown,
      reason: `the row has ${n} fields but the header has ${width}`,
    };
  }

  protected reject(
    rejections: Rejection[],
    line: number,
    index: number,
    value: string,
    reason: string,
  ): void {
    rejections.push({ line, column: this.header[index] ?? `column ${index + 1}`, value, reason });
  }

  protected readId(
    record: CsvRecord,
    index: number,
    rejections: Rejection[],
    what: string,
  ): string | undefined {
    const raw = record.fields[index]!;
    const id = raw.trim();
    if (id === "") {
      this.reject(rejections, record.line, index, raw, `missing ${what}`);
      return undefined;
    }
    return this.normalizeIds && WHOLE_FLOAT_ID.test(id) ? id.slice(0, id.indexOf(".")) : id;
  }

  protected readNumber(
    record: CsvRecord,
    index: number,
    rejections: Rejection[],
    what: string,
  ): number | undefined {
    const raw = record.fields[index]!;
    const value = parseDecimal(raw, this.decimal);
    if (value === undefined || !Number.isFinite(value)) {
      this.reject(rejections, record.line, index, raw, `${what} ${numberReason(raw, this.decimal)}`);
      return undefined;
    }
    return value;
  }

  /** An optional number that may not be negative: null when the column is unmapped or the cell empty. */
  protected readOptionalNonNegative(
    record: CsvRecord,
    index: number | undefined,
    rejections: Rejection[],
    what: string,
  ): number | null {
    if (index === undefined || record.fields[index]!.trim() === "") return null;
    const value = this.readNumber(record, index, rejections, what);
    if (value !== undefined && value < 0) {
      this.reject(rejections, record.line, index, record.fields[index]!, `${what} is negative`);
    }
    return value ?? null;
  }

  protected text(record: CsvRecord, index: number | undefined): string | null {
    if (index === undefined) return null;
    const v = record.fields[index]!.trim();
    return v === "" ? null : v;
  }
}

class OrderValidator extends BaseValidator<OrderRow> {
  private readonly f: Partial<Record<MappedField, number>>;
  private readonly dateFormat: DateFormat;
  private readonly rejectNegative: boolean;
  private lastDateText: string | undefined;
  private lastDate: number | undefined;

  constructor(mapping: FieldMapping, options: RowValidatorOptions) {
    super(mapping, options);
    this.f = mapping.fields;
    this.dateFormat = options.dateFormat!;
    // Returns are kept by default: rejecting them keeps the orders they cancel as sales.
    this.rejectNegative = (options.negativeQuantity ?? "return") === "reject";
  }

  protected read(record: CsvRecord, rejections: Rejection[]): OrderRow | undefined {
    const f = this.f;
    const line = record.line;
    const customerId = this.readId(record, f.customerId!, rejections, "customer id");

    const dateIndex = f.orderedAt!;
    const dateRaw = record.fields[dateIndex]!;
    // Lines of one order share its timestamp: remember the last one read.
    if (dateRaw !== this.lastDateText) {
      this.lastDateText = dateRaw;
      this.lastDate = parseDateInFormat(dateRaw, this.dateFormat);
    }
    const orderedAt = this.lastDate;
    if (orderedAt === undefined) {
      const reason =
        dateRaw.trim() === "" ? "missing order date" : dateRejectionReason(dateRaw, this.dateFormat);
      this.reject(rejections, line, dateIndex, dateRaw, reason);
    }

    const quantity = this.readNumber(record, f.quantity!, rejections, "quantity");
    if (quantity !== undefined) {
      const raw = record.fields[f.quantity!]!;
      if (quantity === 0) this.reject(rejections, line, f.quantity!, raw, "quantity is zero");
      else if (quantity < 0 && this.rejectNegative) {
        this.reject(rejections, line, f.quantity!, raw, "quantity is negative (returns are not accepted)");
      }
    }

    const unitPrice = this.readNumber(record, f.unitPrice!, rejections, "unit price");
    if (unitPrice !== undefined && unitPrice < 0) {
      this.reject(rejections, line, f.unitPrice!, record.fields[f.unitPrice!]!, "unit price is negative");
    }

    const weight = this.readOptionalNonNegative(record, f.weight, rejections, "weight");
    const unitCost = this.readOptionalNonNegative(record, f.unitCost, rejections, "unit cost");
    const discount = this.readOptionalNonNegative(record, f.discount, rejections, "discount");
    const distance = this.readOptionalNonNegative(record, f.distance, rejections, "distance");

    if (
      rejections.length > 0 ||
      customerId === undefined ||
      orderedAt === undefined ||
      quantity === undefined ||
      unitPrice === undefined
    ) {
      return undefined;
    }
    return {
      line,
      customerId,
      orderedAt,
      quantity,
      unitPrice,
      isReturn: quantity < 0,
      invoiceId: this.text(record, f.invoiceId),
      product: this.text(record, f.product),
      category: this.text(record, f.category),
      channel: this.text(record, f.channel),
      country: this.text(record, f.country),
      region: this.text(record, f.region),
      weight,
      unitCost,
      discount,
      deliveryId: this.text(record, f.deliveryId),
      distance,
    };
  }
}

class ActivityValidator extends BaseValidator<ActivityRow> {
  private readonly f: Partial<Record<MappedField, number>>;
  private readonly dateFormat: DateFormat | undefined;
  private readonly known: ReadonlySet<string> | undefined;

  constructor(mapping: FieldMapping, options: RowValidatorOptions) {
    super(mapping, options);
    this.f = mapping.fields;
    this.dateFormat = options.dateFormat;
    this.known = options.knownCustomerIds;
  }

  protected read(record: CsvRecord, rejections: Rejection[]): ActivityRow | undefined {
    const f = this.f;
    const line = record.line;
    let customerId = this.readId(record, f.customerId!, rejections, "customer id");
    if (customerId !== undefined && this.known !== undefined && !this.known.has(customerId)) {
      this.reject(rejections, line, f.customerId!, record.fields[f.customerId!]!, "unknown customer id");
      customerId = undefined;
    }
    const activity = this.text(record, f.activity);
    if (activity === null)
      this.reject(rejections, line, f.activity!, record.fields[f.activity!]!, "missing activity");

    const quantity = this.readNumber(record, f.quantity!, rejections, "quantity");
    if (quantity !== undefined && quantity <= 0) {
      const raw = record.fields[f.quantity!]!;
      this.reject(
        rejections,
        line,
        f.quantity!,
        raw,
        quantity === 0 ? "quantity is zero" : "quantity is negative",
      );
    }

    let occurredOn: number | null = null;
    const dateIndex = f.occurredOn;
    if (dateIndex !== undefined && record.fields[dateIndex]!.trim() !== "") {
      const raw = record.fields[dateIndex]!;
      const t = parseDateInFormat(raw, this.dateFormat!);
      if (t === undefined)
        this.reject(rejections, line, dateIndex, raw, dateRejectionReason(raw, this.dateFormat!));
      else occurredOn = Math.floor(t / 86_400_000) * 86_400_000;
    }

    if (rejections.length > 0 || customerId === undefined || activity === null || quantity === undefined) {
      return undefined;
    }
    return { line, customerId, activity, quantity, occurredOn };
  }
}

class CustomerValidator extends BaseValidator<CustomerRow> {
  /** The id column, or undefined when ids are made from line numbers. */
  private readonly idIndex: number | undefined;
  private readonly attributes: Array<{ index: number; name: string }>;
  private readonly firstLine = new Map<string, number>();

  constructor(mapping: FieldMapping, options: RowValidatorOptions) {
    super(mapping, options);
    this.idIndex = options.isIdFromLine ? undefined : mapping.fields.externalId!;
    this.attributes = uniqueNames(mapping.header, mapping.attributes);
  }

  protected read(record: CsvRecord, rejections: Rejection[]): CustomerRow | undefined {
    if (this.idIndex === undefined) {
      return { line: record.line, externalId: `row-${record.line}`, attributes: this.attributesOf(record) };
    }
    const externalId = this.readId(record, this.idIndex, rejections, "customer id");
    if (externalId === undefined) return undefined;
    const first = this.firstLine.get(externalId);
    if (first !== undefined) {
      this.reject(
        rejections,
        record.line,
        this.idIndex,
        record.fields[this.idIndex]!,
        `duplicate customer id (also on line ${first})`,
      );
      return undefined;
    }
    this.firstLine.set(externalId, record.line);
    return { line: record.line, externalId, attributes: this.attributesOf(record) };
  }

  private attributesOf(record: CsvRecord): Record<string, string | null> {
    const attributes: Record<string, string | null> = {};
    for (const a of this.attributes) {
      const v = record.fields[a.index]!.trim();
      attributes[a.name] = v === "" ? null : v;
    }
    return attributes;
  }
}

/** Attribute names from the header, trimmed, with repeats made unique ("Age", "Age (2)"). */
function uniqueNames(header: string[], indexes: number[]): Array<{ index: number; name: string }> {
  const taken = new Set<string>();
  return indexes.map((index) => {
    const base = header[index]!.trim() || `column ${index + 1}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base} (${k})`;
    taken.add(name);
    return { index, name };
  });
}

/**
 * Header of the rejected-rows report (CONTRACT.md): the first four columns are fixed; the
 * `original_row` after them is the whole record as it was in the file.
 */
export const REJECTIONS_CSV_HEADER = "line,column,value,reason,original_row";

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A record written back as one line of its file, fields joined by the file's delimiter and
 * quoted where they hold the delimiter, a quote or a line break (so it can be pasted back).
 */
export function formatOriginalRow(fields: readonly string[], delimiter = ","): string {
  return fields
    .map((f) => (f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}

/** One report line (without the line break), for writing the report as a stream. */
export function rejectionToCsvLine(r: Rejection, originalRow = ""): string {
  return `${r.line},${csvField(r.column)},${csvField(r.value)},${csvField(r.reason)},${csvField(originalRow)}`;
}

/**
 * The rejected-rows report as CSV text: header `line,column,value,reason,original_row`, one
 * line per rejection; `originalRows` gives each rejected line's record (formatOriginalRow).
 */
export function rejectionsToCsv(
  rejections: readonly Rejection[],
  originalRows: ReadonlyMap<number, string> = new Map(),
): string {
  let out = REJECTIONS_CSV_HEADER + "\n";
  for (const r of rejections) out += rejectionToCsvLine(r, originalRows.get(r.line)) + "\n";
  return out;
}
