import { auditEvents, memberships, testDrivers } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, openHarness } from "./harness.js";

describe.each(testDrivers())("members on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  const roleOf = async (tenantId: string, userId: string) =>
    (
      await h.database.db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    )[0]?.role;

  const actionsOf = async (tenantId: string) =>
    (await h.database.db.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId))).map(
      (e) => e.action,
    );

  it("lists members with email, name, role and join date to any member", async () => {
    const { owner, workspace } = await h.newWorkspace("list");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const members = await viewer.caller.member.list({ workspace });
    expect(members).toEqual([
      {
        userId: owner.id,
        email: owner.email,
        name: expect.any(String),
        role: "owner",
        joinedAt: expect.any(Date),
      },
      { userId: viewer.id, email: viewer.email, name: "viewer", role: "viewer", joinedAt: expect.any(Date) },
    ]);
  });

  it("lets an admin change a member's role, writing an audit event with from and to", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("role");
    const admin = await h.addMember(owner.caller, workspace, "admin");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    await expect(
      admin.caller.member.updateRole({ workspace, userId: viewer.id, role: "editor" }),
    ).resolves.toEqual({
      userId: viewer.id,
      role: "editor",
    });
    expect(await roleOf(tenant.id, viewer.id)).toBe("editor");
    const [event] = await h.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, "member.role_changed")));
    expect(event).toMatchObject({
      actorUserId: admin.id,
      targetId: viewer.id,
      details: { from: "viewer", to: "editor" },
    });
  });

  it("refuses members acting above their role with FORBIDDEN, changing nothing", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("above");
    const editor = await h.addMember(owner.caller, workspace, "editor");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const admin = await h.addMember(owner.caller, workspace, "admin");
    const eventsBefore = await actionsOf(tenant.id);

    await expectTRPCError(
      editor.caller.member.updateRole({ workspace, userId: viewer.id, role: "admin" }),
      "FORBIDDEN",
      "This needs the admin role or higher; you are editor.",
    );
    await expectTRPCError(
      editor.caller.member.updateRole({ workspace, userId: editor.id, role: "owner" }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      viewer.caller.member.remove({ workspace, userId: editor.id }),
      "FORBIDDEN",
      /admin role/,
    );
    // Admins cannot touch the owner role.
    await expectTRPCError(
      admin.caller.member.updateRole({ workspace, userId: admin.id, role: "owner" }),
      "FORBIDDEN",
      /owner/,
    );
    await expectTRPCError(
      admin.caller.member.updateRole({ workspace, userId: owner.id, role: "viewer" }),
      "FORBIDDEN",
    );
    await expectTRPCError(admin.caller.member.remove({ workspace, userId: owner.id }), "FORBIDDEN", /owner/);
    await expectTRPCError(viewer.caller.audit.list({ workspace }), "FORBIDDEN");

    expect(await roleOf(tenant.id, viewer.id)).toBe("viewer");
    expect(await roleOf(tenant.id, editor.id)).toBe("editor");
    expect(await roleOf(tenant.id, admin.id)).toBe("admin");
    expect(await roleOf(tenant.id, owner.id)).toBe("owner");
    expect(await actionsOf(tenant.id)).toEqual(eventsBefore);
  });

  it("never lets the last owner be demoted or removed, even by themselves", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("last");
    await expectTRPCError(
      owner.caller.member.updateRole({ workspace, userId: owner.id, role: "admin" }),
      "PRECONDITION_FAILED",
      /needs an owner/,
    );
    await expectTRPCError(
      owner.caller.member.remove({ workspace, userId: owner.id }),
      "PRECONDITION_FAILED",
      /last owner/,
    );
    expect(await roleOf(tenant.id, owner.id)).toBe("owner");

    // With a second owner, the first may step down.
    const second = await h.addMember(owner.caller, workspace, "owner");
    await expect(
      owner.caller.member.updateRole({ workspace, userId: owner.id, role: "admin" }),
    ).resolves.toEqual({
      userId: owner.id,
      role: "admin",
    });
    await expectTRPCError(
      second.caller.member.updateRole({ workspace, userId: second.id, role: "editor" }),
      "PRECONDITION_FAILED",
    );
    expect(await roleOf(tenant.id, second.id)).toBe("owner");
  });

  it("two owners stepping down at the same moment leave exactly one owner", async () => {
    // Each sees two owners before either writes, unless changes in a workspace take turns. Several
    // workspaces race at once so that, on PostgreSQL, the two transactions really do overlap.
    const races = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { owner, tenant, workspace } = await h.newWorkspace("race");
        const second = await h.addMember(owner.caller, workspace, "owner");
        return { owner, second, tenant, workspace };
      }),
    );
    const outcomes = await Promise.all(
      races.map(({ owner, second, workspace }) =>
        Promise.allSettled([
          owner.caller.member.updateRole({ workspace, userId: owner.id, role: "admin" }),
          second.caller.member.updateRole({ workspace, userId: second.id, role: "admin" }),
        ]),
      ),
    );
    for (const [i, results] of outcomes.entries()) {
      const owners = (
        await h.database.db.select().from(memberships).where(eq(memberships.tenantId, races[i]!.tenant.id))
      ).filter((m) => m.role === "owner");
      expect(owners).toHaveLength(1);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: "PRECONDITION_FAILED" });
    }
  });

  it("lets an admin remove a member and any member leave, each with an audit event", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("rm");
    const admin = await h.addMember(owner.caller, workspace, "admin");
    const editor = await h.addMember(owner.caller, workspace, "editor");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    await expect(admin.caller.member.remove({ workspace, userId: editor.id })).resolves.toEqual({
      userId: editor.id,
    });
    await expectTRPCError(editor.caller.tenant.get({ workspace }), "NOT_FOUND");
    await expect(viewer.caller.member.remove({ workspace, userId: viewer.id })).resolves.toEqual({
      userId: viewer.id,
    });
    expect(await roleOf(tenant.id, viewer.id)).toBeUndefined();
    const actions = await actionsOf(tenant.id);
    expect(actions).toContain("member.removed");
    expect(actions).toContain("member.left");
    await expectTRPCError(
      admin.caller.member.remove({ workspace, userId: editor.id }),
      "NOT_FOUND",
      "Member not found",
    );
  });

  it("pages the audit log newest first with an opaque cursor, naming the actor by email", async () => {
    const { owner, workspace } = await h.newWorkspace("audit");
    for (let i = 0; i < 4; i++) await owner.caller.invitation.create({ workspace, role: "viewer" });
    // 1 tenant.created + 4 invitation.created
    const first = await owner.caller.audit.list({ workspace, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.items[0]).toMatchObject({
      action: "invitation.created",
      actorEmail: owner.email,
      targetType: "invitation",
    });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await owner.caller.audit.list({ workspace, limit: 3, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all).toHaveLength(5);
    expect(new Set(all.map((e) => e.id)).size).toBe(5);
    expect(all.at(-1)?.action).toBe("tenant.created");
    const times = all.map((e) => e.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await expectTRPCError(owner.caller.audit.list({ workspace, cursor: "garbage" }), "BAD_REQUEST");
  });
});
