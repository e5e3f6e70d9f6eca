import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  type CostCellRecord,
  type CostCells,
  type CostModel,
  type CostToServeResult,
  type CustomerEvent,
  costCellsFromRecords,
  costToServeOfCells,
  PAYMENT_TERMS_ACTIVITY,
  spanDaysOf,
} from "@strata/core";
import {
  activityEvents,
  type CostToServeResultDoc,
  type CostToServeWhalePoint,
  costToServeCustomers,
  costToServeRuns,
  type Database,
  type Driver,
  rawRows,
  segmentMemberships,
  segments,
  type Tx,
  withTenant,
} from "@strata/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import copyStreams from "pg-copy-streams";
import { AppError } from "../../errors.js";
import { rawClientOf } from "../import/raw-client.js";
import { escapeCopyText } from "../import/stage-file.js";
import { withInventoryCarrying } from "../policy/inventory-carrying.js";
import { validateCostModel } from "./cost-model.js";
import { mergeProfitabilityFeatures } from "./profitability-features.js";

/** Customer rows per insert statement (PGlite): one JSON parameter each, a few MB. */
const INSERT_CHUNK = 10_000;
/** Characters of COPY text handed to the stream at a time (PostgreSQL). */
const COPY_CHUNK_CHARS = 1 << 20;
/** The whale curve kept in a run's result: at most this many points. */
export const WHALE_POINTS = 200;
/**
 * Memory PostgreSQL may give the aggregate's hash tables and sorts, for this transaction only: the
 * per-order groups of 2,000,000 lines hash in about 250 MB; below that they spill to disk and the
 * run takes twice as long. A cap, not an allocation: small workspaces use what they need.
 */
const AGGREGATE_WORK_MEM = "256MB";

export interface CostToServeInput {
  cells: CostCells;
  events: CustomerEvent[];
  memberships?: Map<string, string>;
}

/** Thrown when the run no longer belongs to this job (cancelled, or taken over by a recovery). */
export class CostToServeRunLostError extends Error {
  override readonly name = "CostToServeRunLostError";
}

interface CellRow {
  customer_id: string;
  ch: string;
  rg: string;
  gross: number;
  discounts: number;
  returns: number;
  cogs: number;
  orders: number;
  lines: number;
  units: number;
  kg: number;
  drops: number;
  distance: number;
  rlines: number;
  runits: number;
  nocost: number;
  first_ms: number;
  last_ms: number;
  bad_drops: number;
}

/** Customers whose id is at least `from` and below `to` (either bound may be left open). */
interface CustomerRange {
  from?: string;
  to?: string;
}

/**
 * A worker on PostgreSQL sums the lines of two halves of the customers (by id, which is random) on
 * two connections at once: most of the statement's time is spent in one process (the per-order groups,
 * their sorts and the final sum), so the halves keep two cores busy. In id order, so the halves'
 * rows concatenate in the order of one statement.
 */
const CUSTOMER_HALVES: CustomerRange[] = [
  { to: "80000000-0000-0000-0000-000000000000" },
  { from: "80000000-0000-0000-0000-000000000000" },
];

/**
 * The workspace's order lines summed per customer, channel and region in one statement, by the
 * rules of core's `cellTotals` (which a test holds it to): an order and a drop count once, in the
 * channel and region of their first sales line (lowest line id, which is file order at import), a
 * line without an order id is its customer's order of that day, a line without a delivery id is its
 * order's drop.
 *
 * Why it is shaped this way (each measured on 2,000,000 lines): lines are grouped per order, drop,
 * channel and region first, on the raw columns (trimming 2,000,000 values costs more than trimming
 * the 670,000 groups, and groups that differ only by blanks merge again when the cells are summed);
 * each group then learns, from two window passes, whether it holds its order's and its drop's first
 * sales line, and one aggregate sums the cells; so the groups are neither materialized nor joined
 * back. The window keys sort in the "C" collation: only equal keys matter there, and byte order
 * spares the locale's string comparison.
 */
