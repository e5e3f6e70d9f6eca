import { pearsonPairwise } from "@strata/core";
import type { Tx } from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import { AppError } from "../../errors.js";
import { type RawClient, rawClientOf } from "../import/raw-client.js";

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface ColumnProfile {
  name: string;
  field: string;
  type: DatasetColumn["type"];
  /** Every figure below is computed over all rows of the dataset, never a sample. */
  count: number;
  missing: number;
  missingShare: number;
  distinct: number;
  min: number | string | null;
  median: number | null;
  max: number | string | null;
  mean: number | null;
  /** Numeric columns: whether every present value is a whole number (years, counts, ids). */
  integer?: boolean;
  /** Numeric columns: 20 bins between the 1st and 99th percentile (the rest fall in the end bins). */
  histogram?: HistogramBin[];
  /** Categorical, id and text columns: the most frequent values. */
  topValues?: Array<{ value: string; count: number }>;
}

export interface DatasetProfile {
  /** Bumped when the way figures are computed changes: older stored profiles should be recomputed. */
  version: number;
  rows: number;
  /**
   * Rows the figures, histograms and top values were computed on. Since version 2 this is every
   * row (SQL aggregates over the stored rows); version 1 profiled large datasets on a sample.
   */
  sampleSize: number;
  columns: ColumnProfile[];
  /** Pearson correlation of the numeric customer features (on a sample of customers). */
  correlation: { features: string[]; matrix: number[][]; sampleSize: number };
}

export const PROFILE_VERSION = 2;

/** Order-line fields and the column each is stored in (the customer id has its own query). */
const ORDER_COLUMNS: Record<string, string> = {
  orderedAt: "ordered_at",
  quantity: "quantity",
  unitPrice: "unit_price",
  invoiceId: "order_id",
  orderId: "order_id",
  product: "product",
  category: "category",
  channel: "channel",
  country: "country",
  region: "region",
  weight: "weight",
};

const BINS = 20;
const TOP_VALUES = 12;
const CORRELATION_SAMPLE = 20_000;
const MAX_CORRELATION_FEATURES = 30;

/** grouping() takes at most this many arguments: more columns are profiled in more scans. */
const COLUMNS_PER_SCAN = 31;

/** Temporary table of one scan's value counts; dropped when the transaction ends. */
const GROUPS = "strata_profile_groups";

/** A profiled column and where its values are read from. */
interface Target {
  column: DatasetColumn;
  /** An SQL expression over the table's row. */
  expr: string;
  /** numeric: float8 values; text: min, max and top values; month: order dates; customer: order lines' customer. */
  kind: "numeric" | "text" | "month" | "customer";
}

/**
 * Computes a dataset's column profile and the feature correlations, and stores them on the dataset.
 * Every figure is an SQL aggregate over all the dataset's rows: a sample misses exactly the extreme
 * values (the largest quantity, the oldest customer) that a profile is read for.
 *
 * The rows are read once: one GROUPING SETS scan counts each column's distinct values (a set per
 * column) into a temporary table, and every figure is computed from those counts (one query per
 * column over a few thousand groups instead of a scan of the lines per figure). Numeric columns'
 * median, percentiles and histogram are computed here from the sorted (value, count) pairs, exactly
 * as percentile_cont and the bins computed them in SQL.
 */
export async function profileDataset(
  tx: Tx,
  params: { tenantId: string; datasetId: string },
): Promise<DatasetProfile> {
  const { tenantId, datasetId } = params;
  const client = rawClientOf(tx);
  const found = await client.query<{ kind: string; columns: DatasetColumn[] }>(
    "select kind, columns from datasets where tenant_id = $1 and id = $2",
    [tenantId, datasetId],
  );
  const dataset = found.rows[0];
  if (!dataset) throw new AppError("NOT_FOUND", "Dataset not found");
  const table = dataset.kind === "customers" ? "customers" : "order_lines";
  const from = `from ${table} where tenant_id = $1 and dataset_id = $2`;
  const args = [tenantId, datasetId];
  const targets: Target[] = [];
  for (const column of dataset.columns) {
    if (dataset.kind === "orders" && column.field === "customerId") {
      targets.push({ column, expr: "customer_id", kind: "customer" });
      continue;
    }
    const expr = columnExpression(dataset.kind, column);
    if (!expr) continue;
    const kind =
      column.type === "numeric"
        ? "numeric"
        : column.type === "date" && column.field === "orderedAt"
          ? "month"
          : "text";
    targets.push({ column, expr: kind === "numeric" ? `(${expr})::float8` : expr, kind });
  }
  // The groups of a few columns at a time are hashed in memory rather than spilled to disk.
  await client.query("set local work_mem = '64MB'");
  let rows: number | undefined;
  const profiled = new Map<Target, ColumnProfile>();
  for (let at = 0; at < targets.length; at += COLUMNS_PER_SCAN) {
    const scan = targets.slice(at, at + COLUMNS_PER_SCAN);
    const names = scan.map((_, i) => `c${i}`);
    await client.query(`drop table if exists ${GROUPS}`);
    await client.query(
      `create temp table ${GROUPS} on commit drop as
       select grouping(${names.join(", ")}) as g, ${names.join(", ")}, count(*) as n
       from (select ${scan.map((t, i) => `${t.expr} as c${i}`).join(", ")} ${from}) s
       group by grouping sets (${names.map((c) => `(${c})`).join(", ")})`,
      args,
    );
    // grouping() sets the bit of every column the group is not grouped by, the first column highest.
    const full = (1 << scan.length) - 1;
    const setOf = (i: number) => full ^ (1 << (scan.length - 1 - i));
    if (rows === undefined) {
      const total = await client.query<{ n: string | number | null }>(
        `select sum(n) as n from ${GROUPS} where g = $1`,
        [setOf(0)],
      );
      rows = Number(total.rows[0]?.n ?? 0);
    }
    for (let i = 0; i < scan.length; i++) {
      const t = scan[i]!;
      profiled.set(t, await profileGroups(client, t, `c${i}`, setOf(i), tenantId, rows));
    }
  }
  if (rows === undefined) {
    const total = await client.query<{ n: string | number }>(`select count(*) as n ${from}`, args);
    rows = Number(total.rows[0]?.n ?? 0);
  }
  const columns = targets.map((t) => profiled.get(t)!);
  const correlation = await featureCorrelation(client, tenantId);
  const profile: DatasetProfile = { version: PROFILE_VERSION, rows, sampleSize: rows, columns, correlation };
  await client.query(
    "update datasets set profile = $3::jsonb, profiled_at = now() where tenant_id = $1 and id = $2",
    [tenantId, datasetId, JSON.stringify(profile)],
  );
  return profile;
}

