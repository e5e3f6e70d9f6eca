import { randomUUID } from "node:crypto";
import { assign, parseModel } from "@strata/core";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshApprovedMemberships } from "../src/services/segment/segment-review.js";
import { expectTRPCError, openHarness } from "./harness.js";
import { finishedRun, seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

const N = 60;

describe.each(testDrivers())("segment definitions on %s", (driver) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => h?.cleanup());

  async function workspaceWithRun(label: string) {
    const ws = await h.newWorkspace(label);
    await seedCustomers(h, ws.tenant.id, N);
    const { runId, output } = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3 });
    return { ...ws, runId, output };
  }

  async function auditActions(tenantId: string, targetId: string) {
    const r = await h.database.query<{ action: string }>(
      "select action from audit_events where tenant_id = $1 and target_id = $2 order by created_at, action",
      [tenantId, targetId],
    );
    return r.rows.map((x) => x.action);
  }

  it("versions every save, refuses a stale save naming what changed, and restores an old version as a new one", async () => {
    const ws = await workspaceWithRun("versions");
    const editor = await h.addMember(ws.owner.caller, ws.workspace, "editor");
    const viewer = await h.addMember(ws.owner.caller, ws.workspace, "viewer");
    const set = await ws.owner.caller.segment.publish({
      workspace: ws.workspace,
      runId: ws.runId,
      name: "Tiers",
    });
    expect(set).toMatchObject({ version: 1, status: "approved", approvedVersion: 1, customerCount: N });
    const [a, b] = set.segments;

    const v2 = await editor.caller.segment.edit({
      workspace: ws.workspace,
      id: set.id,
      baseVersion: 1,
      message: "Clearer names",
      segments: [{ id: a!.id, name: "Champions" }],
    });
    expect(v2).toMatchObject({ version: 2, status: "draft" });
    expect(v2.changes).toContain(`Segment "${a!.name}" renamed to "Champions"`);

    // A second editor who started from version 1 is refused; nothing of theirs is saved.
    const conflict = await expectTRPCError(
      ws.owner.caller.segment.edit({
        workspace: ws.workspace,
        id: set.id,
        baseVersion: 1,
        message: "",
        segments: [{ id: b!.id, name: "Sleepers" }],
      }),
      "CONFLICT",
      /version 2 was saved by .*"Clearer names".*renamed to "Champions"/,
    );
    expect(conflict.message).toMatch(/Your draft is kept/);
    const afterConflict = await ws.owner.caller.segment.getSet({ workspace: ws.workspace, id: set.id });
    expect(afterConflict.segments.find((s) => s.id === b!.id)!.name).toBe(b!.name);
    expect(afterConflict.version).toBe(2);

    // Viewers read the history but cannot save.
    await expectTRPCError(
      viewer.caller.segment.edit({
        workspace: ws.workspace,
        id: set.id,
        baseVersion: 2,
        message: "",
        name: "X",
      }),
      "FORBIDDEN",
    );
    // Two segments may not share a name, and nothing is saved.
    await expectTRPCError(
      editor.caller.segment.edit({
        workspace: ws.workspace,
        id: set.id,
        baseVersion: 2,
        message: "",
        segments: [{ id: b!.id, name: "champions" }],
      }),
      "BAD_REQUEST",
      /Two segments are called/,
    );

    const restored = await editor.caller.segment.restore({
      workspace: ws.workspace,
      id: set.id,
      version: 1,
      baseVersion: 2,
    });
    expect(restored).toMatchObject({ version: 3, status: "draft" });
    const history = await viewer.caller.segment.history({ workspace: ws.workspace, id: set.id });
    expect(history.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(history[0]).toMatchObject({ message: "Restored version 1", isApproved: false });
    expect(history[0]!.changes).toContain(`Segment "Champions" renamed to "${a!.name}"`);
    expect(history[2]).toMatchObject({ isApproved: true, changes: ["First version"] });
    const now = await viewer.caller.segment.getSet({ workspace: ws.workspace, id: set.id });
    expect(now.segments.find((s) => s.id === a!.id)!.name).toBe(a!.name);
    expect(await auditActions(ws.tenant.id, set.id)).toEqual(
      expect.arrayContaining([
        "segment_set.published",
        "segment_set.approved",
        "segment_set.edited",
        "segment_set.restored",
      ]),
    );
  });

  it("moves a version through review: only approvers approve, a send-back needs a reason, exports wait for approval", async () => {
    const ws = await workspaceWithRun("review");
    const editor = await h.addMember(ws.owner.caller, ws.workspace, "editor");
    const admin = await h.addMember(ws.owner.caller, ws.workspace, "admin");
    // An editor's publish waits for an approver: no members yet, and no export.
    const set = await editor.caller.segment.publish({
      workspace: ws.workspace,
      runId: ws.runId,
      name: "Pending",
    });
    expect(set).toMatchObject({ status: "in_review", approvedVersion: null, customerCount: 0 });
    await expectTRPCError(
      editor.caller.segment.exportPage({ workspace: ws.workspace, segmentId: set.segments[0]!.id }),
      "PRECONDITION_FAILED",
      /no approved version/,
    );
    await expectTRPCError(
      editor.caller.costToServe.compute({ workspace: ws.workspace, segmentSetId: set.id }),
      "PRECONDITION_FAILED",
      /approved segment definitions only/,
    );
    await expectTRPCError(
      editor.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 1 }),
      "FORBIDDEN",
      /Editors may not approve/,
    );
    await expectTRPCError(
      admin.caller.segment.sendBack({ workspace: ws.workspace, id: set.id, version: 1, reason: " " }),
      "BAD_REQUEST",
    );
    const back = await admin.caller.segment.sendBack({
      workspace: ws.workspace,
      id: set.id,
      version: 1,
      reason: "Name the segments first",
    });
    expect(back.status).toBe("draft");
    expect((await editor.caller.segment.getSet({ workspace: ws.workspace, id: set.id })).reviewNote).toBe(
      "Name the segments first",
    );
    await expectTRPCError(
      admin.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 1 }),
      "PRECONDITION_FAILED",
      /Ask for review/,
    );
    await editor.caller.segment.edit({
      workspace: ws.workspace,
      id: set.id,
      baseVersion: 1,
      message: "Named",
      segments: set.segments.map((s, i) => ({ id: s.id, name: `Tier ${i + 1}` })),
    });
    await editor.caller.segment.requestReview({ workspace: ws.workspace, id: set.id, version: 2 });
    // Approving a version the approver has not seen is refused.
    await expectTRPCError(
      admin.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 1 }),
      "CONFLICT",
    );
    const approved = await admin.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 2 });
    expect(approved).toMatchObject({ status: "approved", customerCount: N });
    const page = await editor.caller.segment.exportPage({
      workspace: ws.workspace,
      segmentId: set.segments[0]!.id,
    });
    expect(page.rows.length).toBe(ws.output.sizes[0]);

    // With the workspace setting on, editors approve too.
    await h.database.query("update tenants set editors_can_approve = true where id = $1", [ws.tenant.id]);
    await editor.caller.segment.edit({
      workspace: ws.workspace,
      id: set.id,
      baseVersion: 2,
      message: "",
      name: "Tiers",
    });
    await editor.caller.segment.requestReview({ workspace: ws.workspace, id: set.id, version: 3 });
    expect(
      await editor.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 3 }),
    ).toMatchObject({
      status: "approved",
    });
    expect(await auditActions(ws.tenant.id, set.id)).toEqual(
      expect.arrayContaining([
        "segment_set.review_requested",
        "segment_set.sent_back",
        "segment_set.approved",
      ]),
    );
  });

  it("re-publishes a new run into the set: mapped segments keep their ids, members follow on approval", async () => {
    const ws = await workspaceWithRun("republish");
    const set = await ws.owner.caller.segment.publish({
      workspace: ws.workspace,
      runId: ws.runId,
      name: "Tiers",
    });
    const ids = set.segments.map((s) => s.id).sort();
    const second = await finishedRun(h, ws.tenant.id, ws.owner.id, { algorithm: "kmeans", k: 3, seed: 99 });
    const preview = await ws.owner.caller.segment.republishPreview({
      workspace: ws.workspace,
      id: set.id,
      runId: second.runId,
    });
    // The same three groups: every cluster overlaps one segment entirely and is suggested onto it.
    expect(preview.clusters).toHaveLength(3);
    for (const c of preview.clusters) {
      expect(c.suggestedSegmentId).not.toBeNull();
      expect(c.overlaps[0]!.customers).toBe(c.size);
    }
    const saved = await ws.owner.caller.segment.republish({
      workspace: ws.workspace,
      id: set.id,
      runId: second.runId,
      baseVersion: 1,
      message: "Spring refresh",
      mapping: preview.clusters.map((c) => ({ cluster: c.cluster, segmentId: c.suggestedSegmentId })),
    });
    expect(saved).toMatchObject({ version: 2, status: "draft" });
    await ws.owner.caller.segment.requestReview({ workspace: ws.workspace, id: set.id, version: 2 });
    await ws.owner.caller.segment.approve({ workspace: ws.workspace, id: set.id, version: 2 });
    const after = await ws.owner.caller.segment.getSet({ workspace: ws.workspace, id: set.id });
    expect(after.segments.map((s) => s.id).sort()).toEqual(ids);
    expect(after.runId).toBe(second.runId);
    expect(after.customerCount).toBe(N);
    // Members of each segment are the customers of the cluster mapped onto it.
    for (const c of preview.clusters) {
      const seg = after.segments.find((s) => s.id === c.suggestedSegmentId)!;
      expect(seg.size).toBe(c.size);
    }
    // A mapping that leaves a cluster out is refused naming it, and nothing changes.
    await expectTRPCError(
      ws.owner.caller.segment.republish({
        workspace: ws.workspace,
        id: set.id,
        runId: second.runId,
        baseVersion: 2,
        message: "",
        mapping: [{ cluster: 0, segmentId: null }],
      }),
      "BAD_REQUEST",
      /Say where segment 2, 3 of the run goes/,
    );
    expect((await ws.owner.caller.segment.getSet({ workspace: ws.workspace, id: set.id })).version).toBe(2);
  });

  it("assigns customers outside the run with the kept model, exactly as core assign does", async () => {
    const ws = await workspaceWithRun("model");
    const set = await ws.owner.caller.segment.publish({
      workspace: ws.workspace,
      runId: ws.runId,
      name: "Tiers",
    });
    expect(set.customerCount).toBe(N);
    // Two customers arrive after the run: one complete, one with a missing feature (filled by the model).
    const fresh = [
      { id: randomUUID(), features: { recency_days: 195, frequency: 2.1, monetary: 160 } },
      { id: randomUUID(), features: { recency_days: 12, frequency: 19 } },
    ];
    for (const [i, c] of fresh.entries()) {
      await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, $3)", [
        c.id,
        ws.tenant.id,
        `NEW-${i}`,
      ]);
      await h.database.query(
        "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
        [c.id, ws.tenant.id, JSON.stringify(c.features)],
      );
    }
    const result = await ws.owner.caller.segment.assignByModel({ workspace: ws.workspace, id: set.id });
    expect(result).toEqual({ assigned: 2, skipped: 0 });
    const model = parseModel(ws.output.model);
    const x = Float64Array.from(
      fresh.flatMap((c) =>
        model.features.map((f) => (c.features as Record<string, number>)[f] ?? Number.NaN),
      ),
    );
    const want = assign(model, { data: x, n: 2, d: model.features.length });
    const rows = await h.database.query<{
      customer_id: string;
      position: number;
      source: string;
      distance: number;
      confidence: number;
    }>(
      `select m.customer_id, s.position, m.source, m.distance, m.confidence
       from segment_memberships m join segments s on s.id = m.segment_id
       where m.segment_set_id = $1 and m.source = 'model'`,
      [set.id],
    );
    for (const [i, c] of fresh.entries()) {
      const row = rows.rows.find((r) => r.customer_id === c.id)!;
      expect(row.position).toBe(want.labels[i]);
      expect(row.distance).toBeCloseTo(want.distances[i]!, 9);
      expect(row.confidence).toBeCloseTo(want.confidence[i]!, 9);
    }
    const after = await ws.owner.caller.segment.getSet({ workspace: ws.workspace, id: set.id });
    expect(after.customerCount).toBe(N + 2);
    expect(after.segments.reduce((s, x) => s + x.size, 0)).toBe(N + 2);
    const segment = after.segments[want.labels[0]!]!;
    const listed = await ws.owner.caller.segment.customers({
      workspace: ws.workspace,
      segmentId: segment.id,
      search: "NEW-0",
    });
    expect(listed.items[0]).toMatchObject({ externalId: "NEW-0", source: "model" });
  });

  it("approves a rule segment into members the rule matches, and follows new data after an import", async () => {
    const ws = await workspaceWithRun("rules");
    const ml = await ws.owner.caller.segment.publish({
      workspace: ws.workspace,
      runId: ws.runId,
      name: "Tiers",
    });
    const rule = {
      op: "and" as const,
      conditions: [
        { field: { source: "feature" as const, name: "monetary" }, operator: "gt" as const, value: 1000 },
      ],
    };
    // A bad rule names its field path; nothing is created.
    await expectTRPCError(
      ws.owner.caller.segment.createRuleSegment({
        workspace: ws.workspace,
        name: "Big",
        rule: {
          op: "and",
          conditions: [{ field: { source: "feature", name: "nope" }, operator: "gt", value: 1 }],
        },
      }),
      "BAD_REQUEST",
      /nope/,
    );
    const created = await ws.owner.caller.segment.createRuleSegment({
      workspace: ws.workspace,
      name: "Big spenders",
      rule,
    });
    // The seeded customers: a third spend about 5,000, the others 150 or 900.
    expect(created).toMatchObject({ version: 1, status: "draft", matching: N / 3 });
    const preview = await ws.owner.caller.segment.previewRule({
      workspace: ws.workspace,
      rule,
      segmentSetId: ml.id,
    });
    expect(preview.matching).toBe(N / 3);
    expect(preview.overlap!.map((o) => o.matching).sort((a, b) => b - a)).toEqual([N / 3, 0, 0]);
    await ws.owner.caller.segment.requestReview({ workspace: ws.workspace, id: created.id, version: 1 });
    const approved = await ws.owner.caller.segment.approve({
      workspace: ws.workspace,
      id: created.id,
      version: 1,
    });
    expect(approved.customerCount).toBe(N / 3);

    // A customer's spend rises past the threshold; the next import's refresh picks it up.
    const { rows } = await h.database.query<{ customer_id: string }>(
      "select customer_id from customer_features where tenant_id = $1 and (features->>'monetary')::float8 < 1000 limit 1",
      [ws.tenant.id],
    );
    await h.database.query(
      "update customer_features set features = features || '{\"monetary\": 2500}'::jsonb where customer_id = $1",
      [rows[0]!.customer_id],
    );
    expect(await refreshApprovedMemberships(h.database, ws.tenant.id)).toEqual([]);
    const after = await ws.owner.caller.segment.getSet({ workspace: ws.workspace, id: created.id });
    expect(after.customerCount).toBe(N / 3 + 1);
    expect(after.segments[0]!.size).toBe(N / 3 + 1);

    // Hybrid: the ML segment of the big spenders, narrowed to the most frequent buyers.
    const base = ml.segments.find(
      (s) => s.size === N / 3 && preview.overlap!.find((o) => o.segmentId === s.id)!.matching > 0,
    )!;
    const hybrid = await ws.owner.caller.segment.createRuleSegment({
      workspace: ws.workspace,
      name: "Frequent big spenders",
      rule: {
        op: "and",
        conditions: [{ field: { source: "feature", name: "frequency" }, operator: "gt", value: 20 }],
      },
      baseSegmentId: base.id,
    });
    expect(hybrid.matching).toBeGreaterThan(0);
    expect(hybrid.matching).toBeLessThan(N / 3);
  });

  it("keeps another workspace's sets out of reach", async () => {
    const a = await workspaceWithRun("iso-a");
    const b = await h.newWorkspace("iso-b");
    const set = await a.owner.caller.segment.publish({
      workspace: a.workspace,
      runId: a.runId,
      name: "Mine",
    });
    await expectTRPCError(
      b.owner.caller.segment.edit({
        workspace: b.workspace,
        id: set.id,
        baseVersion: 1,
        message: "",
        name: "Theirs",
      }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      b.owner.caller.segment.history({ workspace: b.workspace, id: set.id }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      b.owner.caller.segment.approve({ workspace: b.workspace, id: set.id, version: 1 }),
      "NOT_FOUND",
    );
    expect((await a.owner.caller.segment.getSet({ workspace: a.workspace, id: set.id })).name).toBe("Mine");
  });
});
