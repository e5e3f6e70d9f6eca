import type { PolicyTerms } from "@strata/contract";
import {
  type CostActivity,
  type CostCells,
  type CostModel,
  type CustomerEvent,
  INVENTORY_CARRYING_ACTIVITY,
  LINE_DRIVERS,
  stockForFillRate,
  zOf,
} from "@strata/core";
import { rawRows, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { listPolicies } from "./policies.js";
import { resolvePolicy, type ScopedPolicy } from "./resolve-policy.js";

/** Default annual holding rate of inventory (capital, storage, obsolescence), when none is given. */
export const DEFAULT_HOLDING_RATE = 0.2;

/** Weekly demand of one policy scope for one product: what safety and cycle stock are sized on. */
export interface DemandStats {
  scope: string;
  product: string;
  weeks: number;
  total: number;
  sumsq: number;
  unitCost: number | null;
}

/** The live policies that serve customers (segment-level ones and the workspace default). */
export async function liveCustomerPolicies(tx: Tx, tenantId: string): Promise<ScopedPolicy[]> {
  return (await listPolicies(tx, { tenantId })).filter((p) => !p.productClass && !p.channel);
}

/** Each customer's segments in the approved segment sets. */
export async function approvedSegmentsOf(tx: Tx, tenantId: string): Promise<Map<string, string[]>> {
  const memberships = await rawRows<{ customer_id: string; segment_id: string }>(
    tx,
    sql`select m.customer_id, m.segment_id from segment_memberships m
        join segment_sets s on s.id = m.segment_set_id
        where m.tenant_id = ${tenantId} and s.approved_version is not null`,
  );
  const segmentsOf = new Map<string, string[]>();
  for (const m of memberships) {
    const list = segmentsOf.get(m.customer_id);
    if (list) list.push(m.segment_id);
    else segmentsOf.set(m.customer_id, [m.segment_id]);
  }
  return segmentsOf;
}

/**
 * Weekly demand per scope and product of the customers mapped to each scope: the weeks of the
 * workspace's whole span (a week without orders counts as 0), the total and the sum of squares of
 * the weekly quantities, and the product's average unit cost.
 */
export async function demandByScope(
  tx: Tx,
  tenantId: string,
  mapping: Array<{ customer_id: string; scope: string }>,
): Promise<DemandStats[]> {
  if (mapping.length === 0) return [];
  const rows = await rawRows<{
    scope: string;
    product: string;
    weeks: number;
    total: number;
    sumsq: number;
    unit_cost: number | null;
  }>(
    tx,
    sql`
      with m as (select * from jsonb_to_recordset(${JSON.stringify(mapping)}::jsonb) as m(customer_id uuid, scope text)),
      span as (
        select greatest(1, round(extract(epoch from date_trunc('week', max(ordered_at)) - date_trunc('week', min(ordered_at))) / 604800)::int + 1) as weeks
        from order_lines where tenant_id = ${tenantId}
      ),
      w as (
        select m.scope, l.product, date_trunc('week', l.ordered_at) as week, sum(l.quantity) as q,
          sum(l.unit_cost) as cost_sum, count(l.unit_cost) as cost_n
        from order_lines l join m on m.customer_id = l.customer_id
        where l.tenant_id = ${tenantId} and l.quantity >= 0 and l.product is not null
        group by 1, 2, 3
      )
      select scope, product, (select weeks from span)::float8 as weeks, sum(q)::float8 as total,
        sum(q * q)::float8 as sumsq, (sum(cost_sum) / nullif(sum(cost_n), 0))::float8 as unit_cost
      from w group by 1, 2`,
  );
  return rows.map((r) => ({
    scope: r.scope,
    product: r.product,
    weeks: r.weeks,
    total: r.total,
    sumsq: r.sumsq,
    unitCost: r.unit_cost,
  }));
}

/**
 * The stock a policy holds for one product's weekly demand and what it costs to carry over the
 * period: safety stock z x sqrt(L) x sd (L in weeks, lead time certain), or the stock for a fill rate
 * with a drop's order quantity; cycle stock half a drop's quantity; valued at the product's average
 * unit cost. Make-to-order and assemble-to-order policies hold no finished stock (null).
 */
export function stockOfDemand(
  terms: PolicyTerms,
  demand: DemandStats,
  holdingRate: number,
  periodDays: number,
): { safetyStock: number; cost: number } | null {
  if (terms.inventoryStrategy !== "make-to-stock" || demand.unitCost === null) return null;
  const mean = demand.total / demand.weeks;
  const variance =
    demand.weeks > 1 ? Math.max(0, (demand.sumsq - demand.weeks * mean * mean) / (demand.weeks - 1)) : 0;
  const sd = Math.sqrt(variance);
  const leadWeeks = terms.leadTimeDays / 7;
  const q = mean / terms.dropsPerWeek;
  let safetyStock = 0;
  if (sd > 0 && leadWeeks > 0) {
    if (terms.serviceLevelKind === "cycle") safetyStock = zOf(terms.serviceLevel) * Math.sqrt(leadWeeks) * sd;
    else if (q > 0)
      safetyStock = Math.max(
        0,
        stockForFillRate(terms.serviceLevel, {
          demandMean: mean,
          demandSd: sd,
          leadTime: leadWeeks,
          orderQuantity: q,
        }).safetyStock,
      );
  }
  return { safetyStock, cost: holdingRate * demand.unitCost * (q / 2 + safetyStock) * (periodDays / 365) };
}

/**
 * Inventory carrying as a cost-to-serve activity: the stock every live make-to-stock policy holds
 * for its customers' weekly demand, per product, costed at the model's holding rate over the period
 * and shared among the policy's customers by the units they bought. Returns the model with the
 * activity added and one event per customer carrying its share (money, at rate 1); the model as it
 * was and no events when no live policy holds stock.
 */
export async function withInventoryCarrying(
  tx: Tx,
  params: { tenantId: string; model: CostModel; cells: CostCells; periodDays: number },
): Promise<{ model: CostModel; events: CustomerEvent[] }> {
  const { tenantId, model, cells, periodDays } = params;
  const none = { model, events: [] };
  const name = model.inventory?.name ?? INVENTORY_CARRYING_ACTIVITY;
  // A model that prices inventory carrying as an activity of its own keeps it that way.
  if (model.activities.some((a) => a.name === name)) return none;
  const live = (await liveCustomerPolicies(tx, tenantId)).filter(
    (p) => p.approvedTerms?.inventoryStrategy === "make-to-stock",
  );
  if (live.length === 0 || cells.customerIds.length === 0) return none;
  const segmentsOf = await approvedSegmentsOf(tx, tenantId);
  const scopeOf = cells.customerIds.map(
    (id) =>
      resolvePolicy(live, { segmentIds: segmentsOf.get(id) ?? [], productClass: null, channel: null }).policy,
  );
  const demand = await demandByScope(
    tx,
    tenantId,
    cells.customerIds.flatMap((id, c) => (scopeOf[c] ? [{ customer_id: id, scope: scopeOf[c].id }] : [])),
  );
  const holdingRate = model.inventory?.holdingRate ?? DEFAULT_HOLDING_RATE;
  const costOf = new Map<string, number>();
  for (const d of demand) {
    const terms = live.find((p) => p.id === d.scope)?.approvedTerms;
    const stock = terms ? stockOfDemand(terms, d, holdingRate, periodDays) : null;
    if (stock) costOf.set(d.scope, (costOf.get(d.scope) ?? 0) + stock.cost);
  }
  // Each customer's units sold, and each scope's total, to share the scope's cost.
  const unit = LINE_DRIVERS.indexOf("unit");
  const D = LINE_DRIVERS.length;
  const units = new Float64Array(cells.customerIds.length);
  for (let r = 0; r < cells.customer.length; r++) units[cells.customer[r]!]! += cells.drivers[r * D + unit]!;
  const scopeUnits = new Map<string, number>();
  scopeOf.forEach((p, c) => {
    if (p) scopeUnits.set(p.id, (scopeUnits.get(p.id) ?? 0) + units[c]!);
  });
  const events: CustomerEvent[] = [];
  scopeOf.forEach((p, c) => {
    const cost = p ? (costOf.get(p.id) ?? 0) : 0;
    const total = p ? (scopeUnits.get(p.id) ?? 0) : 0;
    if (cost > 0 && total > 0 && units[c]! > 0)
      events.push({
        customerId: cells.customerIds[c]!,
        activity: name,
        quantity: (cost * units[c]!) / total,
      });
  });
  if (events.length === 0) return none;
  const activity: CostActivity = {
    name,
    driver: `event:${name}`,
    kind: "event",
    event: name,
    rate: 1,
    note: `Carrying the cycle and safety stock the customer's policy holds: ${Math.round(holdingRate * 100)}% a year of its unit cost, shared among the policy's customers by units bought.`,
  };
  return { model: { ...model, activities: [...model.activities, activity] }, events };
}
