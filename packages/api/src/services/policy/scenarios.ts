import type { PolicyTerms } from "@strata/contract";
import {
  CoreInputError,
  type CostCellRecord,
  type CustomerEvent,
  costCellsFromRecords,
  costToServeOfCells,
  LINE_DRIVERS,
  PAYMENT_TERMS_ACTIVITY,
} from "@strata/core";
import { policies, type ScenarioChange, scenarios, type Tx } from "@strata/db";
import { and, desc, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { getCostModel, validateCostModel } from "../cost-to-serve/cost-model.js";
import { DEFAULT_HOLDING_RATE, demandByScope, stockOfDemand } from "./inventory-carrying.js";
import { createPolicy, editPolicy, listPolicies, validTerms } from "./policies.js";
import { resolvePolicy, type ScopedPolicy } from "./resolve-policy.js";
import { ordersAndDrops, type ScenarioBase, scenarioBase } from "./scenario-base.js";

export interface ScenarioFigures {
  net_sales: number;
  gross_margin: number;
  cost_to_serve: number;
  activities: Record<string, number>;
  inventory_carrying_cost: number;
  safety_stock_units: number;
  net_profit: number;
}

export interface ScenarioResult {
  currency: string;
  holdingRate: number;
  periodDays: number;
  segments: Array<{
    segmentId: string | null;
    segment: string;
    customers: number;
    before: ScenarioFigures;
    after: ScenarioFigures;
  }>;
  totals: { before: ScenarioFigures; after: ScenarioFigures };
  /** How the lines were re-priced, in sentences (shown under the numbers). */
  notes: string[];
  ms: number;
  /** Where the time went, in ms: reading the lines, re-batching, pricing, stock. */
  timings: Record<string, number>;
}

type LivePolicy = Awaited<ReturnType<typeof listPolicies>>[number];

async function getScenario(tx: Tx, tenantId: string, id: string) {
  const [scenario] = await tx
    .select()
    .from(scenarios)
    .where(and(eq(scenarios.tenantId, tenantId), eq(scenarios.id, id)));
  if (!scenario) throw new AppError("NOT_FOUND", "Scenario not found");
  return scenario;
}

export async function listScenarios(tx: Tx, params: { tenantId: string }) {
  return tx
    .select({
      id: scenarios.id,
      name: scenarios.name,
      changes: sql<number>`jsonb_array_length(${scenarios.changes})`,
      evaluatedAt: scenarios.evaluatedAt,
      appliedAt: scenarios.appliedAt,
      createdAt: scenarios.createdAt,
      result: scenarios.result,
    })
    .from(scenarios)
    .where(eq(scenarios.tenantId, params.tenantId))
    .orderBy(desc(scenarios.createdAt));
}

/** A new scenario: the live (approved) policies as they are, nothing changed yet. */
export async function createScenario(tx: Tx, params: { tenantId: string; userId: string; name: string }) {
  const name = params.name.trim();
  if (!name) throw new AppError("BAD_REQUEST", "Give the scenario a name.", "name");
  const [scenario] = await tx
    .insert(scenarios)
    .values({ tenantId: params.tenantId, name, changes: [], createdBy: params.userId })
    .returning();
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "scenario.created",
    targetType: "scenario",
    targetId: scenario!.id,
    details: { name },
  });
  return scenario!;
}

export async function getScenarioView(tx: Tx, params: { tenantId: string; id: string }) {
  const scenario = await getScenario(tx, params.tenantId, params.id);
  const live = (await listPolicies(tx, params)).filter((p) => p.approvedTerms);
  return { scenario, livePolicies: live };
}

