import { customerFeatures, type OrderLinesReport } from "../features/customer-features.js";
import { OrderLinesBuilder } from "../features/order-lines.js";
import { RFM_SEGMENTS, rfmScores } from "../features/rfm.js";
import type { CsvRecord } from "../ingest/csv.js";
import {
  DATE_FORMAT_PATTERNS,
  type DateFormat,
  detectDateFormat,
  matchingDateFormats,
  parseDateInFormat,
} from "../ingest/dates.js";
import { isMissingText, parseNumber } from "../preprocess/table.js";
import { parseFlags } from "./args.js";
import { CliError, quote } from "./cli-error.js";
import { streamCsv } from "./read-csv.js";
import { writeTextFile } from "./write.js";

/** Columns of an order-lines file and the header names guessed for each (compared without case, spaces, _ or -). */
const ROLES = {
  customer: [
    "customerid",
    "customer",
    "customerno",
    "customernumber",
    "clientid",
    "client",
    "custid",
    "memberid",
    "userid",
  ],
  time: [
    "invoicedate",
    "orderdate",
    "date",
    "timestamp",
    "datetime",
    "time",
    "purchasedate",
    "transactiondate",
    "createdat",
  ],
  quantity: ["quantity", "qty", "units"],
  price: ["unitprice", "price", "priceeach", "unitcost", "itemprice"],
  invoice: [
    "invoiceno",
    "invoice",
    "invoiceid",
    "invoicenumber",
    "orderid",
    "orderno",
    "ordernumber",
    "order",
    "transactionid",
  ],
  product: ["stockcode", "productid", "product", "sku", "itemid", "item", "productcode"],
  category: ["category", "productcategory", "department", "categoryname"],
  channel: ["channel", "saleschannel", "orderchannel"],
  country: ["country", "countryname"],
} as const;
type Role = keyof typeof ROLES;
const REQUIRED: ReadonlyArray<Role> = ["customer", "time", "quantity", "price"];

const FLAGS = {
  input: "string",
  out: "string",
  "as-of": "string",
  "customer-column": "string",
  "time-column": "string",
  "quantity-column": "string",
  "price-column": "string",
  "invoice-column": "string",
  "product-column": "string",
  "category-column": "string",
  "channel-column": "string",
  "country-column": "string",
} as const;

const normalise = (name: string) => name.toLowerCase().replace(/[\s_\-.]/g, "");

export interface RfmOutput {
  input: string;
  out: string | null;
  columns: Partial<Record<Role, string>>;
  customers: number;
  features: string[];
  segments: Record<string, number>;
  report: OrderLinesReport;
  timings: { readMs: number; featuresMs: number; totalMs: number };
}

/** The formats a date given on the command line can be in: any but Excel day numbers. */
function commandLineDateFormats(text: string): DateFormat[] {
  return matchingDateFormats(text).filter((f) => f !== "excel-serial");
}

/**
 * Reads `--as-of`. A date that several formats read differently (01/02/2011) takes the format
 * of the order dates when that is one of them, and is refused otherwise rather than guessed.
 */
function readAsOf(text: string, columnFormat: DateFormat | undefined): number {
  const formats = commandLineDateFormats(text);
  const readings = new Set(formats.map((f) => parseDateInFormat(text, f)!));
  if (readings.size === 1) return [...readings][0]!;
  if (columnFormat !== undefined && formats.includes(columnFormat))
    return parseDateInFormat(text, columnFormat)!;
  throw new CliError(
    `strata rfm: --as-of ${quote(text)} can be read as ${formats.map((f) => DATE_FORMAT_PATTERNS[f]).join(" or ")}; write it like 2011-12-10`,
    2,
  );
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "";
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
}

/**
 * `strata rfm`: per-customer behavioural features and RFM segments from an order-lines CSV.
 * Credit-note lines that cancel a purchase line are matched to it and both left out; the other
 * negative lines are returns (see customerFeatures). `report` counts both, and the customers
 * left without a row by reason.
 */