function cellsQuery(tenantId: string, margins: Record<string, number>, customers: CustomerRange = {}) {
  return sql`
    with g as (
      select customer_id,
        coalesce(order_id, '@' || to_char(ordered_at at time zone 'UTC', 'YYYY-MM-DD')) as ok,
        delivery_id as dk, channel as ch, region as rg,
        min(id) filter (where quantity >= 0) as first_id,
        count(*) filter (where quantity >= 0) as lines,
        coalesce(sum(quantity) filter (where quantity >= 0), 0) as units,
        coalesce(sum(weight) filter (where quantity >= 0), 0) as kg,
        coalesce(sum(quantity * unit_price) filter (where quantity >= 0), 0) as gross,
        coalesce(sum(discount) filter (where quantity >= 0), 0) as discounts,
        count(*) filter (where quantity < 0) as rlines,
        coalesce(-sum(quantity) filter (where quantity < 0), 0) as runits,
        coalesce(sum(-quantity * unit_price - coalesce(discount, 0)) filter (where quantity < 0), 0) as returns,
        coalesce(sum(case when unit_cost is not null then quantity * unit_cost
          else (quantity * unit_price - (case when quantity >= 0 then 1 else -1 end) * coalesce(discount, 0))
            * (1 - (m.margins ->> btrim(category))::float8 / 100) end), 0) as cogs,
        count(*) filter (where unit_cost is null and (m.margins ->> btrim(category)) is null) as nocost,
        min(distance) filter (where quantity >= 0) as dist,
        max(distance) filter (where quantity >= 0) as maxdist,
        min(ordered_at) as first, max(ordered_at) as last
      from order_lines, (select ${JSON.stringify(margins)}::jsonb as margins) m
      where tenant_id = ${tenantId}${customers.from ? sql` and customer_id >= ${customers.from}` : sql``}${
        customers.to ? sql` and customer_id < ${customers.to}` : sql``
      }
      group by 1, 2, 3, 4, 5
    ),
    f as (
      select *, min(first_id) over (partition by customer_id, ok collate "C") as order_first,
        min(first_id) over d as drop_first, min(dist) over d as drop_dist, max(maxdist) over d as drop_maxdist
      from g
      window d as (partition by customer_id, coalesce('d' || nullif(btrim(dk), ''), 'o' || ok) collate "C")
    )
    select customer_id, btrim(coalesce(ch, '')) as ch, btrim(coalesce(rg, '')) as rg,
      sum(gross) as gross, sum(discounts) as discounts, sum(returns) as returns, sum(cogs) as cogs,
      (count(*) filter (where first_id = order_first))::float8 as orders,
      sum(lines)::float8 as lines, sum(units) as units, sum(kg) as kg,
      (count(*) filter (where first_id = drop_first))::float8 as drops,
      coalesce(sum(drop_dist) filter (where first_id = drop_first), 0) as distance,
      sum(rlines)::float8 as rlines, sum(runits) as runits, sum(nocost)::float8 as nocost,
      extract(epoch from min(first))::float8 * 1000 as first_ms,
      extract(epoch from max(last))::float8 * 1000 as last_ms,
      (count(*) filter (where first_id = drop_first
        and drop_maxdist - drop_dist > 1e-9 * greatest(1, drop_dist)))::float8 as bad_drops
    from f
    group by 1, 2, 3
    order by 1, 2, 3`;
}