/** Replaces a scenario's changes (checked: terms, scopes of this workspace); the result is cleared. */
export async function updateScenario(
  tx: Tx,
  params: {
    tenantId: string;
    userId: string;
    id: string;
    name?: string | undefined;
    changes: ScenarioChange[];
  },
) {
  const scenario = await getScenario(tx, params.tenantId, params.id);
  if (scenario.appliedAt)
    throw new AppError("PRECONDITION_FAILED", "This scenario was applied: copy it to change it.");
  const live = await listPolicies(tx, params);
  const seen = new Set<string>();
  const changes = params.changes.map((c, i) => {
    const terms = (() => {
      try {
        return validTerms(c.terms);
      } catch (error) {
        if (error instanceof AppError)
          throw new AppError(
            "BAD_REQUEST",
            `changes[${i}].${error.message}`,
            `changes[${i}].${error.field ?? "terms"}`,
          );
        throw error;
      }
    })();
    if (!(c.salesLostShare >= 0 && c.salesLostShare < 1))
      throw new AppError(
        "BAD_REQUEST",
        `changes[${i}].salesLostShare: a share of sales lost is at least 0 and below 1`,
        `changes[${i}].salesLostShare`,
      );
    if (c.policyId && !live.some((p) => p.id === c.policyId))
      throw new AppError(
        "BAD_REQUEST",
        `changes[${i}]: that policy is not in this workspace`,
        `changes[${i}].policyId`,
      );
    const key = `${c.segmentId ?? ""}|${c.productClass ?? ""}|${c.channel ?? ""}`;
    if (seen.has(key))
      throw new AppError("BAD_REQUEST", `changes[${i}]: two changes for the same scope`, `changes[${i}]`);
    seen.add(key);
    return { ...c, terms };
  });
  const [saved] = await tx
    .update(scenarios)
    .set({
      ...(params.name?.trim() ? { name: params.name.trim() } : {}),
      changes,
      result: null,
      evaluatedAt: null,
      updatedAt: new Date(),
    })
    .where(eq(scenarios.id, scenario.id))
    .returning();
  return saved!;
}

