import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CostLines,
  CostLinesBuilder,
  type CostToServeResult,
  type CustomerEvent,
  computeCostToServe,
  type ProfitAndLoss,
} from "../cost-to-serve/index.js";
import { type CostModel, parseCostModel } from "../cost-to-serve/model.js";
import { CoreInputError } from "../errors.js";
import type { CsvRecord } from "../ingest/csv.js";
import {
  DATE_FORMAT_PATTERNS,
  type DateFormat,
  detectDateFormat,
  matchingDateFormats,
  parseDateInFormat,
} from "../ingest/dates.js";
import { parseNumber } from "../preprocess/table.js";
import { numberFlag, parseFlags } from "./args.js";
import { CliError, quote } from "./cli-error.js";
import { type CsvHeader, streamCsv } from "./read-csv.js";
import { writeTextFile } from "./write.js";

const COMMAND = "cost-to-serve";
const FLAGS = {
  orders: "string",
  "cost-model": "string",
  activities: "string",
  memberships: "string",
  products: "string",
  "segment-set": "string",
  "period-days": "string",
  out: "string",
} as const;

const ORDER_COLUMNS = [
  "customer_id",
  "order_id",
  "quantity",
  "unit_price",
  "ordered_at",
  "unit_cost",
  "discount",
  "delivery_id",
  "distance",
  "weight_kg",
  "channel",
  "region",
  "product",
  "category",
] as const;
type OrderColumn = (typeof ORDER_COLUMNS)[number];
const REQUIRED_ORDER_COLUMNS: ReadonlyArray<OrderColumn> = [
  "customer_id",
  "order_id",
  "quantity",
  "unit_price",
];

export interface CostToServeOutput extends CostToServeResult {
  report: {
    order_lines: number;
    customers: number;
    events: number;
    memberships_without_orders: number;
  };
  out: string | null;
}

/** Finds the named columns (case and surrounding spaces ignored); the required ones must be there. */
function locate<T extends string>(
  file: string,
  header: CsvHeader,
  names: ReadonlyArray<T>,
  required: ReadonlyArray<T>,
): Partial<Record<T, number>> {
  const lower = header.columns.map((c) => c.toLowerCase());
  const index: Partial<Record<T, number>> = {};
  for (const name of names) {
    const j = lower.indexOf(name);
    if (j >= 0) index[name] = j;
  }
  const missing = required.filter((name) => index[name] === undefined);
  if (missing.length > 0)
    throw new CliError(
      `${file}, line ${header.line}: the header has no column ${missing.map((m) => `"${m}"`).join(", ")} (it has ${header.columns.map((c) => `"${c}"`).join(", ")})`,
    );
  return index;
}

/** Reads cells of one record, with errors naming the file, line and column. */
function cells<T extends string>(file: string, header: CsvHeader, index: Partial<Record<T, number>>) {
  return (record: CsvRecord) => {
    const where = (name: T) => `${file}, line ${record.line}, column "${header.columns[index[name]!]}"`;
    const text = (name: T): string | undefined => {
      const j = index[name];
      if (j === undefined) return undefined;
      const v = record.fields[j]!.trim();
      return v === "" ? undefined : v;
    };
    const required = (name: T): string => {
      const v = text(name);
      if (v === undefined) throw new CliError(`${where(name)}: is empty`);
      return v;
    };
    const number = (
      name: T,
      options: { required?: boolean; negative?: boolean } = {},
    ): number | undefined => {
      const v = options.required ? required(name) : text(name);
      if (v === undefined) return undefined;
      const x = parseNumber(v);
      if (!Number.isFinite(x)) throw new CliError(`${where(name)}: has ${quote(v)}, expected a number`);
      if (!options.negative && x < 0)
        throw new CliError(`${where(name)}: must not be negative, got ${quote(v)}`);
      return x;
    };
    return { text, required, number, where };
  };
}