/** Where a column's values are stored: a column of the table, or a key of the customer's attributes. */
function columnExpression(kind: string, column: DatasetColumn): string | null {
  if (kind === "orders") return ORDER_COLUMNS[column.field] ?? null;
  // The customer id column of a customers file is stored as the customer's external id.
  if (column.field === "externalId" || column.field === "customerId") return "external_id";
  if (column.field !== "attribute") return null;
  const key = `'${(column.key ?? column.source).replace(/'/g, "''")}'`;
  if (column.type === "numeric") {
    return `case when jsonb_typeof(attributes->${key}) = 'number' then (attributes->>${key})::float8 end`;
  }
  return `attributes->>${key}`;
}

function baseOf(column: DatasetColumn) {
  return {
    name: column.source,
    field: column.field === "attribute" ? (column.key ?? column.source) : column.field,
    type: column.type,
  };
}

function counts(rows: number, present: number) {
  return {
    count: rows,
    missing: rows - present,
    missingShare: rows === 0 ? 0 : (rows - present) / rows,
  };
}

/** One column's profile from its set of the grouped counts (`c`: its column there, `g`: its set). */
async function profileGroups(
  client: RawClient,
  target: Target,
  c: string,
  g: number,
  tenantId: string,
  rows: number,
): Promise<ColumnProfile> {
  const { column } = target;
  const base = baseOf(column);
  if (target.kind === "customer") {
    // The customer id of order lines: stored as a reference to the customer (a line without one is
    // never imported), so it is never missing; its range and most frequent values are the customers'
    // own ids.
    const stats = await client.query<{ distinct: string | number; min: string | null; max: string | null }>(
      `select count(*) as distinct, min(c.external_id) as min, max(c.external_id) as max
       from ${GROUPS} s join customers c on c.tenant_id = $1 and c.id = s.${c} where s.g = $2`,
      [tenantId, g],
    );
    const top = await client.query<{ v: string; n: string | number }>(
      `select c.external_id as v, t.n
       from (select ${c} as customer_id, n from ${GROUPS} where g = $2 order by n desc, ${c} limit ${TOP_VALUES}) t
       join customers c on c.id = t.customer_id and c.tenant_id = $1
       order by t.n desc, c.external_id`,
      [tenantId, g],
    );
    const s = stats.rows[0];
    return {
      ...base,
      ...counts(rows, rows),
      distinct: Number(s?.distinct ?? 0),
      min: s?.min ?? null,
      median: null,
      max: s?.max ?? null,
      mean: null,
      topValues: top.rows.map((r) => ({ value: r.v, count: Number(r.n) })),
    };
  }
  if (target.kind === "numeric") {
    const pairs = await client.query<{ v: number | string; n: string | number }>(
      `select ${c} as v, n from ${GROUPS} where g = $1 and ${c} is not null order by ${c}`,
      [g],
    );
    return { ...base, ...numericFigures(rows, pairs.rows) };
  }
  const stats = await client.query<Record<string, string | number | null>>(
    `select coalesce(sum(n) filter (where ${c} is not null), 0) as present, count(${c}) as distinct,
            min(${c})::text as min, max(${c})::text as max
     from ${GROUPS} where g = $1`,
    [g],
  );
  const s = stats.rows[0]!;
  const present = Number(s.present);
  const distinct = Number(s.distinct);
  let topValues: Array<{ value: string; count: number }> | undefined;
  let histogram: HistogramBin[] | undefined;
  if (target.kind === "month") {
    // Order dates: lines per month, as epoch-ms bins.
    const months = await client.query<{ m: number | string; n: string | number }>(
      `select (extract(epoch from date_trunc('month', ${c})) * 1000)::float8 as m, sum(n) as n
       from ${GROUPS} where g = $1 and ${c} is not null group by 1 order by 1`,
      [g],
    );
    histogram = months.rows.map((r) => {
      const start = Number(r.m);
      const end = new Date(start);
      end.setUTCMonth(end.getUTCMonth() + 1);
      return { from: start, to: end.getTime(), count: Number(r.n) };
    });
  } else if (distinct < present) {
    // A column of unique values (a customers file's id) has no most frequent value to show.
    const top = await client.query<{ v: string; n: string | number }>(
      `select ${c}::text as v, n from ${GROUPS} where g = $1 and ${c} is not null
       order by 2 desc, 1 limit ${TOP_VALUES}`,
      [g],
    );
    topValues = top.rows.map((r) => ({ value: r.v, count: Number(r.n) }));
  }
  return {
    ...base,
    ...counts(rows, present),
    distinct,
    min: s.min ?? null,
    median: null,
    max: s.max ?? null,
    mean: null,
    ...(histogram ? { histogram } : {}),
    ...(topValues ? { topValues } : {}),
  };
}

