import { auditEvents, invitations, memberships, testDrivers } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashInvitationToken } from "../src/services/invitation/token.js";
import { expectTRPCError, openHarness } from "./harness.js";

describe.each(testDrivers())("invitations on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  const membershipsOf = (tenantId: string) =>
    h.database.db.select().from(memberships).where(eq(memberships.tenantId, tenantId));

  it("creates a link whose token is stored only as its sha256, and shows it to anyone holding it", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("inv");
    const before = Date.now();
    const created = await owner.caller.invitation.create({ workspace, role: "editor" });
    expect(created).toEqual({
      id: expect.any(String),
      token: expect.any(String),
      role: "editor",
      expiresAt: expect.any(Date),
    });
    const hours = (created.expiresAt.getTime() - before) / 3_600_000;
    expect(hours).toBeGreaterThan(167.9);
    expect(hours).toBeLessThan(168.1);
    const [row] = await h.database.db.select().from(invitations).where(eq(invitations.id, created.id));
    expect(row?.tokenHash).toBe(hashInvitationToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);

    await expect(h.anonymous.invitation.get({ token: created.token })).resolves.toEqual({
      workspaceName: tenant.name,
      role: "editor",
      expiresAt: created.expiresAt,
      status: "pending",
    });
    await expect(owner.caller.invitation.list({ workspace })).resolves.toEqual([
      expect.objectContaining({ id: created.id, role: "editor", createdByEmail: owner.email }),
    ]);
  });

  it("accepting makes the user a member with the invited role, once, with an audit event", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("acc");
    const { token, id } = await owner.caller.invitation.create({
      workspace,
      role: "viewer",
      expiresInHours: 2,
    });
    const bea = await h.newUser("bea");
    await expect(bea.caller.invitation.accept({ token })).resolves.toEqual({ workspace, role: "viewer" });
    await expect(bea.caller.tenant.get({ workspace })).resolves.toMatchObject({ role: "viewer" });
    await expect(h.anonymous.invitation.get({ token })).resolves.toMatchObject({ status: "accepted" });
    await expect(owner.caller.invitation.list({ workspace })).resolves.toEqual([]);
    const joined = await h.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, "member.joined")));
    expect(joined).toEqual([
      expect.objectContaining({ actorUserId: bea.id, details: { role: "viewer", invitationId: id } }),
    ]);

    // Reused: refused, and nothing changes.
    const cy = await h.newUser("cy");
    await expectTRPCError(cy.caller.invitation.accept({ token }), "CONFLICT", /already been used/);
    await expectTRPCError(cy.caller.tenant.get({ workspace }), "NOT_FOUND");
    expect(await membershipsOf(tenant.id)).toHaveLength(2);
  });

  it("one link accepted by two people at the same moment admits exactly one", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("race");
    const { token } = await owner.caller.invitation.create({ workspace, role: "editor" });
    const [gil, hal] = await Promise.all([h.newUser("gil"), h.newUser("hal")]);
    const results = await Promise.allSettled([
      gil.caller.invitation.accept({ token }),
      hal.caller.invitation.accept({ token }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT" });
    expect(await membershipsOf(tenant.id)).toHaveLength(2);
  });

  it("refuses an expired link with a clear message and changes nothing", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("exp");
    const { token, id } = await owner.caller.invitation.create({ workspace, role: "editor" });
    await h.database.query("update invitations set expires_at = now() - interval '1 minute' where id = $1", [
      id,
    ]);
    await expect(h.anonymous.invitation.get({ token })).resolves.toMatchObject({ status: "expired" });
    const dan = await h.newUser("dan");
    await expectTRPCError(dan.caller.invitation.accept({ token }), "PRECONDITION_FAILED", /expired/);
    expect(await membershipsOf(tenant.id)).toHaveLength(1);
    const [row] = await h.database.db.select().from(invitations).where(eq(invitations.id, id));
    expect(row?.acceptedAt).toBeNull();
    await expect(owner.caller.invitation.list({ workspace })).resolves.toEqual([]);
  });

  it("revoking stops a link from working, with an audit event", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("rev");
    const { token, id } = await owner.caller.invitation.create({ workspace, role: "admin" });
    await expect(owner.caller.invitation.revoke({ workspace, id })).resolves.toMatchObject({ id });
    await expect(h.anonymous.invitation.get({ token })).resolves.toMatchObject({ status: "revoked" });
    const eve = await h.newUser("eve");
    await expectTRPCError(eve.caller.invitation.accept({ token }), "PRECONDITION_FAILED", /revoked/);
    expect(await membershipsOf(tenant.id)).toHaveLength(1);
    const revoked = await h.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenant.id), eq(auditEvents.action, "invitation.revoked")));
    expect(revoked).toHaveLength(1);
    await expectTRPCError(
      owner.caller.invitation.revoke({ workspace, id: "00000000-0000-4000-8000-000000000000" }),
      "NOT_FOUND",
    );
  });

  it("answers NOT_FOUND for a token that was never issued", async () => {
    await expectTRPCError(h.anonymous.invitation.get({ token: "made-up-token" }), "NOT_FOUND", /not valid/);
    const fay = await h.newUser("fay");
    await expectTRPCError(fay.caller.invitation.accept({ token: "made-up-token" }), "NOT_FOUND");
  });

  it("refuses an invitation for someone already a member, leaving the link usable", async () => {
    const { owner, workspace } = await h.newWorkspace("dupm");
    const { token } = await owner.caller.invitation.create({ workspace, role: "viewer" });
    await expectTRPCError(owner.caller.invitation.accept({ token }), "CONFLICT", /already a member/);
    await expect(h.anonymous.invitation.get({ token })).resolves.toMatchObject({ status: "pending" });
  });

  it("needs a signed-in user to accept and an admin to invite; only owners invite owners", async () => {
    const { owner, workspace } = await h.newWorkspace("perm");
    const { token } = await owner.caller.invitation.create({ workspace, role: "viewer" });
    await expectTRPCError(h.anonymous.invitation.accept({ token }), "UNAUTHORIZED");
    const admin = await h.addMember(owner.caller, workspace, "admin");
    const editor = await h.addMember(owner.caller, workspace, "editor");
    await expectTRPCError(
      editor.caller.invitation.create({ workspace, role: "viewer" }),
      "FORBIDDEN",
      /admin role/,
    );
    await expectTRPCError(editor.caller.invitation.list({ workspace }), "FORBIDDEN");
    await expectTRPCError(admin.caller.invitation.create({ workspace, role: "owner" }), "FORBIDDEN", /owner/);
    await expect(admin.caller.invitation.create({ workspace, role: "admin" })).resolves.toMatchObject({
      role: "admin",
    });
    await expect(owner.caller.invitation.create({ workspace, role: "owner" })).resolves.toMatchObject({
      role: "owner",
    });
  });
});