/** The first drop of a workspace whose sales lines give two distances, for the error message. */
async function firstDropWithTwoDistances(tx: Tx, tenantId: string): Promise<string> {
  const [row] = await rawRows<{ customer: string; drop: string; low: number; high: number }>(
    tx,
    sql`
      select c.external_id as customer,
        coalesce('delivery "' || nullif(btrim(l.delivery_id), '') || '"', 'order "' || l.order_id || '"',
          'the order of ' || to_char(l.ordered_at at time zone 'UTC', 'YYYY-MM-DD')) as drop,
        min(l.distance) as low, max(l.distance) as high
      from order_lines l join customers c on c.id = l.customer_id
      where l.tenant_id = ${tenantId} and l.quantity >= 0 and l.distance is not null
      group by 1, 2
      having max(l.distance) - min(l.distance) > 1e-9 * greatest(1, min(l.distance))
      order by 1, 2 limit 1`,
  );
  return row
    ? `customer ${JSON.stringify(row.customer)}, ${row.drop}: its order lines give the distances ${row.low} and ${row.high}; a delivery has one distance, repeated on its lines`
    : "a delivery's order lines give two distances; a delivery has one distance, repeated on its lines";
}

/**
 * Reads what a run computes over: the workspace's order lines summed per customer, channel and
 * region in the database (customer ids are the customers' uuids), the event counts the model's
 * `event:` drivers and financing read, and the segment of each customer in the chosen segment set.
 * Events of customers without order lines and of activities the model does not count are left out
 * (the CLI refuses them; a workspace keeps events its model does not use yet).
 */
export async function readCostToServeInput(
  source: Database | { tx: Tx },
  params: { tenantId: string; model: CostModel; segmentSetId: string | null },
  onProgress: (stage: string, fraction: number) => Promise<void> = async () => {},
): Promise<CostToServeInput> {
  const { tenantId, model } = params;
  // A worker reads in short transactions of its own; a request (a scenario) reads in its own one.
  const inTenant = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> =>
    "tx" in source ? fn(source.tx) : withTenant(source.db, tenantId, fn);
  const counted = [...new Set(model.activities.filter((a) => a.kind === "event").map((a) => a.event!))];
  const readEvents = () =>
    inTenant(async (tx) => {
      const read: CustomerEvent[] =
        counted.length === 0
          ? []
          : await tx
              .select({
                customerId: activityEvents.customerId,
                activity: activityEvents.activity,
                quantity: sql<number>`sum(${activityEvents.quantity})`.mapWith(Number),
              })
              .from(activityEvents)
              .where(and(eq(activityEvents.tenantId, tenantId), inArray(activityEvents.activity, counted)))
              .groupBy(activityEvents.customerId, activityEvents.activity)
              .orderBy(activityEvents.customerId, activityEvents.activity);
      if (model.financing) {
        // Payment terms are a standing fact: the latest row of a customer wins (re-imports may repeat it).
        const rows = await tx
          .selectDistinctOn([activityEvents.customerId], {
            customerId: activityEvents.customerId,
            quantity: activityEvents.quantity,
          })
          .from(activityEvents)
          .where(
            and(eq(activityEvents.tenantId, tenantId), eq(activityEvents.activity, PAYMENT_TERMS_ACTIVITY)),
          )
          .orderBy(activityEvents.customerId, desc(activityEvents.id));
        for (const r of rows)
          read.push({ customerId: r.customerId, activity: PAYMENT_TERMS_ACTIVITY, quantity: r.quantity });
      }
      return read;
    });
  // A worker on PostgreSQL reads on several connections at once: the events while the lines are
  // summed, and the lines in two halves (CUSTOMER_HALVES). PGlite has one connection, and a request
  // reads in its one transaction.
  const isConcurrent = !("tx" in source) && source.driver === "postgres";
  const eventsRead = isConcurrent ? readEvents() : undefined;
  eventsRead?.catch(() => undefined);
  const margins = Object.fromEntries(model.categoryMarginPct ?? []);
  const readCells = async (tx: Tx, customers: CustomerRange): Promise<CellRow[]> => {
    // JIT off: compiling the statement's ~90 expressions took 0.2 s and the compiled plan ran no
    // faster (measured on 2,000,000 lines).
    await tx.execute(
      sql`select set_config('work_mem', ${AGGREGATE_WORK_MEM}, true), set_config('jit', 'off', true)`,
    );
    const result = await rawRows<CellRow>(tx, cellsQuery(tenantId, margins, customers));
    if (result.some((r) => r.bad_drops > 0))
      throw new AppError("BAD_REQUEST", await firstDropWithTwoDistances(tx, tenantId));
    return result;
  };
  // The halves' transactions begin together but are not one snapshot: an import committing between
  // their starts would be seen by one half only (as it could be by the events, read apart already).
  const rows = !isConcurrent
    ? await inTenant((tx) => readCells(tx, {}))
    : (await Promise.all(CUSTOMER_HALVES.map((half) => inTenant((tx) => readCells(tx, half))))).flat();
  let linesWithoutCost = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const records: CostCellRecord[] = rows.map((r) => {
    linesWithoutCost += r.nocost;
    if (r.first_ms < first) first = r.first_ms;
    if (r.last_ms > last) last = r.last_ms;
    return {
      customerId: r.customer_id,
      channel: r.ch || undefined,
      region: r.rg || undefined,
      grossSales: r.gross,
      discounts: r.discounts,
      returnsAllowances: r.returns,
      cogs: r.cogs,
      drivers: {
        order: r.orders,
        order_line: r.lines,
        unit: r.units,
        kg: r.kg,
        delivery: r.drops,
        distance: r.distance,
        returned_line: r.rlines,
        returned_unit: r.runits,
      },
    };
  });
  const cells = costCellsFromRecords(records, { linesWithoutCost, spanDays: spanDaysOf(first, last) });
  const withLines = new Set(cells.customerIds);

  await onProgress("Reading events", 0);
  // Events of customers without order lines are left out.
  const events = (await (eventsRead ?? readEvents())).filter((e) => withLines.has(e.customerId));

  if (!params.segmentSetId) return { cells, events };
  const members = await inTenant((tx) =>
    tx
      .select({ customerId: segmentMemberships.customerId, segment: segments.name })
      .from(segmentMemberships)
      .innerJoin(segments, eq(segments.id, segmentMemberships.segmentId))
      .where(
        and(
          eq(segmentMemberships.tenantId, tenantId),
          eq(segmentMemberships.segmentSetId, params.segmentSetId!),
        ),
      ),
  );
  return { cells, events, memberships: new Map(members.map((r) => [r.customerId, r.segment])) };
}

