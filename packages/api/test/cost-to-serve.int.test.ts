import { randomUUID } from "node:crypto";
import { DEFAULT_POLICY_TERMS } from "@strata/contract";
import { type CostLineFields, computeCostToServe, costLinesFromRecords, parseCostModel } from "@strata/core";
import { testDrivers, withTenant } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportConsumer, startImportConsumer } from "../src/jobs/import-consumer.js";
import { closeJobQueue } from "../src/jobs/queue.js";
import { demoCostModel } from "../src/services/cost-to-serve/cost-model.js";
import { recomputeCustomerFeatures } from "../src/services/customer/recompute-customer-features.js";
import { expectTRPCError, fieldOf, openHarness } from "./harness.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

const MODEL = {
  currency: "EUR",
  pools: [{ name: "order desk", cost: 300, capacity_minutes: 400 }],
  activities: [
    {
      name: "order entry",
      driver: "order",
      pool: "order desk",
      minutes_per_driver: 8,
      by: { channel: { pickup: 5 }, region: { east: 20 } },
    },
    { name: "picking", driver: "order_line", rate: 0.9, by: { channel_region: { "pickup|south": 1.5 } } },
    { name: "delivery", driver: "delivery", rate: 25, by: { channel: { pickup: 0 } } },
    { name: "distance", driver: "distance", rate: 0.6 },
    { name: "returns", driver: "returned_line", rate: 12 },
    { name: "account management", driver: "customer_year", rate: 730 },
    { name: "sales visits", driver: "event:sales_visit", rate: 120 },
  ],
  financing: { annual_rate: 0.073, default_days: 10 },
};

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Seeded {
  ids: Map<string, string>;
  lines: CostLineFields[];
  events: Array<{ customerId: string; activity: string; quantity: number }>;
  segmentSetId: string;
  memberships: Map<string, string>;
}

