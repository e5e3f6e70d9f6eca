import { CoreInputError, type CostModel, costToServeOfCells } from "@strata/core";
import { rawRows, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { type CostToServeInput, readCostToServeInput } from "../cost-to-serve/compute-cost-to-serve-run.js";
import { resolvePolicy, type ScopedPolicy } from "./resolve-policy.js";

/** Weekly demand of one policy scope for one product: what safety and cycle stock are sized on. */
export interface DemandStats {
  scope: string;
  product: string;
  weeks: number;
  total: number;
  sumsq: number;
  unitCost: number | null;
}

/**
 * What every evaluation of a workspace's scenarios shares until its data changes: the lines summed per
 * customer, channel and region, their price under the live policies, each customer's live policy and
 * segments, and the weekly demand per live policy and product. Reading these is two full scans of the
 * order lines (seconds on millions of lines); an analyst trying one change after another should pay
 * that once, and each evaluation then reads only the lines of the customers whose policy changes.
 */
export interface ScenarioBase {
  fingerprint: string;
  input: CostToServeInput;
  priced: ReturnType<typeof costToServeOfCells>;
  periodDays: number;
  segmentsOf: Map<string, string[]>;
  policyBefore: Array<ScopedPolicy | null>;
  demandBefore: DemandStats[];
}

const MAX_TENANTS = 4;
const TTL_MS = 30 * 60_000;
const cache = new Map<string, { base: ScenarioBase; at: number }>();

/**
 * A cheap summary of everything the base is computed from; any write to it changes the summary: lines
 * added or updated (an import finishing), lines removed (erasure, retention), events, approved
 * memberships, live policies and the cost model.
 */
async function fingerprintOf(tx: Tx, tenantId: string, live: ScopedPolicy[], model: CostModel) {
  const [row] = await rawRows<Record<string, string | number | null>>(
    tx,
    sql`select
      (select count(*) from order_lines where tenant_id = ${tenantId})::text as lines,
      (select max(finished_at)::text from imports where tenant_id = ${tenantId}) as imported,
      (select count(*)::text || ':' || coalesce(max(id)::text, '') from activity_events where tenant_id = ${tenantId}) as events,
      (select count(*)::text || ':' || coalesce(sum(hashtext(m.customer_id::text || m.segment_id::text)::bigint), 0)::text
         from segment_memberships m join segment_sets s on s.id = m.segment_set_id
         where m.tenant_id = ${tenantId} and s.approved_version is not null) as memberships`,
  );
  return JSON.stringify([row, live, model]);
}

/** The base for this workspace as its data stands now: from the cache when nothing changed. */
export async function scenarioBase(
  tx: Tx,
  params: { tenantId: string; live: ScopedPolicy[]; model: CostModel },
): Promise<{ base: ScenarioBase; cached: boolean }> {
  const { tenantId, live, model } = params;
  const fingerprint = await fingerprintOf(tx, tenantId, live, model);
  const hit = cache.get(tenantId);
  const now = Date.now();
  if (hit && hit.base.fingerprint === fingerprint && now - hit.at < TTL_MS) {
    // Re-inserted so the map's order stays least recently used first.
    cache.delete(tenantId);
    cache.set(tenantId, { base: hit.base, at: hit.at });
    return { base: hit.base, cached: true };
  }
  const base = await buildBase(tx, tenantId, live, model, fingerprint);
  cache.delete(tenantId);
  cache.set(tenantId, { base, at: now });
  while (cache.size > MAX_TENANTS) cache.delete(cache.keys().next().value!);
  return { base, cached: false };
}

/** Forgets every cached base (tests, and a workspace's deletion). */
export function clearScenarioBases(tenantId?: string) {
  if (tenantId) cache.delete(tenantId);
  else cache.clear();
}

async function buildBase(
  tx: Tx,
  tenantId: string,
  live: ScopedPolicy[],
  model: CostModel,
  fingerprint: string,
): Promise<ScenarioBase> {
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
  const input = await readCostToServeInput({ tx }, { tenantId, model, segmentSetId: null });
  const { cells } = input;
  const periodDays = Number.isFinite(cells.spanDays) ? cells.spanDays : 365;
  let priced: ScenarioBase["priced"];
  try {
    priced = costToServeOfCells(cells, model, { events: input.events, periodDays });
  } catch (error) {
    if (error instanceof CoreInputError) throw new AppError("BAD_REQUEST", error.message, error.field);
    throw error;
  }
  const policyBefore = cells.customerIds.map(
    (id) =>
      resolvePolicy(live, { segmentIds: segmentsOf.get(id) ?? [], productClass: null, channel: null }).policy,
  );
  const demandBefore = await demandByScope(
    tx,
    tenantId,
    cells.customerIds.flatMap((id, c) => {
      const p = policyBefore[c];
      return p?.approvedTerms ? [{ customer_id: id, scope: p.id }] : [];
    }),
  );
  return { fingerprint, input, priced, periodDays, segmentsOf, policyBefore, demandBefore };
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