async function readModel(file: string): Promise<CostModel> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  try {
    return parseCostModel(json);
  } catch (error) {
    if (error instanceof CoreInputError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** A growable list of file line numbers, one per order line, to name lines in later errors. */
class LineNumbers {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

async function readOrders(file: string): Promise<{ lines: CostLines; fileLines: LineNumbers }> {
  const builder = new CostLinesBuilder();
  const fileLines = new LineNumbers();
  let index: Partial<Record<OrderColumn, number>> = {};
  let read: ReturnType<typeof cells<OrderColumn>> | undefined;
  let dateFormat: DateFormat | undefined;
  const pending: CsvRecord[] = [];
  let decided = false;

  const push = (record: CsvRecord): void => {
    const r = read!(record);
    let time: number | undefined;
    const when = r.text("ordered_at");
    if (when !== undefined) {
      time = dateFormat === undefined ? undefined : parseDateInFormat(when, dateFormat);
      if (time === undefined) {
        const other = matchingDateFormats(when)[0];
        const hint =
          dateFormat !== undefined && other !== undefined
            ? ` in the format ${DATE_FORMAT_PATTERNS[dateFormat]} of the first lines`
            : "";
        throw new CliError(`${r.where("ordered_at")}: ${quote(when)} is not a date${hint}`);
      }
    }
    try {
      builder.push({
        customerId: r.required("customer_id"),
        orderId: r.required("order_id"),
        quantity: r.number("quantity", { required: true, negative: true })!,
        unitPrice: r.number("unit_price", { required: true })!,
        time,
        unitCost: r.number("unit_cost"),
        discount: r.number("discount"),
        deliveryId: r.text("delivery_id"),
        distance: r.number("distance"),
        weightKg: r.number("weight_kg"),
        channel: r.text("channel"),
        region: r.text("region"),
        product: r.text("product"),
        category: r.text("category"),
      });
    } catch (error) {
      if (error instanceof CoreInputError)
        throw new CliError(`${file}, line ${record.line}: ${error.message}`);
      throw error;
    }
    fileLines.push(record.line);
  };
  const flush = (): void => {
    if (index.ordered_at !== undefined) {
      const samples = pending.map((r) => r.fields[index.ordered_at!]!.trim()).filter((t) => t !== "");
      dateFormat = samples.length > 0 ? detectDateFormat(samples).format : undefined;
    }
    decided = true;
    for (const r of pending) push(r);
    pending.length = 0;
  };
  await streamCsv(
    file,
    (h) => {
      index = locate(file, h, ORDER_COLUMNS, REQUIRED_ORDER_COLUMNS);
      read = cells(file, h, index);
    },
    (record) => {
      // The date format (day- or month-first) is decided from the first lines, which wait here.
      if (decided) push(record);
      else {
        pending.push(record);
        if (pending.length >= 2000) flush();
      }
    },
  );
  if (!decided) flush();
  return { lines: builder.finish(), fileLines };
}

async function readEvents(file: string): Promise<{ events: CustomerEvent[]; fileLines: number[] }> {
  const events: CustomerEvent[] = [];
  const fileLines: number[] = [];
  let read: ReturnType<typeof cells<"customer_id" | "activity" | "quantity">> | undefined;
  await streamCsv(
    file,
    (h) => {
      const names = ["customer_id", "activity", "quantity"] as const;
      read = cells(file, h, locate(file, h, names, names));
    },
    (record) => {
      const r = read!(record);
      events.push({
        customerId: r.required("customer_id"),
        activity: r.required("activity"),
        quantity: r.number("quantity", { required: true })!,
      });
      fileLines.push(record.line);
    },
  );
  return { events, fileLines };
}

async function readProducts(file: string): Promise<Map<string, number>> {
  const costs = new Map<string, number>();
  let read: ReturnType<typeof cells<"product" | "unit_cost">> | undefined;
  await streamCsv(
    file,
    (h) => {
      const names = ["product", "unit_cost"] as const;
      read = cells(file, h, locate(file, h, names, names));
    },
    (record) => {
      const r = read!(record);
      const product = r.required("product");
      if (costs.has(product)) throw new CliError(`${r.where("product")}: ${quote(product)} appears twice`);
      costs.set(product, r.number("unit_cost", { required: true })!);
    },
  );
  return costs;
}

async function readMemberships(file: string, segmentSet: string | undefined): Promise<Map<string, string>> {
  type Col = "customer_id" | "segment_set" | "segment";
  const rows: Array<{ customer: string; set: string | undefined; segment: string; line: number }> = [];
  let read: ReturnType<typeof cells<Col>> | undefined;
  let hasSets = false;
  await streamCsv(
    file,
    (h) => {
      const index = locate<Col>(
        file,
        h,
        ["customer_id", "segment_set", "segment"],
        ["customer_id", "segment"],
      );
      hasSets = index.segment_set !== undefined;
      read = cells(file, h, index);
    },
    (record) => {
      const r = read!(record);
      rows.push({
        customer: r.required("customer_id"),
        set: r.text("segment_set"),
        segment: r.required("segment"),
        line: record.line,
      });
    },
  );
  const sets = [...new Set(rows.map((r) => r.set ?? ""))];
  if (segmentSet !== undefined && !hasSets)
    throw new CliError(`${file}: --segment-set is given but the file has no segment_set column`);
  if (segmentSet !== undefined && !sets.includes(segmentSet))
    throw new CliError(
      `${file}: no segment set ${quote(segmentSet)} (the file has ${sets.map((s) => quote(s)).join(", ")})`,
    );
  if (segmentSet === undefined && sets.length > 1)
    throw new CliError(
      `${file}: the file has several segment sets (${sets.map((s) => quote(s)).join(", ")}); choose one with --segment-set`,
    );
  const chosen = segmentSet ?? sets[0];
  const out = new Map<string, string>();
  const firstLine = new Map<string, number>();
  for (const r of rows) {
    if ((r.set ?? "") !== (chosen ?? "")) continue;
    if (out.has(r.customer))
      throw new CliError(
        `${file}, line ${r.line}: customer ${quote(r.customer)} is already in segment ${quote(out.get(r.customer)!)} on line ${firstLine.get(r.customer)}`,
      );
    out.set(r.customer, r.segment);
    firstLine.set(r.customer, r.line);
  }
  return out;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function moneyColumns(activities: ReadonlyArray<string>) {
  const head = [
    "gross_sales",
    "discounts",
    "returns_allowances",
    "net_sales",
    "cogs",
    "gross_margin",
    ...activities,
    "cost_to_serve",
    "net_profit",
    "margin_pct",
    "cts_pct_of_sales",
  ];
  const row = (p: ProfitAndLoss): string[] => [
    String(p.gross_sales),
    String(p.discounts),
    String(p.returns_allowances),
    String(p.net_sales),
    String(p.cogs),
    String(p.gross_margin),
    ...activities.map((a) => String(p.activities[a] ?? 0)),
    String(p.cost_to_serve),
    String(p.net_profit),
    p.margin_pct === null ? "" : String(p.margin_pct),
    p.cts_pct_of_sales === null ? "" : String(p.cts_pct_of_sales),
  ];
  return { head, row };
}

async function writeTables(dir: string, result: CostToServeResult, hasSegments: boolean): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(
      `${dir}: cannot create the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const activities = Object.keys(result.totals.activities);
  const { head, row } = moneyColumns(activities);
  const customers = [
    ["customer_id", ...(hasSegments ? ["segment"] : []), ...head].map(csvCell).join(","),
    ...result.customers.map((c) =>
      [c.customer_id, ...(hasSegments ? [c.segment ?? ""] : []), ...row(c)].map(csvCell).join(","),
    ),
  ];
  const segments = [
    ["segment", "customers", ...head].map(csvCell).join(","),
    ...result.segments.map((s) => [s.segment, String(s.customers), ...row(s)].map(csvCell).join(",")),
  ];
  await writeTextFile(join(dir, "customers.csv"), `${customers.join("\n")}\n`);
  await writeTextFile(join(dir, "segments.csv"), `${segments.join("\n")}\n`);
}

/**
 * `strata cost-to-serve`: customer profitability from an orders file, a cost model and
 * optional per-customer event counts and segment memberships (see docs/cost-to-serve.md).
 * Every input is read and checked before anything is computed; nothing is written on error.
 */
export async function runCostToServe(argv: ReadonlyArray<string>): Promise<CostToServeOutput> {
  const flags = parseFlags(COMMAND, argv, FLAGS);
  const ordersFile = flags.get("orders");
  const modelFile = flags.get("cost-model");
  if (!ordersFile || !modelFile)
    throw new CliError(
      `strata ${COMMAND}: --orders <orders.csv> and --cost-model <model.json> are required`,
      2,
    );
  const periodDays = numberFlag(COMMAND, flags, "period-days", { min: 1 });

  const model = await readModel(modelFile);
  const { lines, fileLines } = await readOrders(ordersFile);
  const activitiesFile = flags.get("activities");
  const events = activitiesFile ? await readEvents(activitiesFile) : undefined;
  const productsFile = flags.get("products");
  const productCosts = productsFile ? await readProducts(productsFile) : undefined;
  const membershipsFile = flags.get("memberships");
  const memberships = membershipsFile
    ? await readMemberships(membershipsFile, flags.get("segment-set"))
    : undefined;

  let result: CostToServeResult;
  try {
    result = computeCostToServe(lines, model, {
      ...(events ? { events: events.events } : {}),
      ...(memberships ? { memberships } : {}),
      ...(productCosts ? { productCosts } : {}),
      ...(periodDays !== undefined ? { periodDays } : {}),
    });
  } catch (error) {
    if (!(error instanceof CoreInputError)) throw error;
    // Name the file and line the core's row or field points at.
    if (error.message.startsWith("events[") && events && error.row !== undefined)
      throw new CliError(
        `${activitiesFile}, line ${events.fileLines[error.row]}, column "${error.field}": ${error.message.replace(/^events\[\d+\]\.\w+: /, "")}`,
      );
    if (error.message.startsWith("activities[")) throw new CliError(`${modelFile}: ${error.message}`);
    if (error.row !== undefined && error.row < fileLines.length)
      throw new CliError(
        `${ordersFile}, line ${fileLines.data[error.row]}, column "${error.field}": ${error.message
          .replace(/^order line \d+: /, "")
          .replace(/on order line (\d+)/, (_, i) => `on line ${fileLines.data[Number(i)]}`)}`,
      );
    throw new CliError(`strata ${COMMAND}: ${error.message}`);
  }

  const out = flags.get("out") ?? null;
  if (out) await writeTables(out, result, memberships !== undefined);
  let withoutOrders = 0;
  if (memberships) {
    const known = new Set(lines.customerIds);
    for (const id of memberships.keys()) if (!known.has(id)) withoutOrders++;
  }
  return {
    ...result,
    report: {
      order_lines: lines.customer.length,
      customers: lines.customerIds.length,
      events: events?.events.length ?? 0,
      memberships_without_orders: withoutOrders,
    },
    out,
  };
}