/**
 * A numeric column's figures from its distinct values in ascending order and how often each occurs:
 * what count, count(distinct), min, max, avg, percentile_cont and the 20 bins gave over the rows.
 */
export function numericFigures(
  rows: number,
  pairs: ReadonlyArray<{ v: number | string; n: string | number }>,
): Omit<ColumnProfile, "name" | "field" | "type"> {
  const values = pairs.map((p) => Number(p.v));
  const weights = pairs.map((p) => Number(p.n));
  let present = 0;
  let sum = 0;
  let isInteger = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    present += weights[i]!;
    sum += v * weights[i]!;
    if (v !== Math.trunc(v)) isInteger = false;
  }
  /** The value at 0-based rank `r` of the sorted rows. */
  const at = (r: number): number => {
    let seen = 0;
    for (let i = 0; i < values.length; i++) {
      seen += weights[i]!;
      if (r < seen) return values[i]!;
    }
    return values[values.length - 1]!;
  };
  // percentile_cont: linear interpolation between the rows around p * (rows - 1).
  const percentile = (p: number): number => {
    const position = p * (present - 1);
    const first = Math.floor(position);
    const second = Math.ceil(position);
    const lo = at(first);
    if (first === second) return lo;
    return lo + (position - first) * (at(second) - lo);
  };
  let histogram: HistogramBin[] = [];
  let median: number | null = null;
  if (present > 0) {
    const lo = percentile(0.01);
    const hi = percentile(0.99);
    median = percentile(0.5);
    const low = lo;
    const high = hi > lo ? hi : lo + 1;
    const width = (high - low) / BINS;
    histogram = Array.from({ length: BINS }, (_, i) => ({
      from: low + i * width,
      to: low + (i + 1) * width,
      count: 0,
    }));
    for (let i = 0; i < values.length; i++) {
      const b = Math.min(Math.max(Math.floor((values[i]! - low) / width), 0), BINS - 1);
      histogram[b]!.count += weights[i]!;
    }
  }
  return {
    ...counts(rows, present),
    distinct: values.length,
    min: present > 0 ? values[0]! : null,
    median,
    max: present > 0 ? values[values.length - 1]! : null,
    mean: present > 0 ? sum / present : null,
    integer: present > 0 && isInteger,
    histogram,
  };
}

/** Pearson correlations between the numeric customer features, on a sample of customers. */
export async function featureCorrelation(
  client: RawClient,
  tenantId: string,
): Promise<DatasetProfile["correlation"]> {
  const sample = await client.query<{ features: Record<string, unknown> }>(
    `select features from customer_features where tenant_id = $1 order by customer_id limit ${CORRELATION_SAMPLE}`,
    [tenantId],
  );
  const counts = new Map<string, number>();
  for (const r of sample.rows) {
    for (const [k, v] of Object.entries(r.features))
      if (typeof v === "number") counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const features = [...counts.entries()]
    .filter(([, c]) => c >= 3)
    .map(([k]) => k)
    .slice(0, MAX_CORRELATION_FEATURES);
  const columns = features.map((f) => sample.rows.map((r) => r.features[f]));
  const matrix = features.map((_, i) =>
    features.map((__, j) => (i === j ? 1 : pearson(columns[i]!, columns[j]!))),
  );
  return { features, matrix, sampleSize: sample.rows.length };
}

/**
 * Pearson's r over the pairs where both values are numbers (core's pairwise-complete r), to
 * three decimals; 0 with fewer than 3 such pairs or when either side is constant.
 */
export function pearson(a: readonly unknown[], b: readonly unknown[]): number {
  const numbers = (values: readonly unknown[]) =>
    Float64Array.from(values, (v) => (typeof v === "number" ? v : Number.NaN));
  const r = pearsonPairwise(numbers(a), numbers(b), { minPairs: 3 });
  return Number.isNaN(r) ? 0 : Math.round(r * 1000) / 1000;
}