/** At most `points` points of the curve, evenly spread, always with its first, last and peak. */
export function downsampleWhale(
  whale: CostToServeResult["whale"],
  points = WHALE_POINTS,
): { whale: CostToServeWhalePoint[]; peak: CostToServeWhalePoint | null } {
  const n = whale.length;
  if (n === 0) return { whale: [], peak: null };
  let peakIndex = 0;
  for (let i = 1; i < n; i++)
    if (whale[i]!.cumulative_profit > whale[peakIndex]!.cumulative_profit) peakIndex = i;
  const keep = new Set<number>([peakIndex]);
  const spread = Math.min(n, points - 1);
  for (let i = 0; i < spread; i++) keep.add(spread === 1 ? n - 1 : Math.round((i * (n - 1)) / (spread - 1)));
  const point = (i: number): CostToServeWhalePoint => ({
    customers_pct: whale[i]!.customers_pct,
    cumulative_profit_pct: whale[i]!.cumulative_profit_pct,
  });
  return { whale: [...keep].sort((a, b) => a - b).map(point), peak: point(peakIndex) };
}

/** The run's stored result: everything the page draws except the per-customer rows. */
export function resultDocOf(result: CostToServeResult): CostToServeResultDoc {
  const { whale, peak } = downsampleWhale(result.whale);
  let lossCustomers = 0;
  let lossProfit = 0;
  for (const c of result.customers)
    if (c.net_profit < 0) {
      lossCustomers++;
      lossProfit += c.net_profit;
    }
  const { customers: count, ...totals } = result.totals;
  return {
    currency: result.currency,
    totals: { ...totals, customers: count },
    segments: result.segments,
    unusedCapacity: result.unused_capacity.map((u) => ({ activity: u.pool, cost: u.unused_cost })),
    whale,
    whalePeak: peak,
    lossMakers: { customers: lossCustomers, net_profit: Math.round(lossProfit * 100) / 100 },
    linesWithoutCost: result.lines_without_cost,
  };
}

