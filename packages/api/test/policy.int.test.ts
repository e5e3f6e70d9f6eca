import { randomUUID } from "node:crypto";
import { DEFAULT_POLICY_TERMS } from "@strata/contract";
import { type CostLineFields, costLinesFromRecords, productClasses } from "@strata/core";
import { testDrivers, withTenant } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshProductClasses } from "../src/services/policy/product-classes.js";
import { resolvePolicy } from "../src/services/policy/resolve-policy.js";
import { expectTRPCError, openHarness } from "./harness.js";
import { finishedRun, seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

describe("resolvePolicy", () => {
  const terms = DEFAULT_POLICY_TERMS;
  const p = (
    id: string,
    segmentId: string | null,
    productClass: string | null,
    channel: string | null,
    approved = true,
  ) => ({
    id,
    name: id,
    segmentId,
    productClass,
    channel,
    approvedTerms: approved ? terms : null,
  });
  const all = [
    p("default", null, null, null),
    p("A-class", null, "AX", null),
    p("gold", "g", null, null),
    p("gold-AX", "g", "AX", null),
    p("gold-AX-web", "g", "AX", "web", false),
  ];
  it("picks the most specific approved match, the workspace default underneath", () => {
    expect(resolvePolicy(all, { segmentIds: ["g"], productClass: "AX", channel: "web" }).policy?.id).toBe(
      "gold-AX",
    );
    expect(resolvePolicy(all, { segmentIds: ["g"], productClass: "CZ", channel: null }).policy?.id).toBe(
      "gold",
    );
    // A segment's policy beats a class-wide one.
    expect(resolvePolicy(all, { segmentIds: ["s"], productClass: "AX", channel: null }).policy?.id).toBe(
      "A-class",
    );
    expect(resolvePolicy(all, { segmentIds: [], productClass: null, channel: null }).policy?.id).toBe(
      "default",
    );
    const why = resolvePolicy(all, { segmentIds: ["g"], productClass: "AX", channel: "web" }).reasons;
    expect(why[0]).toMatch(/“gold-AX” .* applies/);
    expect(why.some((r) => /“gold-AX-web” .* no approved version/.test(r))).toBe(true);
    expect(
      resolvePolicy(all.slice(2), { segmentIds: [], productClass: null, channel: null }).policy,
    ).toBeNull();
  });
});

describe.each(testDrivers())("policies on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => h?.cleanup());

  it("classes products ABC-XYZ from the lines summed in the database exactly as core does from the lines", async () => {
    const ws = await h.newWorkspace("classes");
    const customerId = randomUUID();
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'K')", [
      customerId,
      ws.tenant.id,
    ]);
    const datasetId = randomUUID();
    const lines: CostLineFields[] = [];
    // Twelve products over 20 weeks: steady sellers, lumpy ones, a few returns and discounts.
    for (let week = 0; week < 20; week++)
      for (let p = 0; p < 12; p++) {
        if (p >= 8 && week % (p - 6) !== 0) continue;
        const quantity = p < 4 ? 10 + (week % 3) : p < 8 ? 1 + ((week * p) % 7) : 5 * p;
        lines.push({
          customerId,
          orderId: `O${week}`,
          product: `P${p}`,
          quantity: week === 5 && p === 1 ? -2 : quantity,
          unitPrice: 3 + p * 1.5,
          discount: p === 2 ? 1 : undefined,
          time: Date.UTC(2025, 0, 6 + week * 7 + (p % 5), 10),
        });
      }
    for (const l of lines)
      await h.database.query(
        `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price, product, discount)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          ws.tenant.id,
          datasetId,
          customerId,
          randomUUID(),
          l.orderId,
          new Date(l.time!).toISOString(),
          l.quantity,
          l.unitPrice,
          l.product,
          l.discount ?? null,
        ],
      );
    const got = await ws.owner.caller.policy.productClasses({ workspace: ws.workspace });
    const want = productClasses(costLinesFromRecords(lines));
    expect(got.weeks).toBe(want.weeks);
    expect(got.totalNetSales).toBeCloseTo(want.totalNetSales, 6);
    expect(got.matrix.map((c) => [c.class, c.products])).toEqual(
      want.matrix.map((c) => [c.class, c.products]),
    );
    for (const p of want.products) {
      const mine = got.products.find((x) => x.product === p.product)!;
      expect(mine.class, p.product).toBe(p.class);
      expect(mine.weeklySd).toBeCloseTo(p.weeklySd, 9);
    }
    await expectTRPCError(
      ws.owner.caller.policy.productClasses({ workspace: ws.workspace, abcCutoffs: [90, 80] }),
      "BAD_REQUEST",
      /abcCutoffs/,
    );
    // Kept in memory while the lines stay the same; a new line for a new product shows at once.
    const again = await ws.owner.caller.policy.productClasses({ workspace: ws.workspace });
    expect(again.productCount).toBe(got.productCount);
    await h.database.query(
      `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price, product)
       values ($1, $2, $3, $4, 'late', '2025-03-03T10:00:00Z', 1000, 50, 'P99')`,
      [ws.tenant.id, datasetId, customerId, randomUUID()],
    );
    const after = await ws.owner.caller.policy.productClasses({ workspace: ws.workspace });
    expect(after.productCount).toBe(got.productCount + 1);
    expect(after.products.find((p) => p.product === "P99")?.class).toMatch(/^A/);
  });

  it("serves the classes stored for the current lines, the earlier ones marked updating while an import works", async () => {
    const ws = await h.newWorkspace("stored-classes");
    const customerId = randomUUID();
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'K')", [
      customerId,
      ws.tenant.id,
    ]);
    const datasetId = randomUUID();
    const addLine = (product: string, week: number, quantity: number) =>
      h.database.query(
        `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price, product)
         values ($1, $2, $3, $4, $5, $6, $7, 10, $8)`,
        [
          ws.tenant.id,
          datasetId,
          customerId,
          randomUUID(),
          `O${week}`,
          new Date(Date.UTC(2025, 0, 6 + 7 * week)),
          quantity,
          product,
        ],
      );
    const stored = async () =>
      (
        await h.database.query<{ lines_version: string; count: number }>(
          `select lines_version::text, (answer ->> 'productCount')::int as count from product_class_answers where tenant_id = $1`,
          [ws.tenant.id],
        )
      ).rows[0];
    const linesVersion = async () =>
      (
        await h.database.query<{ v: string }>(
          "select version::text as v from order_line_versions where tenant_id = $1",
          [ws.tenant.id],
        )
      ).rows[0]!.v;
    const classes = (input: { abcCutoffs?: [number, number]; xyzCutoffs?: [number, number] } = {}) =>
      ws.owner.caller.policy.productClasses({ workspace: ws.workspace, ...input });
    for (let week = 0; week < 6; week++) await addLine("P1", week, 5 + week);
    await addLine("P2", 1, 3);

    // The worker's refresh after an import stores the answer under the lines' version; a page reads it.
    await withTenant(h.database.db, ws.tenant.id, (tx) => refreshProductClasses(tx, ws.tenant.id));
    expect(await stored()).toEqual({ lines_version: await linesVersion(), count: 2 });
    // The page's answer is the stored row (marked here so that only the row can give it).
    await h.database.query(
      `update product_class_answers set answer = jsonb_set(answer, '{weeks}', '99') where tenant_id = $1`,
      [ws.tenant.id],
    );
    expect((await classes()).weeks).toBe(99);
    // Other cut-offs are computed, never stored.
    expect((await classes({ abcCutoffs: [50, 90] })).weeks).toBe(6);
    expect((await stored())?.count).toBe(2);

    // New lines while an import of the workspace works: the earlier classes, marked updating.
    await addLine("P3", 2, 40);
    const [creator] = (
      await h.database.query<{ id: string }>("select user_id as id from memberships where tenant_id = $1", [
        ws.tenant.id,
      ])
    ).rows;
    const importId = randomUUID();
    await h.database.query(
      `insert into imports (id, tenant_id, kind, file_name, file_size, format, status, created_by)
       values ($1, $2, 'orders', 'lines.csv', 10, 'csv', 'running', $3)`,
      [importId, ws.tenant.id, creator!.id],
    );
    const during = await classes();
    expect(during).toMatchObject({ weeks: 99, productCount: 2, updating: true });
    // Once it is done, the classes of the lines as they are, stored for the next reader.
    await h.database.query("update imports set status = 'succeeded' where id = $1", [importId]);
    const after = await classes();
    expect(after.updating).toBeUndefined();
    expect(after).toMatchObject({ weeks: 6, productCount: 3 });
    expect(await stored()).toEqual({ lines_version: await linesVersion(), count: 3 });
  });

  it("versions and reviews a policy, refuses overlaps and bad terms naming the field, and explains which applies", async () => {
    const ws = await h.newWorkspace("policies");
    await seedCustomers(h, ws.tenant.id, 30);
    const { runId } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3 });
    const set = await ws.owner.caller.segment.publish({ workspace: ws.workspace, runId, name: "Tiers" });
    const gold = set.segments[0]!;
    const editor = await h.addMember(ws.owner.caller, ws.workspace, "editor");
    const viewer = await h.addMember(ws.owner.caller, ws.workspace, "viewer");

    const base = await editor.caller.policy.create({
      workspace: ws.workspace,
      name: "Everyone",
      scope: { segmentId: null, productClass: null, channel: null },
      terms: DEFAULT_POLICY_TERMS,
    });
    expect(base).toMatchObject({ version: 1, status: "draft", approvedVersion: null });
    const policy = await editor.caller.policy.create({
      workspace: ws.workspace,
      name: "",
      scope: { segmentId: gold.id, productClass: null, channel: null },
      terms: { ...DEFAULT_POLICY_TERMS, deliveryChannel: "direct-to-store", dropsPerWeek: 3 },
    });
    expect(policy.name).toBe(`Policy for segment "${gold.name}"`);

    // Bad input: named field, nothing stored.
    const before = await viewer.caller.policy.list({ workspace: ws.workspace });
    await expectTRPCError(
      editor.caller.policy.create({
        workspace: ws.workspace,
        name: "x",
        scope: { segmentId: gold.id, productClass: "AX", channel: null },
        terms: { ...DEFAULT_POLICY_TERMS, serviceLevel: 1 },
      }),
      "BAD_REQUEST",
      /^serviceLevel: .*below 1/,
    );
    await expectTRPCError(
      editor.caller.policy.create({
        workspace: ws.workspace,
        name: "x",
        scope: { segmentId: gold.id, productClass: "AX", channel: null },
        terms: { ...DEFAULT_POLICY_TERMS, leadTimeDays: -1 },
      }),
      "BAD_REQUEST",
      /^leadTimeDays: .*negative/,
    );
    await expectTRPCError(
      editor.caller.policy.create({
        workspace: ws.workspace,
        name: "again",
        scope: { segmentId: gold.id, productClass: null, channel: null },
        terms: DEFAULT_POLICY_TERMS,
      }),
      "CONFLICT",
      /already covers segment/,
    );
    const other = await h.newWorkspace("policies-other");
    await expectTRPCError(
      other.owner.caller.policy.create({
        workspace: other.workspace,
        name: "theirs",
        scope: { segmentId: gold.id, productClass: null, channel: null },
        terms: DEFAULT_POLICY_TERMS,
      }),
      "BAD_REQUEST",
      /not in this workspace/,
    );
    await expectTRPCError(
      viewer.caller.policy.create({
        workspace: ws.workspace,
        name: "v",
        scope: { segmentId: null, productClass: "CZ", channel: null },
        terms: DEFAULT_POLICY_TERMS,
      }),
      "FORBIDDEN",
    );
    expect(await viewer.caller.policy.list({ workspace: ws.workspace })).toEqual(before);

    // Versions, a stale save, review.
    const v2 = await editor.caller.policy.edit({
      workspace: ws.workspace,
      id: policy.id,
      baseVersion: 1,
      message: "Weekly drops",
      terms: { ...policy.terms, dropsPerWeek: 1 },
    });
    expect(v2.changes).toEqual(["dropsPerWeek: 3 → 1"]);
    await expectTRPCError(
      ws.owner.caller.policy.edit({
        workspace: ws.workspace,
        id: policy.id,
        baseVersion: 1,
        message: "",
        terms: { ...policy.terms, leadTimeDays: 5 },
      }),
      "CONFLICT",
      /version 2 was saved .*"Weekly drops"/,
    );
    await editor.caller.policy.requestReview({ workspace: ws.workspace, id: policy.id, version: 2 });
    await expectTRPCError(
      editor.caller.policy.approve({ workspace: ws.workspace, id: policy.id, version: 2 }),
      "FORBIDDEN",
    );
    await ws.owner.caller.policy.approve({ workspace: ws.workspace, id: policy.id, version: 2 });
    const history = await viewer.caller.policy.history({ workspace: ws.workspace, id: policy.id });
    expect(history.map((v) => [v.version, v.isApproved])).toEqual([
      [2, true],
      [1, false],
    ]);

    // Which policy applies: the segment's (approved); the default is a draft so it does not.
    const member = await h.database.query<{ customer_id: string }>(
      "select customer_id from segment_memberships where segment_id = $1 limit 1",
      [gold.id],
    );
    const explained = await viewer.caller.policy.explain({
      workspace: ws.workspace,
      customerId: member.rows[0]!.customer_id,
    });
    expect(explained.policy).toMatchObject({ id: policy.id, version: 2, terms: { dropsPerWeek: 1 } });
    expect(explained.reasons.join(" ")).toMatch(/“Everyone” .* no approved version/);
    const audit = await h.database.query<{ action: string }>(
      "select action from audit_events where target_id = $1 order by created_at",
      [policy.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      "policy.created",
      "policy.edited",
      "policy.review_requested",
      "policy.approved",
    ]);
  });
});
