import { randomUUID } from "node:crypto";
import { DEFAULT_POLICY_TERMS } from "@strata/contract";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearScenarioBases, hasScenarioBase } from "../src/services/policy/scenario-base.js";
import { expectTRPCError, openHarness } from "./harness.js";
import { finishedRun, seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

const MODEL = {
  currency: "EUR",
  activities: [
    { name: "orders", driver: "order", rate: 2 },
    {
      name: "drops",
      driver: "delivery",
      rate: 10,
      by: { channel: { "direct-to-store": 30, "distribution centre": 12 } },
    },
    { name: "km", driver: "distance", rate: 0.5 },
  ],
  financing: { annual_rate: 0.1, default_days: 30, name: "financing" },
};

describe.each(testDrivers())("what-if scenarios on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => h?.cleanup());

  /** A workspace of 30 customers with ten weeks of store deliveries and a live policy for one segment. */
  async function storeDeliveries() {
    const ws = await h.newWorkspace("scenario");
    await seedCustomers(h, ws.tenant.id, 30);
    const { runId } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3 });
    const set = await ws.owner.caller.segment.publish({ workspace: ws.workspace, runId, name: "Tiers" });
    const segment = set.segments[0]!;
    const { rows: members } = await h.database.query<{ customer_id: string }>(
      "select customer_id from segment_memberships where segment_id = $1",
      [segment.id],
    );
    const { rows: everyone } = await h.database.query<{ id: string }>(
      "select id from customers where tenant_id = $1",
      [ws.tenant.id],
    );
    // Ten weeks of store deliveries: three orders a week, each its own 40 km drop, 4 lines of 10 x 5.00 (cost 3.00).
    const datasetId = randomUUID();
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const { id } of everyone)
      for (let week = 0; week < 10; week++)
        for (let o = 0; o < 3; o++)
          for (let l = 0; l < 4; l++) {
            const at = new Date(Date.UTC(2025, 0, 6 + week * 7 + o * 2, 9)).toISOString();
            const base = values.length;
            values.push(
              ws.tenant.id,
              datasetId,
              id,
              randomUUID(),
              `O${week}-${o}`,
              at,
              10,
              5,
              3,
              `P${l}`,
              "direct-to-store",
              40,
            );
            rows.push(`(${Array.from({ length: 12 }, (_, k) => `$${base + k + 1}`).join(", ")})`);
          }
    for (let i = 0; i < rows.length; i += 400) {
      const chunk = rows.slice(i, i + 400);
      const first = Number(chunk[0]!.match(/\$(\d+)/)![1]) - 1;
      await h.database.query(
        `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price, unit_cost, product, channel, distance)
         values ${chunk.map((r) => r.replace(/\$(\d+)/g, (_, k) => `$${Number(k) - first}`)).join(", ")}`,
        values.slice(first, first + chunk.length * 12),
      );
    }
    await ws.owner.caller.costToServe.updateModel({ workspace: ws.workspace, model: MODEL });
    // The live policy promises 45 days; the customers' own terms (30 days) are what the lines show.
    const storeTerms = {
      ...DEFAULT_POLICY_TERMS,
      deliveryChannel: "direct-to-store",
      dropsPerWeek: 3,
      paymentTermsDays: 45,
    };
    const live = await ws.owner.caller.policy.create({
      workspace: ws.workspace,
      name: "Store service",
      scope: { segmentId: segment.id, productClass: null, channel: null },
      terms: storeTerms,
    });
    await ws.owner.caller.policy.requestReview({ workspace: ws.workspace, id: live.id, version: 1 });
    await ws.owner.caller.policy.approve({ workspace: ws.workspace, id: live.id, version: 1 });

    return { ws, set, segment, members, everyone, datasetId, live, storeTerms };
  }

  it("moves a segment from direct-to-store to DC delivery with a 2% allowance: sales fall, profit after cost-to-serve rises; live policies change only through review", async () => {
    const { ws, segment, members, live, storeTerms } = await storeDeliveries();
    const scenario = await ws.owner.caller.scenario.create({ workspace: ws.workspace, name: "DC delivery" });
    await expectTRPCError(
      ws.owner.caller.scenario.update({
        workspace: ws.workspace,
        id: scenario.id,
        changes: [
          {
            policyId: live.id,
            name: "Store service",
            segmentId: segment.id,
            productClass: null,
            channel: null,
            terms: { ...storeTerms, serviceLevel: 1.5 },
            salesLostShare: 0,
          },
        ],
      }),
      "BAD_REQUEST",
      /^changes\[0\]\.serviceLevel/,
    );
    await ws.owner.caller.scenario.update({
      workspace: ws.workspace,
      id: scenario.id,
      changes: [
        {
          policyId: live.id,
          name: "Store service",
          segmentId: segment.id,
          productClass: null,
          channel: null,
          terms: { ...storeTerms, deliveryChannel: "distribution centre", dropsPerWeek: 1, allowancePct: 2 },
          salesLostShare: 0,
        },
      ],
    });
    const result = await ws.owner.caller.scenario.evaluate({ workspace: ws.workspace, id: scenario.id });
    const moved = result.segments.find((s) => s.segmentId === segment.id)!;
    expect(moved.customers).toBe(members.length);
    const k = members.length;
    // Before: 30 store drops a customer (30 x 30.00 + 30 x 40 km x 0.50) and 30 orders x 2.00.
    expect(moved.before.activities.drops).toBeCloseTo(k * 30 * 30, 6);
    expect(moved.before.activities.km).toBeCloseTo(k * 30 * 20, 6);
    // After: one DC drop a week (10 x 12.00), the distance of 10 drops, the same orders.
    expect(moved.after.activities.drops).toBeCloseTo(k * 10 * 12, 6);
    expect(moved.after.activities.km).toBeCloseTo(k * 10 * 20, 6);
    expect(moved.after.activities.orders).toBeCloseTo(moved.before.activities.orders!, 6);
    // 2% of net sales (30 orders x 4 lines x 50.00 = 6,000 a customer) goes as allowance.
    expect(moved.before.net_sales).toBeCloseTo(k * 6000, 6);
    expect(moved.after.net_sales).toBeCloseTo(k * 6000 * 0.98, 6);
    expect(moved.after.net_profit).toBeGreaterThan(moved.before.net_profit);
    // Payment terms were not changed by the scenario: financing follows net sales only.
    expect(moved.after.activities.financing).toBeCloseTo(moved.before.activities.financing! * 0.98, 0);
    expect(result.totals.after.net_sales).toBeLessThan(result.totals.before.net_sales);
    // Fewer drops a week hold more cycle stock.
    expect(moved.after.inventory_carrying_cost).toBeGreaterThan(moved.before.inventory_carrying_cost);
    const others = result.segments.filter((s) => s.segmentId !== segment.id);
    for (const s of others) expect(s.after).toEqual(s.before);

    // Nothing live changed; applying makes a version in review, and only approval makes it live.
    const before = (await ws.owner.caller.policy.list({ workspace: ws.workspace })).find(
      (p) => p.id === live.id,
    )!;
    expect(before).toMatchObject({ version: 1, status: "approved", approvedTerms: storeTerms });
    await ws.owner.caller.scenario.applyChanges({ workspace: ws.workspace, id: scenario.id });
    const after = (await ws.owner.caller.policy.list({ workspace: ws.workspace })).find(
      (p) => p.id === live.id,
    )!;
    expect(after).toMatchObject({
      version: 2,
      status: "in_review",
      approvedVersion: 1,
      approvedTerms: storeTerms,
    });
    expect(after.terms.deliveryChannel).toBe("distribution centre");
    await expectTRPCError(
      ws.owner.caller.scenario.applyChanges({ workspace: ws.workspace, id: scenario.id }),
      "PRECONDITION_FAILED",
    );
  });

  it("reads the lines once while the data stays the same, and again as soon as it changes; a cached evaluation equals a fresh one", async () => {
    const { ws, set, segment, everyone, datasetId, live, storeTerms } = await storeDeliveries();
    // A second segment without a policy gets a new one: its customers move to a new scope.
    const other = set.segments.find((s) => s.id !== segment.id)!;
    const scenario = await ws.owner.caller.scenario.create({ workspace: ws.workspace, name: "Two moves" });
    const changes = (dropsPerWeek: number) => [
      {
        policyId: live.id,
        name: "Store service",
        segmentId: segment.id,
        productClass: null,
        channel: null,
        terms: { ...storeTerms, deliveryChannel: "distribution centre", dropsPerWeek, allowancePct: 2 },
        salesLostShare: 0,
      },
      {
        policyId: null,
        name: "Second tier",
        segmentId: other.id,
        productClass: null,
        channel: null,
        terms: { ...storeTerms, dropsPerWeek: 2, serviceLevel: 0.99 },
        salesLostShare: 0.1,
      },
    ];
    const evaluate = () => ws.owner.caller.scenario.evaluate({ workspace: ws.workspace, id: scenario.id });
    const figures = (r: Awaited<ReturnType<typeof evaluate>>) => ({ segments: r.segments, totals: r.totals });
    const readAgain = (r: Awaited<ReturnType<typeof evaluate>>) =>
      Object.keys(r.timings).some((k) => k.startsWith("base (lines read"));

    await ws.owner.caller.scenario.update({ workspace: ws.workspace, id: scenario.id, changes: changes(1) });
    clearScenarioBases();
    const first = await evaluate();
    expect(readAgain(first)).toBe(true);
    // The analyst changes the scenario and evaluates again: the data did not change, nothing is re-read.
    await ws.owner.caller.scenario.update({ workspace: ws.workspace, id: scenario.id, changes: changes(2) });
    const kept = await evaluate();
    expect(readAgain(kept)).toBe(false);
    clearScenarioBases();
    const fresh = await evaluate();
    expect(readAgain(fresh)).toBe(true);
    expect(figures(kept)).toEqual(figures(fresh));
    const moved = kept.segments.find((s) => s.segmentId === other.id)!;
    expect(moved.after.net_sales).toBeCloseTo(moved.before.net_sales * 0.9, 4);
    // Without a live policy they held no stock; the new scope holds cycle stock for two drops a week.
    expect(moved.before.inventory_carrying_cost).toBe(0);
    expect(moved.after.inventory_carrying_cost).toBeGreaterThan(0);
    expect(kept.segments.find((s) => s.segmentId === segment.id)!.after.activities.drops).toBeGreaterThan(
      first.segments.find((s) => s.segmentId === segment.id)!.after.activities.drops!,
    );

    // Opening the scenario reads the base ahead of the analyst's click, the very base evaluating uses.
    clearScenarioBases();
    await ws.owner.caller.scenario.get({ workspace: ws.workspace, id: scenario.id });
    for (let i = 0; i < 600 && !hasScenarioBase(ws.tenant.id); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(hasScenarioBase(ws.tenant.id)).toBe(true);
    const warmed = await evaluate();
    expect(readAgain(warmed)).toBe(false);
    expect(figures(warmed)).toEqual(figures(fresh));

    // New lines arrive for one customer: the next evaluation sees them.
    await h.database.query(
      `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price, unit_cost, product, channel, distance)
       values ($1, $2, $3, $4, 'late', '2025-03-20T09:00:00Z', 100, 5, 3, 'P0', 'direct-to-store', 40)`,
      [ws.tenant.id, datasetId, everyone[0]!.id, randomUUID()],
    );
    const changed = await evaluate();
    expect(readAgain(changed)).toBe(true);
    expect(changed.totals.before.net_sales).toBeCloseTo(fresh.totals.before.net_sales + 500, 6);

    // So does a change to a live policy (approved elsewhere while the analyst works).
    await ws.owner.caller.policy.edit({
      workspace: ws.workspace,
      id: live.id,
      baseVersion: 1,
      message: "slower",
      terms: { ...storeTerms, leadTimeDays: storeTerms.leadTimeDays + 7 },
    });
    await ws.owner.caller.policy.requestReview({ workspace: ws.workspace, id: live.id, version: 2 });
    await ws.owner.caller.policy.approve({ workspace: ws.workspace, id: live.id, version: 2 });
    const relived = await evaluate();
    expect(readAgain(relived)).toBe(true);
  });
});
