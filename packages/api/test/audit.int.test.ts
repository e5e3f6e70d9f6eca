import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv } from "@strata/core";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handleAuditExport, handleSegmentExport } from "../src/http/index.js";
import { closeJobQueue } from "../src/jobs/index.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { createContext } from "../src/trpc.js";
import { expectTRPCError, fieldOf, openHarness } from "./harness.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

describe.each(testDrivers())("audit log and activity feed on %s", (driver) => {
  let h: Harness;
  let importDir: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-audit-"));
    vi.stubEnv("STRATA_IMPORT_DIR", importDir);
  }, 60_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });

  async function segmentSet(tenantId: string, name: string): Promise<string> {
    const id = randomUUID();
    await h.database.query("insert into segment_sets (id, tenant_id, name) values ($1, $2, $3)", [
      id,
      tenantId,
      name,
    ]);
    return id;
  }

  /** Sets an event's time, so the date filters have something to tell apart. */
  async function backdate(tenantId: string, action: string, at: string) {
    await h.database.query("update audit_events set created_at = $3 where tenant_id = $1 and action = $2", [
      tenantId,
      action,
      at,
    ]);
  }

  async function exportCsv(userId: string, workspace: string, query = "") {
    const request = new Request(`http://localhost/api/workspaces/${workspace}/audit/export${query}`);
    return handleAuditExport(request, createContext({ database: h.database, userId }), { workspace });
  }

  it("filters by entity, actor and date range, keyset-paged within the filters", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("audit-filters");
    const editor = await h.addMember(owner.caller, workspace, "editor");
    const setA = await segmentSet(tenant.id, "Set A");
    const setB = await segmentSet(tenant.id, "Set B");
    const onA = { workspace, entityType: "segment_set" as const, entityId: setA };
    for (const body of ["one", "two", "three"]) await editor.caller.comment.create({ ...onA, body });
    await owner.caller.comment.create({ ...onA, body: "owner on A" });
    await owner.caller.comment.create({ workspace, entityType: "segment_set", entityId: setB, body: "on B" });

    const onlyA = await owner.caller.audit.list({ workspace, targetType: "segment_set", targetId: setA });
    expect(onlyA.items).toHaveLength(4);
    expect(onlyA.items.every((e) => e.targetId === setA)).toBe(true);

    // The editor's own events: joining (accepting the invitation), then three comments, newest first.
    const byEditor = await owner.caller.audit.list({ workspace, actorUserId: editor.id });
    expect(byEditor.items.map((e) => e.action)).toEqual([
      "comment.created",
      "comment.created",
      "comment.created",
      "member.joined",
    ]);
    expect(byEditor.items.every((e) => e.actorEmail === editor.email && e.actorName === "editor")).toBe(true);
    const editorOnA = await owner.caller.audit.list({ workspace, actorUserId: editor.id, targetId: setA });
    expect(editorOnA.items).toHaveLength(3);

    // Keyset pages of one within a filter visit every match exactly once.
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await owner.caller.audit.list({ workspace, targetId: setA, limit: 1, cursor });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(onlyA.items.map((e) => e.id));

    // Dates: inclusive bounds.
    await backdate(tenant.id, "tenant.created", "2024-01-10T12:00:00.000Z");
    const january = await owner.caller.audit.list({
      workspace,
      from: new Date("2024-01-10T00:00:00.000Z"),
      to: new Date("2024-01-10T12:00:00.000Z"),
    });
    expect(january.items.map((e) => e.action)).toEqual(["tenant.created"]);
    const since = await owner.caller.audit.list({
      workspace,
      from: new Date("2024-01-11T00:00:00.000Z"),
      limit: 100,
    });
    expect(since.items.some((e) => e.action === "tenant.created")).toBe(false);

    const backwards = await expectTRPCError(
      owner.caller.audit.list({ workspace, from: new Date("2024-02-01"), to: new Date("2024-01-01") }),
      "BAD_REQUEST",
    );
    expect(fieldOf(backwards) ?? backwards.message).toMatch(/to/);
    await expectTRPCError(editor.caller.audit.list({ workspace, targetId: setA }), "FORBIDDEN");
  });

  it("exports the filtered log as CSV through the one writer, for admins only, and audits the export", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("audit-csv");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const setId = await segmentSet(tenant.id, "=cmd|' /C calc'!A0");
    await owner.caller.comment.create({
      workspace,
      entityType: "segment_set",
      entityId: setId,
      body: "=1+1 sneaky",
    });
    await owner.caller.comment.create({
      workspace,
      entityType: "segment_set",
      entityId: setId,
      body: "second",
    });

    const response = await exportCsv(owner.id, workspace, `?targetType=segment_set&targetId=${setId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="audit-/);
    const text = await response.text();
    const [header, ...lines] = text.trimEnd().split("\n");
    expect(header).toBe("created_at,actor_email,actor_name,action,target_type,target_id,details");
    const parsed = parseCsv(text);
    const rows = parsed.records.map((r) =>
      Object.fromEntries(parsed.header.map((name, i) => [name, r.fields[i]])),
    );
    expect(lines).toHaveLength(2);
    expect(rows.map((r) => r.action)).toEqual(["comment.created", "comment.created"]);
    expect(rows[0]).toMatchObject({ actor_email: owner.email, target_type: "segment_set", target_id: setId });
    expect(new Date(rows[0]!.created_at!).toISOString()).toBe(rows[0]!.created_at);
    const details = JSON.parse(rows[1]!.details!) as Record<string, unknown>;
    expect(details).toMatchObject({ excerpt: "=1+1 sneaky", name: "=cmd|' /C calc'!A0" });
    // Details are JSON, so a cell never starts with a formula character.
    expect(rows.every((r) => r.details!.startsWith("{"))).toBe(true);

    const exported = await owner.caller.audit.list({ workspace, targetType: "audit" });
    expect(exported.items.map((e) => e.action)).toEqual(["audit.exported"]);
    expect(exported.items[0]!.details).toEqual({ filters: { targetType: "segment_set", targetId: setId } });

    expect((await exportCsv(viewer.id, workspace)).status).toBe(403);
    const bad = await exportCsv(owner.id, workspace, "?from=2024-02-01&to=2024-01-01");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: Array<{ field?: string }> } };
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.details.map((d) => d.field)).toContain("to");
    // Refused exports are not audited.
    expect((await owner.caller.audit.list({ workspace, targetType: "audit" })).items).toHaveLength(1);
  });

  it("audits runs queued and cancelled, imports started and segment exports downloaded", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("audit-trail");
    const customerId = randomUUID();
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'C-1')", [
      customerId,
      tenant.id,
    ]);
    await h.database.query(
      "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
      [customerId, tenant.id, JSON.stringify({ frequency: 3, monetary: 120 })],
    );
    const run = await owner.caller.run.create({
      workspace,
      name: "Spring run",
      config: { algorithm: "kmeans", k: 2 },
    });
    await owner.caller.run.cancel({ workspace, id: run.id });

    const received = await receiveUpload(h.database, {
      tenantId: tenant.id,
      userId: owner.id,
      kind: "customers",
      fileName: "people.csv",
      body: (async function* () {
        yield new TextEncoder().encode("customer_id,name\nC1,Ada\n");
      })(),
      dataDir: importDir,
    });
    const mapping = { ...received.preview.mapping, fields: { customerId: "customer_id", name: "name" } };
    await owner.caller.import.start({ workspace, id: received.importId, mapping });
    await owner.caller.import.cancel({ workspace, id: received.importId });

    const setId = await segmentSet(tenant.id, "Value tiers");
    const segmentId = randomUUID();
    await h.database.query(
      "insert into segments (id, tenant_id, segment_set_id, position, name, color) values ($1, $2, $3, 0, 'Champions', '#000')",
      [segmentId, tenant.id, setId],
    );
    await h.database.query(
      "insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id) values ($1, $2, $3, $4)",
      [setId, customerId, segmentId, tenant.id],
    );
    const download = await handleSegmentExport(
      new Request(`http://localhost/api/workspaces/${workspace}/segments/${segmentId}/export`),
      createContext({ database: h.database, userId: owner.id }),
      { workspace, id: segmentId },
    );
    expect(download.status).toBe(200);
    await download.text();

    const events = (await owner.caller.audit.list({ workspace, limit: 100 })).items.reverse();
    const trail = events
      .filter((e) => !e.action.startsWith("tenant."))
      .map((e) => ({ action: e.action, targetType: e.targetType, actor: e.actorEmail }));
    expect(trail).toEqual([
      { action: "run.queued", targetType: "run", actor: owner.email },
      { action: "run.cancelled", targetType: "run", actor: owner.email },
      { action: "import.started", targetType: "import", actor: owner.email },
      { action: "import.cancelled", targetType: "import", actor: owner.email },
      { action: "segment.exported", targetType: "segment", actor: owner.email },
    ]);
    expect(events.find((e) => e.action === "import.started")!.details).toMatchObject({
      kind: "customers",
      fileName: "people.csv",
    });

    // The activity feed tells the same story in sentences, for every member.
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const feed = await viewer.caller.audit.feed({ workspace });
    const sentences = feed.items.map((i) => i.sentence);
    const name = "audit-trail-owner";
    expect(sentences).toContain(`${name} started a kmeans run Spring run`);
    expect(sentences).toContain(`${name} cancelled run Spring run`);
    expect(sentences).toContain(`${name} started importing customers from people.csv`);
    expect(sentences).toContain(`${name} exported the customers of segment Champions (Value tiers)`);
    expect(sentences).toContain("viewer joined the workspace as viewer");
    // Invitations name people who are not members yet: they stay on the admins' audit page.
    expect(feed.items.some((i) => i.action.startsWith("invitation."))).toBe(false);
    expect(feed.items[0]!.action).toBe("member.joined");
  });

  it("feeds comment activity with the set's current name and an excerpt, newest first, in pages", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("feed");
    const setId = await segmentSet(tenant.id, "Value tiers");
    const editor = await h.addMember(owner.caller, workspace, "editor");
    await editor.caller.comment.create({
      workspace,
      entityType: "segment_set",
      entityId: setId,
      body: `Can you check this, @${owner.email}?`,
    });
    await h.database.query("update segment_sets set name = 'Value tiers 2' where id = $1", [setId]);
    const first = await owner.caller.audit.feed({ workspace, limit: 1 });
    expect(first.items[0]).toMatchObject({
      sentence: "editor commented on segment set Value tiers 2, mentioning a member",
      excerpt: `Can you check this, @${owner.email}?`,
      target: { type: "segment_set", id: setId },
    });
    const rest = await owner.caller.audit.feed({ workspace, limit: 100, cursor: first.nextCursor });
    expect(rest.items.map((i) => i.action)).toEqual(["member.joined", "tenant.created"]);
    expect(rest.nextCursor).toBeNull();
  });
});
