import { randomUUID } from "node:crypto";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, fieldOf, openHarness } from "./harness.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

describe.each(testDrivers())("comment threads on %s", (driver) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(driver);
  }, 60_000);
  afterAll(async () => {
    await h?.cleanup();
  });

  /** A segment set row of `tenantId` (the thread's entity; how it was published does not matter here). */
  async function segmentSet(tenantId: string, name = "Value tiers"): Promise<string> {
    const id = randomUUID();
    await h.database.query("insert into segment_sets (id, tenant_id, name) values ($1, $2, $3)", [
      id,
      tenantId,
      name,
    ]);
    return id;
  }

  /** A workspace with an owner, an admin, an editor and a viewer, and one segment set. */
  async function team() {
    const home = await h.newWorkspace("comments");
    const admin = await h.addMember(home.owner.caller, home.workspace, "admin");
    const editor = await h.addMember(home.owner.caller, home.workspace, "editor");
    const viewer = await h.addMember(home.owner.caller, home.workspace, "viewer");
    const setId = await segmentSet(home.tenant.id);
    const thread = { workspace: home.workspace, entityType: "segment_set" as const, entityId: setId };
    return { ...home, admin, editor, viewer, setId, thread };
  }

  const commentRow = async (id: string) =>
    (
      await h.database.query<{
        body: string;
        edited_at: Date | null;
        deleted_at: Date | null;
        mentions: string[];
      }>("select body, edited_at, deleted_at, mentions from comments where id = $1", [id])
    ).rows[0];

  const auditActions = async (tenantId: string) =>
    (
      await h.database.query<{
        action: string;
        target_type: string;
        target_id: string;
        details: Record<string, unknown>;
      }>(
        "select action, target_type, target_id, details from audit_events where tenant_id = $1 and action like 'comment.%' order by created_at, id",
        [tenantId],
      )
    ).rows;

  it("resolves @mentions to members of the workspace only, by email or name; other @text stays text", async () => {
    const t = await team();
    const outsider = await h.newUser("outsider");
    const body = `Please check @${t.editor.email} and @${outsider.email}, also @viewer and @nobody-here`;
    const created = await t.owner.caller.comment.create({ ...t.thread, body });
    // "viewer" is the harness's display name of the viewer; the outsider is not a member.
    expect(created.mentions.sort()).toEqual([t.editor.id, t.viewer.id].sort());
    expect(created.body).toBe(body);
    const list = await t.editor.caller.comment.list(t.thread);
    expect(list.entityName).toBe("Value tiers");
    expect(list.comments).toHaveLength(1);
    expect(list.comments[0]!.mentions.map((m) => m.userId).sort()).toEqual([t.editor.id, t.viewer.id].sort());
    expect(list.comments[0]).toMatchObject({ authorId: t.owner.id, isOwn: false, body });
  });

  it("lets viewers comment, and checks the body: 1 to 5,000 characters after trimming", async () => {
    const t = await team();
    await t.viewer.caller.comment.create({ ...t.thread, body: "Viewers can take part" });
    const empty = await expectTRPCError(
      t.viewer.caller.comment.create({ ...t.thread, body: "   " }),
      "BAD_REQUEST",
    );
    expect(fieldOf(empty) ?? empty.message).toMatch(/body/);
    await expectTRPCError(
      t.viewer.caller.comment.create({ ...t.thread, body: "x".repeat(5001) }),
      "BAD_REQUEST",
    );
    await t.viewer.caller.comment.create({ ...t.thread, body: "x".repeat(5000) });
    expect((await t.owner.caller.comment.list(t.thread)).comments).toHaveLength(2);
  });

  it("refuses editing or deleting someone else's comment with nothing changed; admins may delete any", async () => {
    const t = await team();
    const ownerComment = await t.owner.caller.comment.create({ ...t.thread, body: "Owner's words" });
    const editorComment = await t.editor.caller.comment.create({ ...t.thread, body: "Editor's words" });
    const before = await commentRow(ownerComment.id);
    const auditBefore = await auditActions(t.tenant.id);

    await expectTRPCError(
      t.editor.caller.comment.update({
        workspace: t.workspace,
        id: ownerComment.id,
        data: { body: "Hijacked" },
      }),
      "FORBIDDEN",
      "You can only edit your own comments.",
    );
    // Admins moderate by deleting, never by putting words in someone's mouth.
    await expectTRPCError(
      t.admin.caller.comment.update({
        workspace: t.workspace,
        id: ownerComment.id,
        data: { body: "Hijacked" },
      }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      t.editor.caller.comment.delete({ workspace: t.workspace, id: ownerComment.id }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      t.viewer.caller.comment.delete({ workspace: t.workspace, id: editorComment.id }),
      "FORBIDDEN",
    );
    expect(await commentRow(ownerComment.id)).toEqual(before);
    expect(await auditActions(t.tenant.id)).toEqual(auditBefore);

    const edited = await t.editor.caller.comment.update({
      workspace: t.workspace,
      id: editorComment.id,
      data: { body: `Now mentioning @${t.viewer.email}` },
    });
    expect(edited.editedAt).toBeInstanceOf(Date);
    expect(edited.mentions).toEqual([t.viewer.id]);

    await t.admin.caller.comment.delete({ workspace: t.workspace, id: editorComment.id });
    await t.owner.caller.comment.delete({ workspace: t.workspace, id: ownerComment.id });
    const list = await t.viewer.caller.comment.list(t.thread);
    expect(
      list.comments.map((c) => ({ body: c.body, mentions: c.mentions, deleted: c.deletedAt !== null })),
    ).toEqual([
      { body: null, mentions: [], deleted: true },
      { body: null, mentions: [], deleted: true },
    ]);
    expect((await commentRow(editorComment.id))!.body).toBe("");
    // A deleted comment cannot be edited or deleted again.
    await expectTRPCError(
      t.editor.caller.comment.update({
        workspace: t.workspace,
        id: editorComment.id,
        data: { body: "Back" },
      }),
      "NOT_FOUND",
    );
  });

  it("writes an audit event for each add, edit and delete with a short excerpt and no full text", async () => {
    const t = await team();
    const long = `Start ${"word ".repeat(100)}end`;
    const comment = await t.editor.caller.comment.create({ ...t.thread, body: long });
    await t.editor.caller.comment.update({
      workspace: t.workspace,
      id: comment.id,
      data: { body: "Shorter now" },
    });
    await t.editor.caller.comment.delete({ workspace: t.workspace, id: comment.id });
    const events = await auditActions(t.tenant.id);
    expect(events.map((e) => e.action)).toEqual(["comment.created", "comment.edited", "comment.deleted"]);
    for (const e of events) {
      expect(e).toMatchObject({ target_type: "segment_set", target_id: t.setId });
      expect(e.details.commentId).toBe(comment.id);
      expect(e.details.name).toBe("Value tiers");
    }
    const excerpt = events[0]!.details.excerpt as string;
    expect(excerpt.length).toBeLessThanOrEqual(80);
    expect(long.startsWith(excerpt.slice(0, -1))).toBe(true);
    expect(events[1]!.details.excerpt).toBe("Shorter now");
    expect(events[2]!.details).not.toHaveProperty("excerpt");
  });

  it("counts others' comments after the read marker as unread, per thread and across the workspace", async () => {
    const t = await team();
    const otherSet = await segmentSet(t.tenant.id, "Churn risk");
    const otherThread = { ...t.thread, entityId: otherSet };
    const first = await t.owner.caller.comment.create({ ...t.thread, body: "First look" });
    await t.owner.caller.comment.create({ ...t.thread, body: `@${t.viewer.email} what do you think?` });
    await t.editor.caller.comment.create({ ...otherThread, body: "Elsewhere" });

    // One's own comments are never unread, and writing marks the thread read for the author.
    expect((await t.owner.caller.comment.list(t.thread)).unreadCount).toBe(0);

    const viewerThread = await t.viewer.caller.comment.list(t.thread);
    expect(viewerThread.readAt).toBeNull();
    expect(viewerThread.unreadCount).toBe(2);
    expect(viewerThread.comments.every((c) => c.isUnread)).toBe(true);
    const summary = await t.viewer.caller.comment.unreadSummary({ workspace: t.workspace });
    expect(summary).toMatchObject({ unread: 3, mentions: 1 });
    expect(
      summary.threads
        .map((s) => ({ name: s.entityName, unread: s.unread, mentions: s.mentions }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    ).toEqual([
      { name: "Churn risk", unread: 1, mentions: 0 },
      { name: "Value tiers", unread: 2, mentions: 1 },
    ]);

    // Read up to the first comment: the second stays unread.
    await t.viewer.caller.comment.markRead({ ...t.thread, upTo: first.createdAt });
    const partly = await t.viewer.caller.comment.list(t.thread);
    expect(partly.unreadCount).toBe(1);
    expect(partly.comments.map((c) => c.isUnread)).toEqual([false, true]);

    await t.viewer.caller.comment.markRead(t.thread);
    // An older tab marking an earlier point does not make read comments unread again.
    await t.viewer.caller.comment.markRead({ ...t.thread, upTo: first.createdAt });
    expect((await t.viewer.caller.comment.list(t.thread)).unreadCount).toBe(0);
    expect(await t.viewer.caller.comment.unreadSummary({ workspace: t.workspace })).toMatchObject({
      unread: 1,
      mentions: 0,
    });

    // The viewer answers: now the owner has one unread; a deleted comment no longer counts.
    const reply = await t.viewer.caller.comment.create({ ...t.thread, body: "Looks good" });
    expect((await t.owner.caller.comment.list(t.thread)).unreadCount).toBe(1);
    await t.viewer.caller.comment.delete({ workspace: t.workspace, id: reply.id });
    expect((await t.owner.caller.comment.list(t.thread)).unreadCount).toBe(0);
  });

  it("answers NOT_FOUND for another workspace's entity or comment, and changes nothing", async () => {
    const a = await team();
    const b = await h.newWorkspace("intruder");
    const aComment = await a.owner.caller.comment.create({ ...a.thread, body: "Private to A" });
    const countBefore = await h.database.query("select count(*)::int as n from comments");
    const readsBefore = await h.database.query("select count(*)::int as n from comment_reads");
    const throughB = { ...a.thread, workspace: b.workspace };

    await expectTRPCError(b.owner.caller.comment.list(throughB), "NOT_FOUND", "Segment set not found");
    await expectTRPCError(b.owner.caller.comment.create({ ...throughB, body: "Hello" }), "NOT_FOUND");
    await expectTRPCError(b.owner.caller.comment.markRead(throughB), "NOT_FOUND");
    await expectTRPCError(
      b.owner.caller.comment.update({ workspace: b.workspace, id: aComment.id, data: { body: "x" } }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      b.owner.caller.comment.delete({ workspace: b.workspace, id: aComment.id }),
      "NOT_FOUND",
    );
    // Through A itself, B's owner is not a member.
    await expectTRPCError(b.owner.caller.comment.list(a.thread), "NOT_FOUND", "Workspace not found");
    expect((await b.owner.caller.comment.unreadSummary({ workspace: b.workspace })).threads).toEqual([]);

    expect(await h.database.query("select count(*)::int as n from comments")).toEqual(countBefore);
    expect(await h.database.query("select count(*)::int as n from comment_reads")).toEqual(readsBefore);
    expect((await commentRow(aComment.id))!.body).toBe("Private to A");

    // An id that is nothing is not found either; a segment set's id is not a policy's.
    await expectTRPCError(a.owner.caller.comment.list({ ...a.thread, entityId: randomUUID() }), "NOT_FOUND");
    await expectTRPCError(
      a.owner.caller.comment.list({ ...a.thread, entityType: "policy" }),
      "NOT_FOUND",
      "Policy not found",
    );
  });

  it("keeps a thread on a policy through the same tables, named in the unread summary", async () => {
    const t = await team();
    const policyId = randomUUID();
    await h.database.query(
      "insert into policies (id, tenant_id, name, terms) values ($1, $2, $3, '{}'::jsonb)",
      [policyId, t.tenant.id, "Default service"],
    );
    const onPolicy = { workspace: t.workspace, entityType: "policy" as const, entityId: policyId };
    await t.editor.caller.comment.create({ ...onPolicy, body: `@${t.viewer.email} is next-day right here?` });
    const thread = await t.viewer.caller.comment.list(onPolicy);
    expect(thread).toMatchObject({ entityName: "Default service", unreadCount: 1 });
    expect((await t.viewer.caller.comment.unreadSummary({ workspace: t.workspace })).threads).toEqual([
      expect.objectContaining({
        entityType: "policy",
        entityId: policyId,
        entityName: "Default service",
        mentions: 1,
      }),
    ]);
    const b = await h.newWorkspace("policy-intruder");
    await expectTRPCError(b.owner.caller.comment.list({ ...onPolicy, workspace: b.workspace }), "NOT_FOUND");
  });
});