/** The per-customer columns (named as the result's customer fields), in the order rows are written. */
const CUSTOMER_COLUMNS = [
  ["customer_id", "uuid"],
  ["segment", "text"],
  ["gross_sales", "float8"],
  ["discounts", "float8"],
  ["returns_allowances", "float8"],
  ["net_sales", "float8"],
  ["cogs", "float8"],
  ["gross_margin", "float8"],
  ["cost_to_serve", "float8"],
  ["net_profit", "float8"],
  ["margin_pct", "float8"],
  ["cts_pct_of_sales", "float8"],
  ["activities", "jsonb"],
] as const;
type CustomerRow = CostToServeResult["customers"][number];
const CUSTOMER_COLUMN_NAMES = CUSTOMER_COLUMNS.map(([name]) => name).join(", ");
const CUSTOMER_COLUMN_TYPES = CUSTOMER_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", ");
const CUSTOMER_STAGE = "cost_to_serve_stage";

/** One customer row in COPY text format, newline included; non-finite numbers as null, as JSON writes them. */
function customerCopyRow(c: CustomerRow): string {
  const cells = CUSTOMER_COLUMNS.map(([name, type]) => {
    const value = c[name];
    if (type === "float8") return typeof value === "number" && Number.isFinite(value) ? String(value) : "\\N";
    if (value == null) return "\\N";
    return escapeCopyText(type === "jsonb" ? JSON.stringify(value) : String(value));
  });
  return `${cells.join("\t")}\n`;
}

/**
 * PostgreSQL: the rows are streamed with COPY into a temporary table (dropped at commit), then
 * inserted from it in one statement. COPY cannot write the table itself (row-level security forbids
 * COPY FROM), but it spares building and parsing one big JSON document per 10,000 rows.
 */
async function copyCustomerRows(
  tx: Tx,
  params: { tenantId: string; runId: string; customers: CostToServeResult["customers"] },
): Promise<void> {
  const client = rawClientOf(tx);
  await client.query(`create temp table ${CUSTOMER_STAGE} (${CUSTOMER_COLUMN_TYPES}) on commit drop`);
  const stream = (client as unknown as { query(s: unknown): Writable }).query(
    copyStreams.from(`copy ${CUSTOMER_STAGE} (${CUSTOMER_COLUMN_NAMES}) from stdin`),
  );
  // An error of the COPY surfaces from `once` or `finished` below.
  stream.on("error", () => undefined);
  let buffer = "";
  for (const c of params.customers) {
    buffer += customerCopyRow(c);
    if (buffer.length >= COPY_CHUNK_CHARS) {
      if (!stream.write(buffer)) await once(stream, "drain");
      buffer = "";
    }
  }
  stream.end(buffer);
  await finished(stream);
  await client.query(
    `insert into cost_to_serve_customers (run_id, tenant_id, ${CUSTOMER_COLUMN_NAMES})
     select $1, $2, ${CUSTOMER_COLUMN_NAMES} from ${CUSTOMER_STAGE}`,
    [params.runId, params.tenantId],
  );
}

