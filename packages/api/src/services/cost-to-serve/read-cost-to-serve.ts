import {
  type CostToServeFigures,
  type CostToServeResultDoc,
  type CostToServeRunStatus,
  costToServeCustomers,
  costToServeRuns,
  customers,
  segmentSets,
  type Tx,
} from "@strata/db";
import { and, asc, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
import { AppError } from "../../errors.js";

export type Figures = CostToServeFigures;

export interface CostToServeRunView {
  id: string;
  status: CostToServeRunStatus;
  progress: { stage: string; percent: number };
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  segmentSetId: string | null;
  segmentSetName: string | null;
}

export interface CostToServeResultView {
  currency: string;
  totals: Figures;
  segments: Array<
    Figures & {
      segment: string;
      customers: number;
      activities: Record<string, number>;
      margin_pct: number | null;
      cts_pct_of_sales: number | null;
    }
  >;
  unusedCapacity: Array<{ activity: string; cost: number }>;
  whale: Array<{ customers_pct: number; cumulative_profit_pct: number | null }>;
  whalePeak: { customers_pct: number; cumulative_profit_pct: number | null } | null;
  lossMakers: { customers: number; net_profit: number };
  /** Order lines with no unit cost and no category margin: their cost of goods is counted as 0. */
  linesWithoutCost: number;
}

export interface LatestCostToServe {
  run: CostToServeRunView | null;
  result: CostToServeResultView | null;
}

function resultView(doc: CostToServeResultDoc): CostToServeResultView {
  return {
    currency: doc.currency,
    totals: doc.totals,
    segments: doc.segments,
    unusedCapacity: doc.unusedCapacity,
    whale: doc.whale,
    whalePeak: doc.whalePeak,
    lossMakers: doc.lossMakers,
    linesWithoutCost: doc.linesWithoutCost,
  };
}

/** The workspace's most recent run (any status) and, once it succeeded, its result. */
export async function getLatestCostToServe(tx: Tx, params: { tenantId: string }): Promise<LatestCostToServe> {
  const [row] = await tx
    .select({ run: costToServeRuns, segmentSetName: segmentSets.name })
    .from(costToServeRuns)
    .leftJoin(segmentSets, eq(segmentSets.id, costToServeRuns.segmentSetId))
    .where(eq(costToServeRuns.tenantId, params.tenantId))
    .orderBy(desc(costToServeRuns.createdAt), desc(costToServeRuns.id))
    .limit(1);
  if (!row) return { run: null, result: null };
  const r = row.run;
  return {
    run: {
      id: r.id,
      status: r.status,
      progress: r.progress,
      error: r.error,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      segmentSetId: r.segmentSetId,
      segmentSetName: row.segmentSetName ?? null,
    },
    result: r.status === "succeeded" && r.result ? resultView(r.result) : null,
  };
}

export const CUSTOMER_SORTS = ["net_profit", "-net_profit", "cost_to_serve", "net_sales"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CostToServeCustomerItem extends Figures {
  customerId: string;
  externalId: string;
  segment: string | null;
  margin_pct: number | null;
  cts_pct_of_sales: number | null;
  activities: Record<string, number>;
}

const c = costToServeCustomers;

function figuresOf(row: typeof costToServeCustomers.$inferSelect): Figures & {
  margin_pct: number | null;
  cts_pct_of_sales: number | null;
  activities: Record<string, number>;
} {
  return {
    gross_sales: row.grossSales,
    discounts: row.discounts,
    returns_allowances: row.returnsAllowances,
    net_sales: row.netSales,
    cogs: row.cogs,
    gross_margin: row.grossMargin,
    cost_to_serve: row.costToServe,
    net_profit: row.netProfit,
    margin_pct: row.marginPct,
    cts_pct_of_sales: row.ctsPctOfSales,
    activities: row.activities,
  };
}

function encodeCursor(value: number, customerId: string): string {
  return Buffer.from(JSON.stringify([value, customerId])).toString("base64url");
}

function decodeCursor(cursor: string): { value: number; customerId: string } {
  try {
    const [value, customerId] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof value === "number" && typeof customerId === "string" && /^[0-9a-f-]{36}$/i.test(customerId))
      return { value, customerId };
  } catch {
    // Falls through to the error below.
  }
  throw new AppError("BAD_REQUEST", "The cursor is not valid; start from the first page.", "cursor");
}

/**
 * One page of a run's customers. `net_profit` lists the biggest losses first; `-net_profit` the
 * most profitable first; `cost_to_serve` and `net_sales` the largest first. Keyset paging on
 * (value, customer id), so pages stay stable and cheap however deep.
 */
export async function listCostToServeCustomers(
  tx: Tx,
  params: {
    tenantId: string;
    runId: string;
    segment?: string | undefined;
    sort?: CustomerSort | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{ items: CostToServeCustomerItem[]; nextCursor: string | null }> {
  const [run] = await tx
    .select({ id: costToServeRuns.id })
    .from(costToServeRuns)
    .where(and(eq(costToServeRuns.tenantId, params.tenantId), eq(costToServeRuns.id, params.runId)))
    .limit(1);
  if (!run) throw new AppError("NOT_FOUND", "Cost-to-serve run not found");
  const sort = params.sort ?? "net_profit";
  const limit = params.limit ?? 50;
  const column = sort === "cost_to_serve" ? c.costToServe : sort === "net_sales" ? c.netSales : c.netProfit;
  const ascending = sort === "net_profit";
  const where: SQL[] = [eq(c.tenantId, params.tenantId), eq(c.runId, params.runId)];
  if (params.segment !== undefined) where.push(eq(c.segment, params.segment));
  if (params.cursor) {
    const at = decodeCursor(params.cursor);
    const after = ascending
      ? or(gt(column, at.value), and(eq(column, at.value), gt(c.customerId, at.customerId)))
      : or(lt(column, at.value), and(eq(column, at.value), lt(c.customerId, at.customerId)));
    if (after) where.push(after);
  }
  const order = ascending ? [asc(column), asc(c.customerId)] : [desc(column), desc(c.customerId)];
  const rows = await tx
    .select({ row: c, externalId: customers.externalId })
    .from(c)
    .innerJoin(customers, eq(customers.id, c.customerId))
    .where(and(...where))
    .orderBy(...order)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items = page.map(({ row, externalId }) => ({
    customerId: row.customerId,
    externalId,
    segment: row.segment,
    ...figuresOf(row),
  }));
  const last = page.at(-1);
  const value = (row: typeof c.$inferSelect) =>
    sort === "cost_to_serve" ? row.costToServe : sort === "net_sales" ? row.netSales : row.netProfit;
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(value(last.row), last.row.customerId) : null,
  };
}

export interface CustomerCostToServeView extends Figures {
  runId: string;
  currency: string;
  segment: string | null;
  margin_pct: number | null;
  cts_pct_of_sales: number | null;
  activities: Record<string, number>;
  computedAt: Date;
}

/** A customer's profit and loss in the workspace's latest succeeded run; null when it has none. */
export async function getCustomerCostToServe(
  tx: Tx,
  params: { tenantId: string; customerId: string },
): Promise<CustomerCostToServeView | null> {
  const [run] = await tx
    .select({
      id: costToServeRuns.id,
      result: costToServeRuns.result,
      finishedAt: costToServeRuns.finishedAt,
    })
    .from(costToServeRuns)
    .where(and(eq(costToServeRuns.tenantId, params.tenantId), eq(costToServeRuns.status, "succeeded")))
    .orderBy(desc(costToServeRuns.finishedAt), desc(costToServeRuns.createdAt))
    .limit(1);
  if (!run) return null;
  const [row] = await tx
    .select()
    .from(c)
    .where(and(eq(c.tenantId, params.tenantId), eq(c.runId, run.id), eq(c.customerId, params.customerId)))
    .limit(1);
  if (!row) return null;
  return {
    runId: run.id,
    currency: run.result?.currency ?? "EUR",
    segment: row.segment,
    ...figuresOf(row),
    computedAt: run.finishedAt ?? new Date(),
  };
}