function emptyFigures(): ScenarioFigures {
  return {
    net_sales: 0,
    gross_margin: 0,
    cost_to_serve: 0,
    activities: {},
    inventory_carrying_cost: 0,
    safety_stock_units: 0,
    net_profit: 0,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Which of a customer's terms a scenario changes, against the live policy (none: every term). */
interface TermChanges {
  channel: boolean;
  drops: boolean;
  minimum: boolean;
  paymentTerms: boolean;
  /** Allowance added by the scenario, % of net sales (the live one is already in the lines). */
  allowancePct: number;
}

function termChanges(before: PolicyTerms | null | undefined, after: PolicyTerms): TermChanges {
  return {
    channel: !before || before.deliveryChannel !== after.deliveryChannel,
    drops: !before || before.dropsPerWeek !== after.dropsPerWeek,
    minimum: !before || before.minOrderValue !== after.minOrderValue,
    paymentTerms: !before || before.paymentTermsDays !== after.paymentTermsDays,
    allowancePct: after.allowancePct - (before?.allowancePct ?? 0),
  };
}

/** The policies as the scenario sees them: the live approved ones with its changes on top. */
function scenarioPolicies(live: LivePolicy[], changes: ScenarioChange[]): ScopedPolicy[] {
  const out: ScopedPolicy[] = live.map((p) => {
    const change = changes.find((c) => c.policyId === p.id);
    return { ...p, approvedTerms: change ? change.terms : p.approvedTerms };
  });
  let added = 0;
  for (const c of changes) {
    if (c.policyId) continue;
    out.push({
      id: `new-${added++}`,
      name: c.name,
      segmentId: c.segmentId,
      productClass: c.productClass,
      channel: c.channel,
      approvedTerms: c.terms,
    });
  }
  // Re-pricing follows customer-level policies: product-class and channel ones shape stock only.
  return out.filter((p) => !p.productClass && !p.channel);
}

/**
 * Re-prices the period's real order lines under a scenario's policies and compares with the lines as
 * they happened, per policy scope and in total. For every customer whose policy changes: deliveries
 * re-batched to the new drops per week (fewer, larger drops; distance travelled falls with them),
 * the new channel's rates, orders under a new minimum merged into the next, payment terms, the
 * allowance off net sales and the expected share of sales lost; inventory carrying cost from the
 * safety stock each policy's service level needs (per scope and product, from weekly demand) and
 * the cycle stock of its drop frequency. Live policies are not touched. What does not depend on the
 * scenario (the lines as they happened, priced, and the live policies' demand) comes from the
 * workspace's scenario base, read once per change of its data; each evaluation reads only the lines
 * of the customers whose policy it changes.
 */
export async function evaluateScenario(
  tx: Tx,
  params: { tenantId: string; userId: string; id: string; holdingRate?: number | undefined },
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const { tenantId } = params;
  if (params.holdingRate !== undefined && !(params.holdingRate >= 0 && params.holdingRate < 5))
    throw new AppError(
      "BAD_REQUEST",
      "holdingRate: an annual holding rate is a share, e.g. 0.2",
      "holdingRate",
    );
  const scenario = await getScenario(tx, tenantId, params.id);
  const live = await listPolicies(tx, { tenantId });
  const model = validateCostModel((await getCostModel(tx, { tenantId })).model);
  // The cost model's holding rate, as cost-to-serve runs charge inventory carrying, unless asked otherwise.
  const holdingRate = params.holdingRate ?? model.inventory?.holdingRate ?? DEFAULT_HOLDING_RATE;
  const before = live.filter((p) => !p.productClass && !p.channel);
  const after = scenarioPolicies(live, scenario.changes);
  const lostOf = new Map(
    scenario.changes.map((c) => [
      c.policyId ?? `${c.segmentId}|${c.productClass}|${c.channel}`,
      c.salesLostShare,
    ]),
  );

  const timings: Record<string, number> = {};
  let lap = performance.now();
  const mark = (what: string) => {
    const now = performance.now();
    timings[what] = Math.round(now - lap);
    lap = now;
  };
  mark("policies");
  const { base, cached } = await scenarioBase(tx, { tenantId, live: before, model });
  mark(cached ? "base (unchanged data, kept)" : "base (lines read and priced as they happened)");
  const { input, policyBefore, segmentsOf, periodDays } = base;
  const cells = input.cells;
  const n = cells.customerIds.length;
  const policyAfter: Array<ScopedPolicy | null> = new Array(n);
  // What changes for a customer: only the terms the scenario sets differently from the live policy
  // (a customer without a live policy takes every term); the lines already reflect the rest.
  const changed: Array<{ customerId: string; terms: PolicyTerms; moved: TermChanges }> = [];
  // Customers with the same segments resolve alike: once per combination, and once per pair of
  // policies for what changes.
  const resolved = new Map<string, ScopedPolicy | null>();
  const moves = new Map<string, TermChanges | null>();
  for (let c = 0; c < n; c++) {
    const id = cells.customerIds[c]!;
    const segmentIds = segmentsOf.get(id) ?? [];
    const key = segmentIds.join(",");
    let policy = resolved.get(key);
    if (policy === undefined) {
      policy = resolvePolicy(after, { segmentIds, productClass: null, channel: null }).policy;
      resolved.set(key, policy);
    }
    policyAfter[c] = policy;
    const a = policy?.approvedTerms;
    if (!a) continue;
    const pairKey = `${policyBefore[c]?.id ?? ""}>${policy!.id}`;
    let moved = moves.get(pairKey);
    if (moved === undefined) {
      const b = policyBefore[c]?.approvedTerms;
      moved = JSON.stringify(a) !== JSON.stringify(b) ? termChanges(b, a) : null;
      moves.set(pairKey, moved);
    }
    if (moved) changed.push({ customerId: id, terms: a, moved });
  }

  // Re-batched drops and merged orders of the customers whose policy changes: each customer's drops
  // per week and order values come from the base (read from their lines the first time they change).
  const rebatching = changed.filter((x) => x.moved.drops || x.moved.minimum);
  const history = await ordersAndDrops(
    tx,
    tenantId,
    base,
    rebatching.map((x) => x.customerId),
  );
  const rebatched = new Map<
    string,
    { drops: number; dropsAfter: number; orders: number; ordersAfter: number }
  >();
  for (const x of rebatching) {
    const h = history.get(x.customerId);
    if (!h) continue;
    const k = x.moved.drops ? Math.ceil(x.terms.dropsPerWeek) : Number.POSITIVE_INFINITY;
    const min = x.moved.minimum ? x.terms.minOrderValue : 0;
    let drops = 0;
    let dropsAfter = 0;
    for (const n of h.dropsPerWeek) {
      drops += n;
      dropsAfter += Math.min(n, k);
    }
    let kept = 0;
    for (const v of h.orderValues) if (v >= min) kept++;
    rebatched.set(x.customerId, {
      drops,
      dropsAfter,
      orders: h.orderValues.length,
      ordersAfter: h.orderValues.length > 0 ? Math.max(kept, 1) : 0,
    });
  }

  mark("rebatch");
  // The changed customers' cells as re-priced: their lines move to the new channel, with fewer drops.
  // A customer's cost is its own drivers times the model's rates (a time-driven rate is its pool over
  // its capacity), so the others keep their price as it happened.
  const termsOf = new Map(changed.map((x) => [x.customerId, x]));
  const records: CostCellRecord[] = [];
  const D = LINE_DRIVERS.length;
  for (let r = 0; r < cells.customer.length; r++) {
    const c = cells.customer[r]!;
    const customerId = cells.customerIds[c]!;
    const change = termsOf.get(customerId);
    if (!change) continue;
    const drivers = Object.fromEntries(
      LINE_DRIVERS.map((d, k) => [d, cells.drivers[r * D + k]!]),
    ) as CostCellRecord["drivers"];
    const terms = change.terms;
    const policy = policyAfter[c]!;
    const lost = lostOf.get(policy.id) ?? lostOf.get(`${policy.segmentId}|null|null`) ?? 0;
    const keep = 1 - lost;
    const rb = rebatched.get(customerId);
    const dropRatio = rb && rb.drops > 0 ? rb.dropsAfter / rb.drops : 1;
    const orderRatio = rb && rb.orders > 0 ? rb.ordersAfter / rb.orders : 1;
    const gross = cells.grossSales[r]! * keep;
    const returns = cells.returnsAllowances[r]! * keep;
    const discounts = cells.discounts[r]! * keep;
    const allowance = ((gross - discounts - returns) * change.moved.allowancePct) / 100;
    const channel = cells.channel[r]! >= 0 ? cells.channels[cells.channel[r]!] : undefined;
    records.push({
      customerId,
      channel: change.moved.channel ? terms.deliveryChannel : channel,
      region: cells.region[r]! >= 0 ? cells.regions[cells.region[r]!] : undefined,
      grossSales: gross,
      discounts: discounts + allowance,
      returnsAllowances: returns,
      cogs: cells.cogs[r]! * keep,
      drivers: {
        order: drivers.order * orderRatio * keep,
        order_line: drivers.order_line * keep,
        unit: drivers.unit * keep,
        kg: drivers.kg * keep,
        delivery: drivers.delivery * dropRatio * keep,
        distance: drivers.distance * dropRatio * keep,
        returned_line: drivers.returned_line * keep,
        returned_unit: drivers.returned_unit * keep,
      },
    });
  }
  const afterCells = costCellsFromRecords(records, {
    linesWithoutCost: cells.linesWithoutCost,
    spanDays: cells.spanDays,
  });
  const eventsAfter: CustomerEvent[] = input.events.filter(
    (e) =>
      termsOf.has(e.customerId) &&
      !(e.activity === PAYMENT_TERMS_ACTIVITY && termsOf.get(e.customerId)?.moved.paymentTerms),
  );
  if (model.financing)
    for (const [customerId, change] of termsOf)
      if (change.moved.paymentTerms)
        eventsAfter.push({
          customerId,
          activity: PAYMENT_TERMS_ACTIVITY,
          quantity: change.terms.paymentTermsDays,
        });

  let pricedAfter: Pick<ReturnType<typeof costToServeOfCells>, "customers"> = { customers: [] };
  try {
    if (records.length > 0)
      pricedAfter = costToServeOfCells(afterCells, model, { events: eventsAfter, periodDays });
  } catch (error) {
    if (error instanceof CoreInputError) throw new AppError("BAD_REQUEST", error.message, error.field);
    throw error;
  }

  mark("price");
  const stock = await inventoryByScope(tx, tenantId, {
    base,
    policyAfter,
    holdingRate,
    periodDays,
  });

  // Group customers by the scope they are served under after the scenario (its segment's name).
  const segmentNames = new Map(
    live.filter((p) => p.segmentId).map((p) => [p.segmentId!, p.segmentName ?? "Segment"]),
  );
  for (const c of scenario.changes)
    if (c.segmentId && !segmentNames.has(c.segmentId)) segmentNames.set(c.segmentId, c.name);
  const groups = new Map<
    string,
    {
      segmentId: string | null;
      segment: string;
      customers: number;
      before: ScenarioFigures;
      after: ScenarioFigures;
    }
  >();
  const totals = { before: emptyFigures(), after: emptyFigures() };
  const add = (f: ScenarioFigures, c: (typeof pricedAfter.customers)[number]) => {
    f.net_sales += c.net_sales;
    f.gross_margin += c.gross_margin;
    f.cost_to_serve += c.cost_to_serve;
    for (const k in c.activities) f.activities[k] = (f.activities[k] ?? 0) + c.activities[k]!;
  };
  const afterById = new Map(pricedAfter.customers.map((c) => [c.customer_id, c]));
  base.priced.customers.forEach((b, c) => {
    const p = policyAfter[c] ?? policyBefore[c];
    const key = p?.segmentId ?? "";
    let g = groups.get(key);
    if (!g) {
      g = {
        segmentId: p?.segmentId ?? null,
        segment: p?.segmentId ? (segmentNames.get(p.segmentId) ?? "Segment") : "Everyone else",
        customers: 0,
        before: emptyFigures(),
        after: emptyFigures(),
      };
      groups.set(key, g);
    }
    g.customers++;
    add(g.before, b);
    add(g.after, afterById.get(b.customer_id) ?? b);
  });
  const merge = (into: ScenarioFigures, f: ScenarioFigures) => {
    into.net_sales += f.net_sales;
    into.gross_margin += f.gross_margin;
    into.cost_to_serve += f.cost_to_serve;
    for (const [k, v] of Object.entries(f.activities)) into.activities[k] = (into.activities[k] ?? 0) + v;
  };
  for (const g of groups.values()) {
    merge(totals.before, g.before);
    merge(totals.after, g.after);
  }
  for (const s of stock) {
    for (const f of [groups.get(s.segmentId ?? "")?.[s.side], totals[s.side]]) {
      if (!f) continue;
      f.inventory_carrying_cost += s.cost;
      f.safety_stock_units += s.safetyStock;
    }
  }
  const finish = (f: ScenarioFigures): ScenarioFigures => ({
    net_sales: round(f.net_sales),
    gross_margin: round(f.gross_margin),
    cost_to_serve: round(f.cost_to_serve + f.inventory_carrying_cost),
    activities: Object.fromEntries(
      [...Object.entries(f.activities), ["inventory carrying", f.inventory_carrying_cost] as const].map(
        ([k, v]) => [k, round(v)],
      ),
    ),
    inventory_carrying_cost: round(f.inventory_carrying_cost),
    safety_stock_units: Math.round(f.safety_stock_units),
    net_profit: round(f.gross_margin - f.cost_to_serve - f.inventory_carrying_cost),
  });
  const result: ScenarioResult = {
    currency: model.currency,
    holdingRate,
    periodDays,
    segments: [...groups.values()]
      .map((g) => ({ ...g, before: finish(g.before), after: finish(g.after) }))
      .sort((a, b) =>
        a.segmentId === null ? 1 : b.segmentId === null ? -1 : a.segment.localeCompare(b.segment),
      ),
    totals: { before: finish(totals.before), after: finish(totals.after) },
    notes: [
      `${changed.length.toLocaleString("en")} customers are served under a changed policy; the others' lines are priced as they happened.`,
      "Deliveries are re-batched to at most the policy's drops per week (distance falls with them); orders under a minimum value merge into the next; lines move to the policy's delivery channel's rates.",
      `Inventory carrying cost: ${Math.round(holdingRate * 100)}% a year of unit cost x (cycle stock + safety stock), per policy and product, over ${periodDays} days.`,
    ],
    ms: 0,
    timings,
  };
  mark("stock");
  result.ms = Math.round(performance.now() - t0);
  await tx
    .update(scenarios)
    .set({ result: result as unknown as Record<string, unknown>, evaluatedAt: new Date() })
    .where(and(eq(scenarios.tenantId, tenantId), eq(scenarios.id, params.id)));
  return result;
}

/**
 * Safety and cycle stock per policy and product: weekly demand of the policy's customers per product
 * (empty weeks count as 0), safety stock z x sqrt(L) x sd (L in weeks, lead time certain) or the
 * stock for a fill rate with a drop's order quantity; cycle stock half a drop's quantity; valued at
 * the product's average unit cost and the holding rate over the period. Make-to-order and
 * assemble-to-order policies hold no finished stock. Before, every scope's demand comes from the
 * base; after, a scope keeps that demand unless customers move into or out of it (a new scope), and
 * only such scopes' demand is read again, for their customers after the scenario.
 */
async function inventoryByScope(
  tx: Tx,
  tenantId: string,
  params: {
    base: ScenarioBase;
    policyAfter: Array<ScopedPolicy | null>;
    holdingRate: number;
    periodDays: number;
  },
) {
  const { base, policyAfter } = params;
  const customers = base.input.cells.customerIds;
  const policyOf = { before: new Map<string, ScopedPolicy>(), after: new Map<string, ScopedPolicy>() };
  const moved = new Set<string>();
  customers.forEach((_, c) => {
    const b = base.policyBefore[c];
    const a = policyAfter[c];
    if (b?.approvedTerms) policyOf.before.set(b.id, b);
    if (a?.approvedTerms) policyOf.after.set(a.id, a);
    const bs = b?.approvedTerms ? b.id : null;
    const as = a?.approvedTerms ? a.id : null;
    if (bs !== as) {
      if (bs) moved.add(bs);
      if (as) moved.add(as);
    }
  });
  const demandAfter = [
    ...base.demandBefore.filter((d) => !moved.has(d.scope) && policyOf.after.has(d.scope)),
    ...(await demandByScope(
      tx,
      tenantId,
      customers.flatMap((id, c) => {
        const a = policyAfter[c];
        return a?.approvedTerms && moved.has(a.id) ? [{ customer_id: id, scope: a.id }] : [];
      }),
    )),
  ];
  const sums = new Map<
    string,
    { side: "before" | "after"; segmentId: string | null; cost: number; safetyStock: number }
  >();
  for (const [side, demand] of [
    ["before", base.demandBefore],
    ["after", demandAfter],
  ] as const) {
    for (const r of demand) {
      const policy = policyOf[side].get(r.scope);
      const stock = policy?.approvedTerms
        ? stockOfDemand(policy.approvedTerms, r, params.holdingRate, params.periodDays)
        : null;
      if (!policy || !stock) continue;
      const key = `${side}|${r.scope}`;
      const sum = sums.get(key) ?? { side, segmentId: policy.segmentId, cost: 0, safetyStock: 0 };
      sum.safetyStock += stock.safetyStock;
      sum.cost += stock.cost;
      sums.set(key, sum);
    }
  }
  return [...sums.values()];
}

/**
 * Applies a scenario: each changed live policy gets a new version with the scenario's terms, in
 * review (live terms change only when an approver approves it); new scopes become new policies in
 * review. The scenario is marked applied.
 */
export async function applyScenario(tx: Tx, params: { tenantId: string; userId: string; id: string }) {
  const scenario = await getScenario(tx, params.tenantId, params.id);
  if (scenario.appliedAt) throw new AppError("PRECONDITION_FAILED", "This scenario was already applied.");
  if (scenario.changes.length === 0) throw new AppError("BAD_REQUEST", "This scenario changes nothing.");
  const created: string[] = [];
  for (const change of scenario.changes) {
    let id = change.policyId;
    if (id) {
      const [policy] = await tx
        .select()
        .from(policies)
        .where(and(eq(policies.tenantId, params.tenantId), eq(policies.id, id)));
      if (!policy) throw new AppError("PRECONDITION_FAILED", `A policy of this scenario no longer exists.`);
      if (JSON.stringify(policy.terms) !== JSON.stringify(change.terms))
        await editPolicy(tx, {
          tenantId: params.tenantId,
          userId: params.userId,
          id,
          baseVersion: policy.version,
          message: `From scenario "${scenario.name}"`,
          terms: change.terms,
        });
    } else {
      const policy = await createPolicy(tx, {
        tenantId: params.tenantId,
        userId: params.userId,
        name: change.name,
        scope: {
          segmentId: change.segmentId,
          productClass: change.productClass as never,
          channel: change.channel,
        },
        terms: change.terms,
      });
      id = policy.id;
    }
    const [row] = await tx.select().from(policies).where(eq(policies.id, id));
    if (row!.status === "draft")
      await tx
        .update(policies)
        .set({ status: "in_review", updatedAt: new Date() })
        .where(eq(policies.id, id));
    created.push(id);
  }
  await tx.update(scenarios).set({ appliedAt: new Date() }).where(eq(scenarios.id, scenario.id));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "scenario.applied",
    targetType: "scenario",
    targetId: scenario.id,
    details: { name: scenario.name, policies: created },
  });
  return { id: scenario.id, policies: created };
}
