import { CoreInputError, type CostModel, costToServeOfCells } from "@strata/core";
import { type Database, rawRows, type Tx, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { type CostToServeInput, readCostToServeInput } from "../cost-to-serve/compute-cost-to-serve-run.js";
import { getCostModel, validateCostModel } from "../cost-to-serve/cost-model.js";
import {
  approvedSegmentsOf,
  type DemandStats,
  demandByScope,
  liveCustomerPolicies,
} from "./inventory-carrying.js";
import { orderLinesVersion } from "./lines-version.js";
import { resolvePolicy, type ScopedPolicy } from "./resolve-policy.js";

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
  /** Per customer, read the first time a scenario re-batches them (see ordersAndDrops). */
  history: Map<string, OrderHistory>;
}

/** What re-batching a customer needs: drops in each week with a drop, and each order's value. */
export interface OrderHistory {
  dropsPerWeek: number[];
  orderValues: number[];
}

const MAX_TENANTS = 4;
const TTL_MS = 30 * 60_000;
const cache = new Map<string, { base: ScenarioBase; at: number }>();
/** Bases being read, by tenant and fingerprint: a second caller waits for the first read. */
const building = new Map<string, Promise<ScenarioBase>>();

/**
 * A cheap summary of everything the base is computed from; any write to it changes the summary: lines
 * added or updated (an import finishing), lines removed (erasure, retention), events, approved
 * memberships, live policies and the cost model.
 */
async function fingerprintOf(tx: Tx, tenantId: string, live: ScopedPolicy[], model: CostModel) {
  const lines = await orderLinesVersion(tx, tenantId);
  const [row] = await rawRows<Record<string, string | number | null>>(
    tx,
    sql`select
      (select count(*)::text || ':' || coalesce(max(id)::text, '') from activity_events where tenant_id = ${tenantId}) as events,
      (select count(*)::text || ':' || coalesce(sum(hashtext(m.customer_id::text || m.segment_id::text)::bigint), 0)::text
         from segment_memberships m join segment_sets s on s.id = m.segment_set_id
         where m.tenant_id = ${tenantId} and s.approved_version is not null) as memberships`,
  );
  return JSON.stringify([lines, row, live, model]);
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
  const key = `${tenantId}|${fingerprint}`;
  const pending = building.get(key);
  if (pending) return { base: await pending, cached: true };
  const read = buildBase(tx, tenantId, live, model, fingerprint);
  building.set(key, read);
  try {
    const base = await read;
    cache.delete(tenantId);
    cache.set(tenantId, { base, at: Date.now() });
    while (cache.size > MAX_TENANTS) cache.delete(cache.keys().next().value!);
    return { base, cached: false };
  } finally {
    building.delete(key);
  }
}

/**
 * Reads the workspace's base ahead of an evaluation (when a scenario is opened), in a transaction of
 * its own, so the analyst's first evaluation finds it ready. Errors are left to the evaluation.
 */
export function warmScenarioBase(database: Database, tenantId: string): void {
  void withTenant(database.db, tenantId, async (tx) => {
    const model = validateCostModel((await getCostModel(tx, { tenantId })).model);
    await scenarioBase(tx, { tenantId, live: await liveCustomerPolicies(tx, tenantId), model });
  }).catch(() => {});
}

/** Whether a base of the workspace is kept (tests). */
export function hasScenarioBase(tenantId: string): boolean {
  return cache.has(tenantId);
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
  const segmentsOf = await approvedSegmentsOf(tx, tenantId);
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
  return {
    fingerprint,
    input,
    priced,
    periodDays,
    segmentsOf,
    policyBefore,
    demandBefore,
    history: new Map(),
  };
}

/**
 * The customers' drops per ISO week (a drop is a delivery id, or the order without one) and their
 * orders' net values, sales lines only: from the base, reading the lines of those not read before.
 * A scenario's frequency and minimum then re-batch them without reading a line.
 */
export async function ordersAndDrops(
  tx: Tx,
  tenantId: string,
  base: ScenarioBase,
  customerIds: ReadonlyArray<string>,
): Promise<Map<string, OrderHistory>> {
  const missing = customerIds.filter((id) => !base.history.has(id));
  if (missing.length > 0) {
    const rows = await rawRows<{ customer_id: string; weeks: number[] | null; orders: number[] | null }>(
      tx,
      sql`
        with m as (select * from jsonb_to_recordset(${JSON.stringify(missing.map((customer_id) => ({ customer_id })))}::jsonb) as m(customer_id uuid)),
        l as (
          select l.customer_id,
            coalesce(l.order_id, '@' || to_char(l.ordered_at at time zone 'UTC', 'YYYY-MM-DD')) as ok,
            coalesce('d' || nullif(btrim(l.delivery_id), ''), 'o' || coalesce(l.order_id, '@' || to_char(l.ordered_at at time zone 'UTC', 'YYYY-MM-DD'))) as dk,
            date_trunc('week', l.ordered_at at time zone 'UTC') as week,
            l.quantity * l.unit_price - coalesce(l.discount, 0) as value
          from order_lines l join m on m.customer_id = l.customer_id
          where l.tenant_id = ${tenantId} and l.quantity >= 0
        ),
        w as (select customer_id, week, count(distinct dk)::int as n from l group by 1, 2),
        o as (select customer_id, ok, sum(value)::float8 as value from l group by 1, 2)
        select customer_id, w.weeks, o.orders
        from (select customer_id, array_agg(n) as weeks from w group by 1) w
        full join (select customer_id, array_agg(value) as orders from o group by 1) o using (customer_id)`,
    );
    const read = new Set<string>();
    for (const r of rows) {
      read.add(r.customer_id);
      base.history.set(r.customer_id, {
        dropsPerWeek: (r.weeks ?? []).map(Number),
        orderValues: (r.orders ?? []).map(Number),
      });
    }
    for (const id of missing) if (!read.has(id)) base.history.set(id, { dropsPerWeek: [], orderValues: [] });
  }
  return base.history;
}
