import {
  CostLinesBuilder,
  type CostModel,
  type CostToServeResult,
  type CustomerEvent,
  computeCostToServe,
  PAYMENT_TERMS_ACTIVITY,
} from "@strata/core";
import {
  activityEvents,
  type CostToServeResultDoc,
  type CostToServeWhalePoint,
  costToServeCustomers,
  costToServeRuns,
  type Database,
  orderLines,
  segmentMemberships,
  segments,
  type Tx,
  withTenant,
} from "@strata/db";
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { validateCostModel } from "./cost-model.js";

/** Order lines read per query: a few MB of rows, and short transactions (PGlite is one connection). */
export const COST_LINES_CHUNK = 10_000;
/** Customer rows per insert statement (15 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 1_000;
/** The whale curve kept in a run's result: at most this many points. */
export const WHALE_POINTS = 200;

export interface CostToServeInput {
  lines: ReturnType<CostLinesBuilder["finish"]>;
  events: CustomerEvent[];
  memberships?: Map<string, string>;
}

/** Thrown when the run no longer belongs to this job (cancelled, or taken over by a recovery). */
export class CostToServeRunLostError extends Error {
  override readonly name = "CostToServeRunLostError";
}

/**
 * Reads what a run computes over: every order line of the workspace (customer ids are the
 * customers' uuids), the event counts the model's `event:` drivers and financing read, and the
 * segment of each customer in the chosen segment set. Events of customers without order lines and
 * of activities the model does not count are left out (the CLI refuses them; a workspace keeps
 * events its model does not use yet).
 */
export async function readCostToServeInput(
  database: Database,
  params: { tenantId: string; model: CostModel; segmentSetId: string | null },
  onProgress: (stage: string, fraction: number) => Promise<void> = async () => {},
): Promise<CostToServeInput> {
  const { tenantId, model } = params;
  const builder = new CostLinesBuilder();
  const withLines = new Set<string>();
  let lastId = 0;
  let read = 0;
  for (;;) {
    const chunk = await withTenant(database.db, tenantId, (tx) =>
      tx
        .select({
          id: orderLines.id,
          customerId: orderLines.customerId,
          orderId: orderLines.orderId,
          orderedAt: orderLines.orderedAt,
          quantity: orderLines.quantity,
          unitPrice: orderLines.unitPrice,
          unitCost: orderLines.unitCost,
          discount: orderLines.discount,
          deliveryId: orderLines.deliveryId,
          distance: orderLines.distance,
          weight: orderLines.weight,
          channel: orderLines.channel,
          region: orderLines.region,
          product: orderLines.product,
          category: orderLines.category,
        })
        .from(orderLines)
        .where(and(eq(orderLines.tenantId, tenantId), gt(orderLines.id, lastId)))
        .orderBy(asc(orderLines.id))
        .limit(COST_LINES_CHUNK),
    );
    for (const line of chunk) {
      builder.push({
        customerId: line.customerId,
        // A line without an order id: the customer's lines of one day make one order.
        orderId: line.orderId ?? `@${line.orderedAt.toISOString().slice(0, 10)}`,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        time: line.orderedAt.getTime(),
        unitCost: line.unitCost ?? undefined,
        discount: line.discount ?? undefined,
        deliveryId: line.deliveryId ?? undefined,
        distance: line.distance ?? undefined,
        weightKg: line.weight ?? undefined,
        channel: line.channel ?? undefined,
        region: line.region ?? undefined,
        product: line.product ?? undefined,
        category: line.category ?? undefined,
      });
      withLines.add(line.customerId);
    }
    read += chunk.length;
    if (chunk.length < COST_LINES_CHUNK) break;
    lastId = chunk.at(-1)!.id;
    await onProgress(`Reading order lines (${read.toLocaleString("en")})`, 0);
  }
  const lines = builder.finish();

  await onProgress("Reading events", 0);
  const counted = [...new Set(model.activities.filter((a) => a.kind === "event").map((a) => a.event!))];
  const events: CustomerEvent[] = [];
  await withTenant(database.db, tenantId, async (tx) => {
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

  if (!params.segmentSetId) return { lines, events };
  const rows = await withTenant(database.db, tenantId, (tx) =>
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
  return { lines, events, memberships: new Map(rows.map((r) => [r.customerId, r.segment])) };
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
 * Writes a run's per-customer rows and result in one transaction, then merges `cts_pct_of_sales`
 * and `net_margin_pct` into every computed customer's features (other features kept), so analysts
 * can segment on profitability. Throws CostToServeRunLostError, writing nothing, when the run is no
 * longer this job's.
 */
export async function storeCostToServeResult(
  tx: Tx,
  params: { tenantId: string; runId: string; jobId: string; result: CostToServeResult },
): Promise<void> {
  const { tenantId, runId, result } = params;
  await tx
    .delete(costToServeCustomers)
    .where(and(eq(costToServeCustomers.tenantId, tenantId), eq(costToServeCustomers.runId, runId)));
  for (let i = 0; i < result.customers.length; i += INSERT_CHUNK) {
    const chunk = result.customers.slice(i, i + INSERT_CHUNK);
    await tx.insert(costToServeCustomers).values(
      chunk.map((c) => ({
        runId,
        tenantId,
        customerId: c.customer_id,
        segment: c.segment ?? null,
        grossSales: c.gross_sales,
        discounts: c.discounts,
        returnsAllowances: c.returns_allowances,
        netSales: c.net_sales,
        cogs: c.cogs,
        grossMargin: c.gross_margin,
        costToServe: c.cost_to_serve,
        netProfit: c.net_profit,
        marginPct: c.margin_pct,
        ctsPctOfSales: c.cts_pct_of_sales,
        activities: c.activities,
      })),
    );
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
  await tx.execute(sql`
    insert into customer_features (customer_id, tenant_id, features, computed_at)
    select c.customer_id, c.tenant_id,
      jsonb_build_object('cts_pct_of_sales', c.cts_pct_of_sales, 'net_margin_pct', c.margin_pct), now()
    from cost_to_serve_customers c
    where c.tenant_id = ${tenantId} and c.run_id = ${runId}
    on conflict (customer_id) do update
      set features = customer_features.features || excluded.features`);
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
  await onProgress("Computing", 50);
  const result = computeCostToServe(input.lines, model, {
    events: input.events,
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
}