/** PGlite (no COPY from a stream): inserts of 10,000 rows, one JSON parameter each. */
async function insertCustomerRows(
  tx: Tx,
  params: { tenantId: string; runId: string; customers: CostToServeResult["customers"] },
): Promise<void> {
  const { tenantId, runId, customers } = params;
  for (let i = 0; i < customers.length; i += INSERT_CHUNK) {
    const chunk = customers
      .slice(i, i + INSERT_CHUNK)
      .map((c) => Object.fromEntries(CUSTOMER_COLUMNS.map(([name]) => [name, c[name] ?? null])));
    await tx.execute(sql`
      insert into cost_to_serve_customers (run_id, tenant_id, ${sql.raw(CUSTOMER_COLUMN_NAMES)})
      select ${runId}, ${tenantId}, ${sql.raw(CUSTOMER_COLUMNS.map(([name]) => `x.${name}`).join(", "))}
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(${sql.raw(CUSTOMER_COLUMN_TYPES)})`);
  }
}

/**
 * Writes a run's per-customer rows and result in one transaction (the caller's). Throws
 * CostToServeRunLostError, writing nothing, when the run is no longer this job's.
 */
export async function storeCostToServeResult(
  tx: Tx,
  params: { tenantId: string; runId: string; jobId: string; result: CostToServeResult; driver?: Driver },
): Promise<void> {
  const { tenantId, runId, result } = params;
  await tx
    .delete(costToServeCustomers)
    .where(and(eq(costToServeCustomers.tenantId, tenantId), eq(costToServeCustomers.runId, runId)));
  const rows = { tenantId, runId, customers: result.customers };
  if (params.driver === "postgres") await copyCustomerRows(tx, rows);
  else await insertCustomerRows(tx, rows);
  const done = await tx
    .update(costToServeRuns)
    .set({
      status: "succeeded",
      progress: { stage: "Done", percent: 100 },
      result: resultDocOf(result),
      error: null,
      finishedAt: new Date(),
      heartbeatAt: null,
    })
    .where(
      and(
        eq(costToServeRuns.tenantId, tenantId),
        eq(costToServeRuns.id, runId),
        eq(costToServeRuns.jobId, params.jobId),
        eq(costToServeRuns.status, "running"),
      ),
    )
    .returning({ id: costToServeRuns.id });
  if (done.length === 0) throw new CostToServeRunLostError("the run is no longer this job's");
}

/** Reads, computes and stores one run (the executor claims it and keeps its heartbeat). */
export async function computeCostToServeRun(
  database: Database,
  params: {
    tenantId: string;
    runId: string;
    jobId: string;
    model: unknown;
    segmentSetId: string | null;
    periodDays: number | null;
  },
  onProgress: (stage: string, percent: number) => Promise<void> = async () => {},
): Promise<void> {
  const model = validateCostModel(params.model);
  await onProgress("Reading order lines", 5);
  const input = await readCostToServeInput(
    database,
    { tenantId: params.tenantId, model, segmentSetId: params.segmentSetId },
    (stage) => onProgress(stage, 20),
  );
  // Inventory carrying of the stock the live policies hold, as one more activity.
  const periodDays =
    params.periodDays ?? (Number.isFinite(input.cells.spanDays) ? input.cells.spanDays : 365);
  const carrying = await withTenant(database.db, params.tenantId, (tx) =>
    withInventoryCarrying(tx, { tenantId: params.tenantId, model, cells: input.cells, periodDays }),
  );
  await onProgress("Computing", 50);
  const result = costToServeOfCells(input.cells, carrying.model, {
    events: [...input.events, ...carrying.events],
    ...(input.memberships ? { memberships: input.memberships } : {}),
    ...(params.periodDays !== null ? { periodDays: params.periodDays } : {}),
  });
  await onProgress("Saving", 80);
  await withTenant(database.db, params.tenantId, (tx) =>
    storeCostToServeResult(tx, {
      tenantId: params.tenantId,
      runId: params.runId,
      jobId: params.jobId,
      result,
      driver: database.driver,
    }),
  );
  // After the result is stored and shown: features are derived data, and the next run or import
  // merges them again if this step is lost.
  await withTenant(database.db, params.tenantId, (tx) =>
    mergeProfitabilityFeatures(tx, { tenantId: params.tenantId, runId: params.runId }),
  );
}
