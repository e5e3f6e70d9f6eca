import { randomUUID } from "node:crypto";
import { auditEvents, invitations, memberships, rawRows, testDrivers, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, openHarness } from "./harness.js";

// The proof: a member of tenant A cannot read or change tenant B's rows through the api, and
// with row-level security a raw query inside A's transaction sees none of B's rows even without WHERE.
describe.each(testDrivers())("tenant isolation on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let a: Awaited<ReturnType<typeof h.newWorkspace>>;
  let b: Awaited<ReturnType<typeof h.newWorkspace>>;
  let bMember: Awaited<ReturnType<typeof h.newUser>>;
  let bInvitationId: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    a = await h.newWorkspace("tenant-a");
    b = await h.newWorkspace("tenant-b");
    await h.addMember(a.owner.caller, a.workspace, "viewer");
    bMember = await h.addMember(b.owner.caller, b.workspace, "editor");
    bInvitationId = (await b.owner.caller.invitation.create({ workspace: b.workspace, role: "viewer" })).id;
  });
  afterAll(() => h?.cleanup());

  const snapshotB = async () => ({
    memberships: await h.database.query("select * from memberships where tenant_id = $1 order by user_id", [
      b.tenant.id,
    ]),
    invitations: await h.database.query("select * from invitations where tenant_id = $1 order by id", [
      b.tenant.id,
    ]),
    audit: await h.database.query("select id from audit_events where tenant_id = $1 order by id", [
      b.tenant.id,
    ]),
  });

  it("A's owner gets NOT_FOUND for everything in B, and B is unchanged", async () => {
    const before = await snapshotB();
    const asA = a.owner.caller;
    const ws = { workspace: b.workspace };
    await expectTRPCError(asA.tenant.get(ws), "NOT_FOUND", "Workspace not found");
    await expectTRPCError(asA.member.list(ws), "NOT_FOUND", "Workspace not found");
    await expectTRPCError(asA.invitation.list(ws), "NOT_FOUND", "Workspace not found");
    await expectTRPCError(asA.audit.list(ws), "NOT_FOUND", "Workspace not found");
    await expectTRPCError(asA.invitation.create({ ...ws, role: "owner" }), "NOT_FOUND");
    await expectTRPCError(asA.member.updateRole({ ...ws, userId: a.owner.id, role: "owner" }), "NOT_FOUND");
    await expectTRPCError(asA.member.remove({ ...ws, userId: bMember.id }), "NOT_FOUND");
    await expectTRPCError(asA.invitation.revoke({ ...ws, id: bInvitationId }), "NOT_FOUND");
    expect(await asA.tenant.list()).toEqual([{ ...a.tenant, role: "owner" }]);
    expect(await snapshotB()).toEqual(before);
  });

  it("A's owner cannot reach B's rows by passing B's ids through A's own workspace", async () => {
    const before = await snapshotB();
    const asA = a.owner.caller;
    const ws = { workspace: a.workspace };
    await expectTRPCError(
      asA.member.updateRole({ ...ws, userId: bMember.id, role: "viewer" }),
      "NOT_FOUND",
      "Member not found",
    );
    await expectTRPCError(asA.member.remove({ ...ws, userId: b.owner.id }), "NOT_FOUND", "Member not found");
    await expectTRPCError(
      asA.invitation.revoke({ ...ws, id: bInvitationId }),
      "NOT_FOUND",
      "Invitation not found",
    );
    const members = await asA.member.list(ws);
    expect(members.map((m) => m.userId)).not.toContain(bMember.id);
    const audit = await asA.audit.list(ws);
    expect(audit.items.every((e) => e.actorEmail !== b.owner.email)).toBe(true);
    expect(await snapshotB()).toEqual(before);
  });

  it("inside withTenant(A), select * without WHERE returns only A's memberships, invitations and audit events", async () => {
    // Sanity: the rows exist for both tenants when looked at without the app role.
    const everything = await h.database.query<{ tenant_id: string }>("select tenant_id from memberships");
    expect(new Set(everything.rows.map((r) => r.tenant_id))).toEqual(new Set([a.tenant.id, b.tenant.id]));

    await withTenant(h.database.db, a.tenant.id, async (tx) => {
      for (const table of ["memberships", "invitations", "audit_events"]) {
        const rows = await rawRows<{ tenant_id: string }>(tx, sql.raw(`select * from ${table}`));
        expect(rows.length, table).toBeGreaterThan(0);
        expect(
          rows.filter((r) => r.tenant_id !== a.tenant.id),
          table,
        ).toEqual([]);
      }
      const typed = await tx.select().from(memberships);
      expect(typed.every((m) => m.tenantId === a.tenant.id)).toBe(true);
      const invites = await tx.select().from(invitations);
      expect(invites.every((i) => i.tenantId === a.tenant.id)).toBe(true);
    });
  });

  it("inside withTenant(A), inserting or updating a tenant-B row is refused and nothing changes", async () => {
    const before = await snapshotB();
    const refused = (fn: Parameters<typeof withTenant>[2]) =>
      withTenant(h.database.db, a.tenant.id, fn).then(
        () => "accepted",
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(
      await refused((tx) =>
        tx.insert(memberships).values({ tenantId: b.tenant.id, userId: a.owner.id, role: "owner" }),
      ),
    ).toMatch(/row-level security/);
    expect(
      await refused((tx) =>
        tx.insert(auditEvents).values({ tenantId: b.tenant.id, action: "x.forged", targetType: "x" }),
      ),
    ).toMatch(/row-level security/);
    expect(
      await refused((tx) =>
        tx.insert(invitations).values({
          tenantId: b.tenant.id,
          tokenHash: randomUUID(),
          role: "owner",
          expiresAt: new Date(Date.now() + 3_600_000),
        }),
      ),
    ).toMatch(/row-level security/);
    // Moving one of A's rows into B is refused too (WITH CHECK).
    expect(await refused((tx) => tx.execute(sql`update memberships set tenant_id = ${b.tenant.id}`))).toMatch(
      /row-level security/,
    );
    // Updates and deletes aimed at B's rows simply find nothing.
    await withTenant(h.database.db, a.tenant.id, async (tx) => {
      const updated = await rawRows(
        tx,
        sql`update memberships set role = 'viewer' where tenant_id = ${b.tenant.id} returning *`,
      );
      const deleted = await rawRows(
        tx,
        sql`delete from audit_events where tenant_id = ${b.tenant.id} returning *`,
      );
      expect(updated).toEqual([]);
      expect(deleted).toEqual([]);
    });
    expect(await snapshotB()).toEqual(before);
  });
});