/** Six customers with orders (one a loss maker), events (some the model ignores) and a published set. */
async function seedWorkspace(h: Harness, tenantId: string): Promise<Seeded> {
  const ids = new Map<string, string>();
  for (let i = 0; i < 7; i++) {
    const id = randomUUID();
    ids.set(`K${i}`, id);
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, $3)", [
      id,
      tenantId,
      `K${i}`,
    ]);
  }
  // K6 has no order lines: only events, which the run leaves out.
  await h.database.query(
    "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
    [ids.get("K0"), tenantId, JSON.stringify({ frequency: 3 })],
  );
  const datasetId = randomUUID();
  const lines: CostLineFields[] = [];
  for (let c = 0; c < 6; c++) {
    const customerId = ids.get(`K${c}`)!;
    for (let o = 0; o < 2 + c; o++) {
      const day = new Date(Date.UTC(2025, 0, 1 + o * 7 + c));
      for (let l = 0; l < 1 + (o % 3); l++) {
        // K4's orders mix channels and regions: an order and its drop count where its first line is.
        const channel = c % 3 === 0 || (c === 4 && l === 1) ? "pickup" : "parcel";
        const isReturn = c === 5 && l === 1;
        lines.push({
          customerId,
          orderId: `O${o}`,
          quantity: isReturn ? -1 : 1 + l + c,
          unitPrice: c === 5 ? 3 : 10 + l,
          time: day.getTime(),
          unitCost: c === 5 ? 2.8 : 6,
          discount: l === 0 ? 0.5 : undefined,
          deliveryId: `D${o}`,
          distance: c % 3 === 0 ? 0 : 12 + c,
          weightKg: 2,
          channel,
          region: c < 3 ? "north" : c === 4 && l === 2 ? "east" : "south",
          product: `P${l}`,
          category: "Goods",
        });
      }
    }
  }
  for (const line of lines)
    await h.database.query(
      `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity,
        unit_price, product, category, channel, region, weight, unit_cost, discount, delivery_id, distance)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        tenantId,
        datasetId,
        line.customerId,
        randomUUID(),
        line.orderId,
        new Date(line.time!).toISOString(),
        line.quantity,
        line.unitPrice,
        line.product,
        line.category,
        line.channel,
        line.region,
        line.weightKg,
        line.unitCost,
        line.discount ?? null,
        line.deliveryId,
        line.distance,
      ],
    );
  const stored = [
    { customer: "K0", activity: "sales_visit", quantity: 2 },
    { customer: "K0", activity: "sales_visit", quantity: 1 },
    { customer: "K5", activity: "sales_visit", quantity: 6 },
    { customer: "K1", activity: "payment_terms_days", quantity: 60 },
    { customer: "K2", activity: "statement", quantity: 12 },
    { customer: "K6", activity: "sales_visit", quantity: 4 },
  ];
  for (const e of stored)
    await h.database.query(
      `insert into activity_events (tenant_id, dataset_id, customer_id, event_key, activity, quantity)
       values ($1, $2, $3, $4, $5, $6)`,
      [tenantId, randomUUID(), ids.get(e.customer), randomUUID(), e.activity, e.quantity],
    );
  // What the run reads: the model's events of customers with order lines, summed per activity.
  const events = [
    { customerId: ids.get("K0")!, activity: "sales_visit", quantity: 3 },
    { customerId: ids.get("K5")!, activity: "sales_visit", quantity: 6 },
    { customerId: ids.get("K1")!, activity: "payment_terms_days", quantity: 60 },
  ];

  const segmentSetId = randomUUID();
  await h.database.query(
    "insert into segment_sets (id, tenant_id, name, customer_count) values ($1, $2, $3, 4)",
    [segmentSetId, tenantId, "Value tiers"],
  );
  const segmentIds = { Gold: randomUUID(), Bronze: randomUUID() };
  let position = 0;
  for (const [name, id] of Object.entries(segmentIds))
    await h.database.query(
      "insert into segments (id, tenant_id, segment_set_id, position, name, color) values ($1, $2, $3, $4, $5, '#336699')",
      [id, tenantId, segmentSetId, position++, name],
    );
  const memberships = new Map<string, string>();
  for (const [customer, segment] of [
    ["K0", "Gold"],
    ["K1", "Gold"],
    ["K2", "Bronze"],
    ["K5", "Bronze"],
  ] as const) {
    memberships.set(ids.get(customer)!, segment);
    await h.database.query(
      "insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id) values ($1, $2, $3, $4)",
      [segmentSetId, ids.get(customer), segmentIds[segment], tenantId],
    );
  }
  return { ids, lines, events, segmentSetId, memberships };
}

const FIGURES = [
  "gross_sales",
  "discounts",
  "returns_allowances",
  "net_sales",
  "cogs",
  "gross_margin",
  "cost_to_serve",
  "net_profit",
] as const;

describe.each(testDrivers())("cost-to-serve on %s", (driver) => {
  let h: Harness;
  let consumer: ImportConsumer | undefined;

  beforeAll(async () => {
    h = await openHarness(driver);
    consumer = await startImportConsumer(h.database, {
      staleAfterSeconds: 5,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      profileSweepIntervalSeconds: 600,
      log: () => {},
    });
  });
  afterAll(async () => {
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    await closeJobQueue(h.database);
    await h?.cleanup();
  });

  it("shows an empty default model until one is saved, and names the field of a bad model without storing it", async () => {
    const { owner, workspace } = await h.newWorkspace("model");
    expect(await owner.caller.costToServe.getModel({ workspace })).toEqual({
      model: { currency: "EUR", activities: [] },
      updatedAt: null,
      isDefault: true,
    });
    const bad = [
      [
        { ...MODEL, activities: [...MODEL.activities.slice(0, 2), { name: "x", driver: "pallet", rate: 1 }] },
        "activities[2].driver",
      ],
      [{ ...MODEL, activities: [{ name: "picking", driver: "order_line", rate: -1 }] }, "activities[0].rate"],
      [{ activities: [] }, "currency"],
    ] as const;
    for (const [model, field] of bad) {
      const error = await expectTRPCError(
        owner.caller.costToServe.updateModel({ workspace, model }),
        "BAD_REQUEST",
        new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: `),
      );
      expect(fieldOf(error)).toBe(field);
    }
    expect((await owner.caller.costToServe.getModel({ workspace })).isDefault).toBe(true);

    const saved = await owner.caller.costToServe.updateModel({ workspace, model: MODEL });
    expect(saved).toMatchObject({ model: MODEL, isDefault: false });
    expect(saved.updatedAt).toBeInstanceOf(Date);
    expect(await owner.caller.costToServe.getModel({ workspace })).toEqual(saved);
  });

  it("has a valid demo model that core reads", () => {
    expect(parseCostModel(demoCostModel()).activities.length).toBeGreaterThan(5);
  });

  it("computes in the worker what core computes on the same data, with segment totals summing their customers", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("compute");
    const seeded = await seedWorkspace(h, tenant.id);
    await owner.caller.costToServe.updateModel({ workspace, model: MODEL });

    const queued = await owner.caller.costToServe.compute({
      workspace,
      segmentSetId: seeded.segmentSetId,
      periodDays: 90,
    });
    expect(queued).toEqual({ id: expect.any(String), status: "queued" });
    const latest = await until("the run to finish", async () => {
      const l = await owner.caller.costToServe.latest({ workspace });
      return l.run?.status === "succeeded" || l.run?.status === "failed" ? l : undefined;
    });
    expect(latest.run).toMatchObject({
      id: queued.id,
      status: "succeeded",
      error: null,
      progress: { percent: 100 },
      segmentSetId: seeded.segmentSetId,
      segmentSetName: "Value tiers",
    });
    const result = latest.result!;

    const expected = computeCostToServe(costLinesFromRecords(seeded.lines), parseCostModel(MODEL), {
      events: seeded.events,
      memberships: seeded.memberships,
      periodDays: 90,
    });
    expect(result.currency).toBe("EUR");
    for (const f of FIGURES) expect(result.totals[f]).toBe(expected.totals[f]);
    expect(result.segments.map((s) => s.segment)).toEqual(["Bronze", "Gold", "Unassigned"]);

    const all = [];
    let cursor: string | undefined;
    do {
      const page = await owner.caller.costToServe.customers({
        workspace,
        runId: queued.id,
        limit: 4,
        cursor,
      });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(6);
    // Default order: the biggest loss first.
    const profits = all.map((c) => c.net_profit);
    expect(profits).toEqual([...profits].sort((a, b) => a - b));
    for (const want of expected.customers) {
      const got = all.find((c) => c.customerId === want.customer_id)!;
      expect(got.externalId).toBe([...seeded.ids].find(([, id]) => id === want.customer_id)![0]);
      expect(got.segment).toBe(want.segment);
      for (const f of FIGURES) expect(got[f], f).toBe(want[f]);
      expect(got.activities).toEqual(want.activities);
      expect(got.margin_pct).toBe(want.margin_pct);
      expect(got.cts_pct_of_sales).toBe(want.cts_pct_of_sales);
    }
    for (const segment of result.segments) {
      const members = all.filter((c) => c.segment === segment.segment);
      expect(segment.customers).toBe(members.length);
      for (const f of FIGURES) {
        const sum = members.reduce((s, c) => s + c[f], 0);
        expect(Math.abs(segment[f] - sum), `${segment.segment} ${f}`).toBeLessThanOrEqual(
          0.01 * members.length,
        );
      }
      const one = await owner.caller.costToServe.customers({
        workspace,
        runId: queued.id,
        segment: segment.segment,
      });
      expect(one.items.map((c) => c.customerId).sort()).toEqual(members.map((c) => c.customerId).sort());
    }
    expect(result.lossMakers.customers).toBe(expected.customers.filter((c) => c.net_profit < 0).length);
    expect(result.whale.length).toBe(6);
    expect(result.whalePeak).not.toBeNull();
    expect(result.unusedCapacity).toEqual([
      { activity: "order desk", cost: expected.unused_capacity[0]!.unused_cost },
    ]);

    const k0 = seeded.ids.get("K0")!;
    const one = await owner.caller.costToServe.customer({ workspace, customerId: k0 });
    const want = expected.customers.find((c) => c.customer_id === k0)!;
    expect(one).toMatchObject({
      runId: queued.id,
      currency: "EUR",
      segment: "Gold",
      net_profit: want.net_profit,
    });
    expect(
      await owner.caller.costToServe.customer({ workspace, customerId: seeded.ids.get("K6")! }),
    ).toBeNull();

    // Profitability features follow the stored result, in the job's next transaction.
    const features = await until("the profitability features", async () => {
      const r = await h.database.query<{ customer_id: string; features: Record<string, unknown> }>(
        "select customer_id, features from customer_features where tenant_id = $1",
        [tenant.id],
      );
      return r.rows.filter((x) => "net_margin_pct" in x.features).length === 6 ? r : undefined;
    });
    expect(features.rows).toHaveLength(6);
    const f0 = features.rows.find((r) => r.customer_id === k0)!.features;
    expect(f0).toEqual({
      frequency: 3,
      cts_pct_of_sales: want.cts_pct_of_sales,
      net_margin_pct: want.margin_pct,
    });

    // An import recomputes everyone's features from the order lines: profitability ones stay.
    await withTenant(h.database.db, tenant.id, (tx) =>
      recomputeCustomerFeatures(tx, { tenantId: tenant.id, driver }),
    );
    const after = await h.database.query<{ features: Record<string, unknown> }>(
      "select features from customer_features where customer_id = $1",
      [k0],
    );
    expect(after.rows[0]!.features).toMatchObject({
      cts_pct_of_sales: want.cts_pct_of_sales,
      net_margin_pct: want.margin_pct,
      frequency: expect.any(Number),
    });
  });

  it("charges the stock a live make-to-stock policy holds as inventory carrying, shared by units bought, as a scenario prices it", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("carrying");
    const seeded = await seedWorkspace(h, tenant.id);
    await owner.caller.costToServe.updateModel({
      workspace,
      model: { ...MODEL, inventory: { holding_rate: 0.25 } },
    });
    const compute = async () => {
      const { id } = await owner.caller.costToServe.compute({ workspace });
      const latest = await until("the run to finish", async () => {
        const l = await owner.caller.costToServe.latest({ workspace });
        return l.run?.id === id && (l.run.status === "succeeded" || l.run.status === "failed")
          ? l
          : undefined;
      });
      expect(latest.run?.status).toBe("succeeded");
      const page = await owner.caller.costToServe.customers({ workspace, runId: id, limit: 100 });
      return { result: latest.result!, customers: page.items };
    };
    // No live policy: nothing held, nothing charged.
    const without = await compute();
    for (const c of without.customers) expect(c.activities["inventory carrying"]).toBeUndefined();

    const policy = await owner.caller.policy.create({
      workspace,
      name: "Everyone",
      scope: { segmentId: null, productClass: null, channel: null },
      terms: { ...DEFAULT_POLICY_TERMS, serviceLevel: 0.98, leadTimeDays: 14 },
    });
    await owner.caller.policy.requestReview({ workspace, id: policy.id, version: 1 });
    await owner.caller.policy.approve({ workspace, id: policy.id, version: 1 });
    const withStock = await compute();
    const carrying = withStock.customers.map((c) => c.activities["inventory carrying"] ?? 0);
    const total = carrying.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    // Shared by units bought (sales lines).
    const units = new Map<string, number>();
    for (const l of seeded.lines)
      if (l.quantity > 0) units.set(l.customerId, (units.get(l.customerId) ?? 0) + l.quantity);
    const allUnits = [...units.values()].reduce((a, b) => a + b, 0);
    withStock.customers.forEach((c, i) => {
      expect(carrying[i]).toBeCloseTo((total * units.get(c.customerId)!) / allUnits, 2);
      const before = without.customers.find((w) => w.customerId === c.customerId)!;
      expect(c.cost_to_serve).toBeCloseTo(before.cost_to_serve + carrying[i]!, 2);
    });
    // The same total as the live policies' stock in a what-if scenario.
    const scenario = await owner.caller.scenario.create({ workspace, name: "As it is" });
    const evaluated = await owner.caller.scenario.evaluate({ workspace, id: scenario.id });
    expect(evaluated.holdingRate).toBe(0.25);
    expect(total).toBeCloseTo(evaluated.totals.before.inventory_carrying_cost, 2);
  });

  it("fails a run readably when the data does not fit the model", async () => {
    const { owner, workspace } = await h.newWorkspace("empty");
    await owner.caller.costToServe.updateModel({
      workspace,
      model: { currency: "EUR", activities: [{ name: "account", driver: "customer_year", rate: 100 }] },
    });
    const { id } = await owner.caller.costToServe.compute({ workspace });
    const latest = await until("the run to fail", async () => {
      const l = await owner.caller.costToServe.latest({ workspace });
      return l.run?.status === "failed" ? l : undefined;
    });
    expect(latest.run).toMatchObject({ id, error: expect.stringMatching(/customer_year/) });
    expect(latest.result).toBeNull();
  });

  it("prices lines without an order id or a unit cost as core does, and fails readably on a drop with two distances", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("margins");
    const customerId = randomUUID();
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'M1')", [
      customerId,
      tenant.id,
    ]);
    const datasetId = randomUUID();
    const day = Date.UTC(2025, 2, 3, 9);
    // Two lines without an order id on one day (one order, one drop), one on the next, a return;
    // cost of goods from the category margin, and one line with no way to cost it.
    const lines: CostLineFields[] = [
      {
        customerId,
        orderId: "@2025-03-03",
        quantity: 4,
        unitPrice: 10,
        time: day,
        category: "Tea",
        distance: 7,
      },
      {
        customerId,
        orderId: "@2025-03-03",
        quantity: 1,
        unitPrice: 20,
        time: day,
        category: "Cups",
        distance: 7,
      },
      {
        customerId,
        orderId: "@2025-03-04",
        quantity: 2,
        unitPrice: 10,
        time: day + 86_400_000,
        category: "Tea",
      },
      {
        customerId,
        orderId: "@2025-03-04",
        quantity: -1,
        unitPrice: 10,
        time: day + 86_400_000,
        category: "Tea",
        discount: 1,
      },
    ];
    const insert = (line: CostLineFields) =>
      h.database.query(
        `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, ordered_at, quantity, unit_price,
          category, discount, distance) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          tenant.id,
          datasetId,
          customerId,
          randomUUID(),
          new Date(line.time!).toISOString(),
          line.quantity,
          line.unitPrice,
          line.category,
          line.discount ?? null,
          line.distance ?? null,
        ],
      );
    for (const line of lines) await insert(line);
    const model = {
      currency: "EUR",
      category_margin_pct: { Tea: 40 },
      activities: [
        { name: "orders", driver: "order", rate: 3 },
        { name: "drops", driver: "delivery", rate: 11 },
        { name: "km", driver: "distance", rate: 0.5 },
        { name: "returns", driver: "returned_unit", rate: 2 },
      ],
    };
    await owner.caller.costToServe.updateModel({ workspace, model });
    const compute = async () => {
      const { id } = await owner.caller.costToServe.compute({ workspace });
      return until("the run to end", async () => {
        const l = await owner.caller.costToServe.latest({ workspace });
        return l.run?.id === id && (l.run.status === "succeeded" || l.run.status === "failed")
          ? l
          : undefined;
      });
    };
    const done = await compute();
    const expected = computeCostToServe(costLinesFromRecords(lines), parseCostModel(model));
    expect(done.run?.status).toBe("succeeded");
    for (const f of FIGURES) expect(done.result!.totals[f], f).toBe(expected.totals[f]);
    expect(done.result!.totals).toMatchObject({ activities: expected.totals.activities });
    expect(done.result!.linesWithoutCost).toBe(1);

    // A third line of the first day's drop gives another distance: the run fails and names it.
    await insert({ ...lines[0]!, distance: 9 });
    const failed = await compute();
    expect(failed.run).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^customer "M1", the order of 2025-03-03: .* 7 and 9/),
    });
    expect(failed.result).toBeNull();
    const rows = await h.database.query(
      "select count(*)::int as n from cost_to_serve_customers where run_id = $1",
      [failed.run!.id],
    );
    expect(rows.rows[0]).toEqual({ n: 0 });
  });

  it("lets a viewer read but not update the model or compute", async () => {
    const { owner, workspace } = await h.newWorkspace("roles");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    expect((await viewer.caller.costToServe.getModel({ workspace })).isDefault).toBe(true);
    expect(await viewer.caller.costToServe.latest({ workspace })).toEqual({ run: null, result: null });
    await expectTRPCError(viewer.caller.costToServe.updateModel({ workspace, model: MODEL }), "FORBIDDEN");
    await expectTRPCError(viewer.caller.costToServe.compute({ workspace }), "FORBIDDEN");
    expect((await owner.caller.costToServe.getModel({ workspace })).isDefault).toBe(true);
    expect(await owner.caller.costToServe.latest({ workspace })).toEqual({ run: null, result: null });
  });

  it("keeps runs and segment sets of another workspace out of reach", async () => {
    const a = await h.newWorkspace("iso-a");
    const b = await h.newWorkspace("iso-b");
    const { id } = await a.owner.caller.costToServe.compute({ workspace: a.workspace });
    await expectTRPCError(
      b.owner.caller.costToServe.customers({ workspace: b.workspace, runId: id }),
      "NOT_FOUND",
    );
    const setId = randomUUID();
    await h.database.query("insert into segment_sets (id, tenant_id, name) values ($1, $2, 'Theirs')", [
      setId,
      a.tenant.id,
    ]);
    await expectTRPCError(
      b.owner.caller.costToServe.compute({ workspace: b.workspace, segmentSetId: setId }),
      "NOT_FOUND",
    );
    expect(await b.owner.caller.costToServe.latest({ workspace: b.workspace })).toEqual({
      run: null,
      result: null,
    });
  });
});
