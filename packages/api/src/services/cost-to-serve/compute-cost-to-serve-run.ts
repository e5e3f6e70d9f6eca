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
  rawRows,
  segmentMemberships,
  segments,
  type Tx,
  withTenant,
} from "@strata/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { withInventoryCarrying } from "../policy/inventory-carrying.js";
import { validateCostModel } from "./cost-model.js";
import { mergeProfitabilityFeatures } from "./profitability-features.js";

/** Customer rows per insert statement: one JSON parameter each, a few MB. */
const INSERT_CHUNK = 10_000;
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

/**
 * The workspace's order lines summed per customer, channel and region in one statement, by the
 * rules of core's `cellTotals` (which a test holds it to): an order and a drop count once, in the
 * channel and region of their first sales line (lowest line id, which is file order at import), a
 * line without an order id is its customer's order of that day, a line without a delivery id is its
 * order's drop. Lines are grouped per order, drop, channel and region first (one scan), and orders
 * and drops are placed from those groups.
 */
function cellsQuery(tenantId: string, margins: Record<string, number>) {
  return sql`
    with g as materialized (
      select customer_id,
        coalesce(order_id, '@' || to_char(ordered_at at time zone 'UTC', 'YYYY-MM-DD')) as ok,
        nullif(btrim(delivery_id), '') as dk,
        btrim(coalesce(channel, '')) as ch,
        btrim(coalesce(region, '')) as rg,
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
      where tenant_id = ${tenantId}
      group by 1, 2, 3, 4, 5
    ),
    orders as (
      select distinct on (customer_id, ok) customer_id, ch, rg
      from g where first_id is not null
      order by customer_id, ok, first_id
    ),
    drops as (
      select distinct on (customer_id, dkey) customer_id, ch, rg,
        min(dist) over w as dist, max(maxdist) over w as maxdist
      from (select *, coalesce('d' || dk, 'o' || ok) as dkey from g where first_id is not null) x
      window w as (partition by customer_id, dkey)
      order by customer_id, dkey, first_id
    ),
    cells as (
      select customer_id, ch, rg, sum(gross) as gross, sum(discounts) as discounts, sum(returns) as returns,
        sum(cogs) as cogs, sum(lines) as lines, sum(units) as units, sum(kg) as kg, sum(rlines) as rlines,
        sum(runits) as runits, sum(nocost) as nocost, min(first) as first, max(last) as last
      from g group by 1, 2, 3
    ),
    o as (select customer_id, ch, rg, count(*) as orders from orders group by 1, 2, 3),
    d as (
      select customer_id, ch, rg, count(*) as drops, coalesce(sum(dist), 0) as distance,
        count(*) filter (where maxdist - dist > 1e-9 * greatest(1, dist)) as bad_drops
      from drops group by 1, 2, 3
    )
    select c.customer_id, c.ch, c.rg, c.gross, c.discounts, c.returns, c.cogs,
      coalesce(o.orders, 0)::float8 as orders, c.lines::float8 as lines, c.units, c.kg,
      coalesce(d.drops, 0)::float8 as drops, coalesce(d.distance, 0) as distance,
      c.rlines::float8 as rlines, c.runits, c.nocost::float8 as nocost,
      extract(epoch from c.first)::float8 * 1000 as first_ms, extract(epoch from c.last)::float8 * 1000 as last_ms,
      coalesce(d.bad_drops, 0)::float8 as bad_drops
    from cells c
    left join o using (customer_id, ch, rg)
    left join d using (customer_id, ch, rg)
    order by c.customer_id, c.ch, c.rg`;
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
  const margins = Object.fromEntries(model.categoryMarginPct ?? []);
  const rows = await inTenant(async (tx) => {
    await tx.execute(sql.raw(`set local work_mem = '${AGGREGATE_WORK_MEM}'`));
    const result = await rawRows<CellRow>(tx, cellsQuery(tenantId, margins));
    if (result.some((r) => r.bad_drops > 0))
      throw new AppError("BAD_REQUEST", await firstDropWithTwoDistances(tx, tenantId));
    return result;
  });
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
  const counted = [...new Set(model.activities.filter((a) => a.kind === "event").map((a) => a.event!))];
  const events: CustomerEvent[] = [];
  await inTenant(async (tx) => {
    if (counted.length > 0) {
      const rows = await tx
        .select({
          customerId: activityEvents.customerId,
          activity: activityEvents.activity,
          quantity: sql<number>`sum(${activityEvents.quantity})`.mapWith(Number),
        })
        .from(activityEvents)
        .where(and(eq(activityEvents.tenantId, tenantId), inArray(activityEvents.activity, counted)))
        .groupBy(activityEvents.customerId, activityEvents.activity)
        .orderBy(activityEvents.customerId, activityEvents.activity);
      for (const r of rows) if (withLines.has(r.customerId)) events.push(r);
    }
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
        if (withLines.has(r.customerId))
          events.push({ customerId: r.customerId, activity: PAYMENT_TERMS_ACTIVITY, quantity: r.quantity });
    }
  });

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

/**
 * Writes a run's per-customer rows and result in one transaction (the caller's). Throws
 * CostToServeRunLostError, writing nothing, when the run is no longer this job's.
 */
export async function storeCostToServeResult(
  tx: Tx,
  params: { tenantId: string; runId: string; jobId: string; result: CostToServeResult },
): Promise<void> {
  const { tenantId, runId, result } = params;
  await tx
    .delete(costToServeCustomers)
    .where(and(eq(costToServeCustomers.tenantId, tenantId), eq(costToServeCustomers.runId, runId)));
  // One JSON parameter per statement: 10,000 rows a statement instead of 15 parameters a row.
  for (let i = 0; i < result.customers.length; i += INSERT_CHUNK) {
    const chunk = result.customers.slice(i, i + INSERT_CHUNK).map((c) => ({
      customer_id: c.customer_id,
      segment: c.segment ?? null,
      gross_sales: c.gross_sales,
      discounts: c.discounts,
      returns_allowances: c.returns_allowances,
      net_sales: c.net_sales,
      cogs: c.cogs,
      gross_margin: c.gross_margin,
      cost_to_serve: c.cost_to_serve,
      net_profit: c.net_profit,
      margin_pct: c.margin_pct,
      cts_pct_of_sales: c.cts_pct_of_sales,
      activities: c.activities,
    }));
    await tx.execute(sql`
      insert into cost_to_serve_customers (run_id, tenant_id, customer_id, segment, gross_sales, discounts,
        returns_allowances, net_sales, cogs, gross_margin, cost_to_serve, net_profit, margin_pct,
        cts_pct_of_sales, activities)
      select ${runId}, ${tenantId}, x.customer_id, x.segment, x.gross_sales, x.discounts, x.returns_allowances,
        x.net_sales, x.cogs, x.gross_margin, x.cost_to_serve, x.net_profit, x.margin_pct, x.cts_pct_of_sales,
        x.activities
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(customer_id uuid, segment text,
        gross_sales float8, discounts float8, returns_allowances float8, net_sales float8, cogs float8,
        gross_margin float8, cost_to_serve float8, net_profit float8, margin_pct float8,
        cts_pct_of_sales float8, activities jsonb)`);
  }
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
    }),
  );
  // After the result is stored and shown: features are derived data, and the next run or import
  // merges them again if this step is lost.
  await withTenant(database.db, params.tenantId, (tx) =>
    mergeProfitabilityFeatures(tx, { tenantId: params.tenantId, runId: params.runId }),
  );
}
