import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, openHarness } from "./harness.js";
import { finishedRun, seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

describe.each(testDrivers())("segments on %s", (driver) => {
  let h: Harness;
  let ws: Awaited<ReturnType<Harness["newWorkspace"]>>;
  const N = 90;

  beforeAll(async () => {
    h = await openHarness(driver);
    ws = await h.newWorkspace("seg");
    await seedCustomers(h, ws.tenant.id, N);
  });
  afterAll(async () => h?.cleanup());

  it("describes each numeric feature with its missing share, skew and strongest correlation", async () => {
    const d = await ws.owner.caller.segment.features({ workspace: ws.workspace });
    expect(d.customers).toBe(N);
    const basket = d.features.find((f) => f.name === "average_basket")!;
    expect(basket.missingShare).toBeCloseTo(9 / 90, 5);
    const monetary = d.features.find((f) => f.name === "monetary")!;
    expect(monetary.missingShare).toBe(0);
    expect(monetary.skew).not.toBeNull();
    expect(monetary.strongestCorrelation?.feature).toBeDefined();
    expect(d.correlation).toHaveLength(d.features.length);
    expect(d.defaults).toEqual(expect.arrayContaining(["recency_days", "frequency", "monetary"]));
  });

  it("explains a run: profiles in original units, rules with fidelity, names, correlations and a t-SNE map", async () => {
    const { output } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3 });
    const e = output.explanation!.explanation!;
    expect(e.segments).toHaveLength(3);
    // The three groups are far apart: every segment is one group, and its mean monetary is near a centre.
    const means = e.segments.map((s) => s.mean[e.features.indexOf("monetary")]!).sort((a, b) => a - b);
    expect(means[0]).toBeGreaterThan(100);
    expect(means[0]).toBeLessThan(200);
    expect(means[2]).toBeGreaterThan(4000);
    expect(e.fidelity).toBeGreaterThan(95);
    for (const s of e.segments) {
      expect(s.name.length).toBeGreaterThan(0);
      expect(s.rules[0]?.text).toMatch(/<=|>/);
    }
    expect(new Set(e.segments.map((s) => s.name)).size).toBe(3);
    expect(e.correlation[0]![0]).toBe(1);
    expect(output.explanation!.tsne.length).toBe(N);
  });

  it("publishes a run as a segment set with a membership for every customer, then lists, pages and exports them", async () => {
    const { runId, output } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3 });
    const caller = ws.owner.caller;
    const set = await caller.segment.publish({
      workspace: ws.workspace,
      runId,
      name: "Spring segments",
      segments: [
        { position: 0, name: "Champions", description: "Buy often, spend most", color: "#112233" },
        { position: 1, name: "Sleepers" },
      ],
    });
    expect(set.customerCount).toBe(N);
    expect(set.segments.map((s) => s.name).slice(0, 2)).toEqual(["Champions", "Sleepers"]);
    // Unnamed segment 3 keeps the suggested name.
    expect(set.segments[2]!.name).toBe(output.explanation!.explanation!.segments[2]!.name);
    expect(set.segments[0]!.color).toBe("#112233");
    expect(set.segments.map((s) => s.size)).toEqual(output.sizes);

    const sets = await caller.segment.listSets({ workspace: ws.workspace });
    expect(sets.map((s) => s.id)).toContain(set.id);

    const champions = set.segments[0]!;
    const page1 = await caller.segment.customers({
      workspace: ws.workspace,
      segmentId: champions.id,
      sort: "monetary",
      direction: "desc",
      pageSize: 10,
    });
    expect(page1.total).toBe(champions.size);
    const money = page1.items.map((c) => c.monetary!);
    expect(money).toEqual([...money].sort((a, b) => b - a));
    const page2 = await caller.segment.customers({
      workspace: ws.workspace,
      segmentId: champions.id,
      sort: "monetary",
      direction: "desc",
      pageSize: 10,
      page: 2,
    });
    expect(page2.items[0]!.monetary!).toBeLessThanOrEqual(money.at(-1)!);
    const one = page1.items[0]!.externalId;
    const found = await caller.segment.customers({
      workspace: ws.workspace,
      segmentId: champions.id,
      search: one,
    });
    expect(found.items.map((c) => c.externalId)).toEqual([one]);
    // By id (the default): pages in order, each customer with its features, the reverse the same set.
    const byId = async (page: number, direction: "asc" | "desc") =>
      (
        await caller.segment.customers({
          workspace: ws.workspace,
          segmentId: champions.id,
          pageSize: 5,
          page,
          direction,
        })
      ).items;
    const [pageOne, pageTwo] = [await byId(1, "asc"), await byId(2, "asc")];
    const ids = [...pageOne, ...pageTwo].map((c) => c.externalId);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(Math.min(10, champions.size));
    expect(pageOne.every((c) => c.monetary !== null && c.frequency !== null)).toBe(true);
    const last = await byId(1, "desc");
    expect(last[0]!.externalId >= ids.at(-1)!).toBe(true);
    expect(last.map((c) => c.externalId)).toEqual(
      last
        .map((c) => c.externalId)
        .sort()
        .reverse(),
    );

    const exported: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await caller.segment.exportPage({
        workspace: ws.workspace,
        segmentId: champions.id,
        limit: 7,
        ...(after ? { after } : {}),
      });
      expect(page.segmentName).toBe("Champions");
      expect(page.setName).toBe("Spring segments");
      exported.push(...page.rows.map((r) => r.customerId));
      if (!page.next) break;
      after = page.next;
    }
    expect(exported).toHaveLength(champions.size);
    expect(new Set(exported).size).toBe(champions.size);

    // The customer page shows each published set's segment for the customer, newest first.
    const second = await caller.segment.publish({ workspace: ws.workspace, runId, name: "Summer segments" });
    const customer = await caller.customer.get({ workspace: ws.workspace, id: page1.items[0]!.id });
    expect(customer.segmentHistory.map((h) => h.setName)).toEqual(["Summer segments", "Spring segments"]);
    expect(customer.segmentHistory[1]).toMatchObject({
      setId: set.id,
      segmentId: champions.id,
      segmentName: "Champions",
      color: "#112233",
    });
    expect(customer.segmentHistory[0]!.setId).toBe(second.id);
  });

  it("refuses to publish for a viewer, twice the same name, or a run of another workspace", async () => {
    const { runId } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 2 });
    const viewer = await h.addMember(ws.owner.caller, ws.workspace, "viewer");
    await expectTRPCError(
      viewer.caller.segment.publish({ workspace: ws.workspace, runId, name: "x" }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      ws.owner.caller.segment.publish({
        workspace: ws.workspace,
        runId,
        name: "Dupes",
        segments: [
          { position: 0, name: "Same" },
          { position: 1, name: "same" },
        ],
      }),
      "BAD_REQUEST",
      /Two segments are called/,
    );
    const other = await h.newWorkspace("other");
    await expectTRPCError(
      other.owner.caller.segment.publish({ workspace: other.workspace, runId, name: "Stolen" }),
      "NOT_FOUND",
    );
    expect(await other.owner.caller.segment.listSets({ workspace: other.workspace })).toEqual([]);
  });

  it("compares two runs with the adjusted Rand index and a migration matrix, and reports revenue share", async () => {
    const a = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3, seed: 1 });
    const b = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "hierarchical", k: 3 });
    const c = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 2 });
    const same = await ws.owner.caller.segment.compareRuns({
      workspace: ws.workspace,
      runA: a.runId,
      runB: b.runId,
    });
    expect(same.adjustedRandIndex).toBeCloseTo(1, 6);
    expect(same.sharedCustomers).toBe(N);
    const different = await ws.owner.caller.segment.compareRuns({
      workspace: ws.workspace,
      runA: a.runId,
      runB: c.runId,
    });
    expect(different.adjustedRandIndex!).toBeLessThan(0.9);
    expect(different.matrix).toHaveLength(3);
    expect(different.matrix[0]).toHaveLength(2);
    expect(different.matrix.flat().reduce((s, v) => s + v, 0)).toBe(N);

    const insights = await ws.owner.caller.segment.runInsights({ workspace: ws.workspace, runId: a.runId });
    expect(insights.customers).toBe(N);
    const shares = insights.segments.map((s) => s.revenueShare!);
    expect(shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    // The high spenders are a third of the customers but most of the revenue.
    expect(Math.max(...shares)).toBeGreaterThan(0.75);
    // The map names the customers it draws by their own ids.
    const map = await ws.owner.caller.run.map({ workspace: ws.workspace, id: a.runId, method: "pca" });
    expect(map.customerIds.length).toBeGreaterThan(0);
    expect(map.externalIds.every((id) => id.length > 0)).toBe(true);
    expect(map.x).toHaveLength(map.customerIds.length);
  });
});