export async function runRfm(argv: ReadonlyArray<string>): Promise<RfmOutput> {
  const started = performance.now();
  const flags = parseFlags("rfm", argv, FLAGS);
  const file = flags.get("input");
  if (!file) throw new CliError("strata rfm: --input <orders.csv> is required", 2);
  let asOf: number | undefined;
  const asOfText = flags.get("as-of");
  if (asOfText !== undefined && commandLineDateFormats(asOfText).length === 0)
    throw new CliError(`strata rfm: --as-of must be a date like 2011-12-10, got ${quote(asOfText)}`, 2);

  let header: string[] = [];
  const index: Partial<Record<Role, number>> = {};
  let builder: OrderLinesBuilder | undefined;
  let dateFormat: DateFormat | undefined;
  // The date format (day- or month-first, ...) is decided from the first lines, so they wait here.
  const pending: CsvRecord[] = [];
  let decided = false;

  const push = (record: CsvRecord): void => {
    const f = record.fields;
    const cell = (role: Role): string | undefined =>
      index[role] === undefined ? undefined : f[index[role]!];
    const number = (role: Role): number => {
      const text = cell(role)!;
      const v = parseNumber(text);
      if (!Number.isFinite(v)) {
        const what = text.trim() === "" ? "is empty" : `has ${quote(text)}`;
        throw new CliError(
          `${file}, line ${record.line}, column "${header[index[role]!]}": ${what}, expected a number`,
        );
      }
      return v;
    };
    const timeText = cell("time")!;
    const time = dateFormat === undefined ? undefined : parseDateInFormat(timeText, dateFormat);
    if (time === undefined) {
      // A date in another format than the first lines' is refused, not read another way.
      const other = dateFormat === undefined ? undefined : matchingDateFormats(timeText)[0];
      const hint =
        other === undefined
          ? ""
          : ` in the format ${DATE_FORMAT_PATTERNS[dateFormat!]} of the first lines (it reads as ${DATE_FORMAT_PATTERNS[other]})`;
      throw new CliError(
        `${file}, line ${record.line}, column "${header[index.time!]}": ${quote(timeText)} is not a date${hint}`,
      );
    }
    let customer = cell("customer")!.trim();
    if (isMissingText(customer)) customer = "";
    // Spreadsheet exports write integer ids as 17850.0.
    else if (/^\d+\.0+$/.test(customer)) customer = customer.slice(0, customer.indexOf("."));
    builder!.push({
      customerId: customer,
      time,
      quantity: number("quantity"),
      unitPrice: number("price"),
      invoice: cell("invoice"),
      product: cell("product"),
      category: cell("category"),
      channel: cell("channel"),
      country: cell("country"),
    });
  };
  const flush = (): void => {
    // Dates that read both day- and month-first up to here are taken as day-first.
    dateFormat = detectDateFormat(pending.map((r) => r.fields[index.time!] ?? "")).format;
    if (asOfText !== undefined) asOf = readAsOf(asOfText, dateFormat);
    decided = true;
    for (const r of pending) push(r);
    pending.length = 0;
  };

  await streamCsv(
    file,
    (h) => {
      header = h.columns;
      const normalised = header.map(normalise);
      for (const role of Object.keys(ROLES) as Role[]) {
        const given = flags.get(`${role}-column`);
        if (given !== undefined) {
          const j = header.indexOf(given);
          if (j < 0) {
            throw new CliError(
              `${file}, line ${h.line}: column "${given}" (--${role}-column) is missing from the header (it has ${header.map((c) => `"${c}"`).join(", ")})`,
            );
          }
          index[role] = j;
          continue;
        }
        for (const candidate of ROLES[role]) {
          const j = normalised.indexOf(candidate);
          if (j >= 0 && !Object.values(index).includes(j)) {
            index[role] = j;
            break;
          }
        }
      }
      for (const role of REQUIRED) {
        if (index[role] === undefined) {
          throw new CliError(
            `${file}, line ${h.line}: no ${role} column found in the header (${header.join(", ")}); name it with --${role}-column`,
          );
        }
      }
      builder = new OrderLinesBuilder({
        invoice: index.invoice !== undefined,
        product: index.product !== undefined,
        category: index.category !== undefined,
        channel: index.channel !== undefined,
        country: index.country !== undefined,
      });
    },
    (record) => {
      if (decided) push(record);
      else {
        pending.push(record);
        if (pending.length >= 2000) flush();
      }
    },
  );
  if (!decided) flush();
  const readMs = performance.now() - started;

  const featuresStarted = performance.now();
  const lines = builder!.finish();
  const result = customerFeatures(lines, asOf === undefined ? {} : { asOf });
  const { x, features } = result;
  const col = (name: string) => {
    const j = features.indexOf(name);
    return Float64Array.from({ length: x.n }, (_, i) => x.data[i * x.d + j]!);
  };
  const rfm = rfmScores(col("recency_days"), col("frequency"), col("monetary"));
  const featuresMs = performance.now() - featuresStarted;

  const out = flags.get("out") ?? null;
  if (out) {
    const head = ["customer_id", ...features, "r_score", "f_score", "m_score", "rfm_segment"];
    if (result.country) head.push("country");
    const rows: string[] = [head.map(csvCell).join(",")];
    for (let i = 0; i < x.n; i++) {
      const cells = [csvCell(result.customerIds[i]!)];
      for (let j = 0; j < x.d; j++) cells.push(formatValue(x.data[i * x.d + j]!));
      cells.push(String(rfm.r[i]), String(rfm.f[i]), String(rfm.m[i]), csvCell(rfm.segment[i]!));
      if (result.country) cells.push(csvCell(result.country[i]!));
      rows.push(cells.join(","));
    }
    await writeTextFile(out, `${rows.join("\n")}\n`);
  }
  const segments: Record<string, number> = {};
  for (const name of RFM_SEGMENTS) segments[name] = 0;
  for (const s of rfm.segment) segments[s]!++;
  const columns: Partial<Record<Role, string>> = {};
  for (const role of Object.keys(index) as Role[]) columns[role] = header[index[role]!]!;
  return {
    input: file,
    out,
    columns,
    customers: x.n,
    features,
    segments,
    report: result.report,
    timings: {
      readMs: Math.round(readMs * 10) / 10,
      featuresMs: Math.round(featuresMs * 10) / 10,
      totalMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
}
