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

/**
 * Computes a dataset's column profile and the feature correlations, and stores them on the dataset.
 * Every figure is an SQL aggregate over all the dataset's rows: a sample misses exactly the extreme
 * values (the largest quantity, the oldest customer) that a profile is read for.
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
  const total = await client.query<{ n: string | number }>(`select count(*) as n ${from}`, args);
  const rows = Number(total.rows[0]?.n ?? 0);
  const columns: ColumnProfile[] = [];
  for (const column of dataset.columns) {
    if (dataset.kind === "orders" && column.field === "customerId") {
      columns.push(await profileOrderCustomers(client, column, args, rows));
      continue;
    }
    const expr = columnExpression(dataset.kind, column);
    if (!expr) continue;
    columns.push(await profileColumn(client, column, expr, from, args, rows));
  }
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

/**
 * The customer id of order lines: stored as a reference to the customer (a line without one is never
 * imported), so it is never missing; its range and most frequent values are the customers' own ids.
 */
async function profileOrderCustomers(
  client: RawClient,
  column: DatasetColumn,
  args: unknown[],
  rows: number,
): Promise<ColumnProfile> {
  const stats = await client.query<{ distinct: string | number; min: string | null; max: string | null }>(
    `select count(*) as distinct, min(c.external_id) as min, max(c.external_id) as max
     from customers c
     where c.tenant_id = $1
       and c.id in (select customer_id from order_lines where tenant_id = $1 and dataset_id = $2)`,
    args,
  );
  const top = await client.query<{ v: string; n: string | number }>(
    `select c.external_id as v, t.n
     from (select customer_id, count(*) as n from order_lines where tenant_id = $1 and dataset_id = $2
           group by 1 order by 2 desc, 1 limit ${TOP_VALUES}) t
     join customers c on c.id = t.customer_id and c.tenant_id = $1
     order by t.n desc, c.external_id`,
    args,
  );
  const s = stats.rows[0];
  return {
    ...baseOf(column),
    ...counts(rows, rows),
    distinct: Number(s?.distinct ?? 0),
    min: s?.min ?? null,
    median: null,
    max: s?.max ?? null,
    mean: null,
    topValues: top.rows.map((r) => ({ value: r.v, count: Number(r.n) })),
  };
}

async function profileColumn(
  client: RawClient,
  column: DatasetColumn,
  expr: string,
  from: string,
  params: unknown[],
  rows: number,
): Promise<ColumnProfile> {
  const base = baseOf(column);
  if (column.type === "numeric") {
    const stats = await client.query<Record<string, number | string | boolean | null>>(
      `select count(v) as present, count(distinct v) as distinct, min(v) as min, max(v) as max, avg(v) as mean,
              coalesce(bool_and(v = trunc(v)), false) as integer,
              percentile_cont(array[0.01, 0.5, 0.99]) within group (order by v) as q
       from (select (${expr})::float8 as v ${from}) s`,
      params,
    );
    const s = stats.rows[0]!;
    const present = Number(s.present);
    const q = parseArray(s.q);
    const [lo, median, hi] = [q[0] ?? null, q[1] ?? null, q[2] ?? null];
    let histogram: HistogramBin[] = [];
    if (present > 0 && lo !== null && hi !== null) {
      const low = lo;
      const high = hi > lo ? hi : lo + 1;
      const width = (high - low) / BINS;
      const bins = await client.query<{ b: number; n: string | number }>(
        `select least(greatest(floor((v - $3) / $4)::int, 0), ${BINS - 1}) as b, count(*) as n
         from (select (${expr})::float8 as v ${from}) s where v is not null group by 1 order by 1`,
        [...params, low, width],
      );
      histogram = Array.from({ length: BINS }, (_, i) => ({
        from: low + i * width,
        to: low + (i + 1) * width,
        count: 0,
      }));
      for (const b of bins.rows) histogram[Number(b.b)]!.count = Number(b.n);
    }
    return {
      ...base,
      ...counts(rows, present),
      distinct: Number(s.distinct),
      min: toNumber(s.min),
      median,
      max: toNumber(s.max),
      mean: toNumber(s.mean),
      integer: present > 0 && (s.integer === true || s.integer === "t" || s.integer === "true"),
      histogram,
    };
  }
  const isDate = column.type === "date";
  const stats = await client.query<Record<string, string | number | null>>(
    `select count(v) as present, count(distinct v) as distinct, min(v)::text as min, max(v)::text as max
     from (select ${expr} as v ${from}) s`,
    params,
  );
  const s = stats.rows[0]!;
  const present = Number(s.present);
  const distinct = Number(s.distinct);
  let topValues: Array<{ value: string; count: number }> | undefined;
  let histogram: HistogramBin[] | undefined;
  if (isDate && column.field === "orderedAt") {
    // Order dates: lines per month, as epoch-ms bins.
    const months = await client.query<{ m: number | string; n: string | number }>(
      `select (extract(epoch from date_trunc('month', v)) * 1000)::float8 as m, count(*) as n
       from (select ${expr} as v ${from}) s where v is not null group by 1 order by 1`,
      params,
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
      `select v::text as v, count(*) as n from (select ${expr} as v ${from}) s where v is not null
       group by 1 order by 2 desc, 1 limit ${TOP_VALUES}`,
      params,
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

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** node-postgres returns float8[] as an array; PGlite too — but be lenient with '{1,2,3}' text. */
function parseArray(v: unknown): Array<number | null> {
  if (Array.isArray(v)) return v.map(toNumber);
  if (typeof v === "string") return v.replace(/[{}]/g, "").split(",").map(toNumber);
  return [];
}
