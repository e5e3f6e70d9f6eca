import { auditEvents, memberships, tenants, testDrivers, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/seed.js";
import { expectTRPCError, fieldOf, openHarness, PASSWORD } from "./harness.js";

describe.each(testDrivers())("workspaces on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  it("creates a workspace with the creator as owner, a derived slug and an audit event", async () => {
    const ann = await h.newUser("ann");
    const name = `Café Nord ${h.unique("x")}`;
    const tenant = await ann.caller.tenant.create({ name });
    expect(tenant).toEqual({ id: expect.any(String), name, slug: expect.stringMatching(/^cafe-nord-x-/) });
    await expect(ann.caller.tenant.get({ workspace: tenant.slug })).resolves.toEqual({
      ...tenant,
      role: "owner",
    });
    const events = await h.database.db.select().from(auditEvents).where(eq(auditEvents.tenantId, tenant.id));
    expect(events).toEqual([
      expect.objectContaining({ action: "tenant.created", actorUserId: ann.id, targetId: tenant.id }),
    ]);
  });

  it("makes derived slugs unique with a numeric suffix", async () => {
    const ann = await h.newUser("ann");
    const name = h.unique("Same Name");
    const first = await ann.caller.tenant.create({ name });
    const second = await ann.caller.tenant.create({ name });
    expect(second.slug).toBe(`${first.slug}-2`);
  });

  it("refuses a chosen slug that is taken or reserved, creating nothing", async () => {
    const ann = await h.newUser("ann");
    const slug = h.unique("taken");
    await ann.caller.tenant.create({ name: "First", slug });
    const error = await expectTRPCError(
      ann.caller.tenant.create({ name: "Second", slug }),
      "CONFLICT",
      /taken/,
    );
    expect(fieldOf(error)).toBe("slug");
    await expectTRPCError(ann.caller.tenant.create({ name: "Sign in", slug: "sign-in" }), "CONFLICT");
    // A name that derives to a reserved path gets a suffix instead.
    const settings = await ann.caller.tenant.create({ name: "Settings" });
    expect(settings.slug).toMatch(/^settings-\d+$/);
    await expectTRPCError(ann.caller.tenant.create({ name: "Bad", slug: "-Bad Slug-" }), "BAD_REQUEST");
    const owned = await h.database.db.select().from(memberships).where(eq(memberships.userId, ann.id));
    expect(owned).toHaveLength(2);
  });

  it("lists only the workspaces the user belongs to, with their role in each", async () => {
    const a = await h.newWorkspace("list-a");
    const b = await h.newWorkspace("list-b");
    const viewer = await h.addMember(b.owner.caller, b.workspace, "viewer");
    const mine = await a.owner.caller.tenant.list();
    expect(mine).toEqual([{ ...a.tenant, role: "owner" }]);
    await expect(viewer.caller.tenant.list()).resolves.toEqual([{ ...b.tenant, role: "viewer" }]);
  });

  it("answers NOT_FOUND for an unknown workspace and for one the user is not a member of", async () => {
    const a = await h.newWorkspace("nf");
    const outsider = await h.newUser("outsider");
    await expectTRPCError(
      outsider.caller.tenant.get({ workspace: "no-such-workspace" }),
      "NOT_FOUND",
      "Workspace not found",
    );
    await expectTRPCError(
      outsider.caller.tenant.get({ workspace: a.workspace }),
      "NOT_FOUND",
      "Workspace not found",
    );
  });

  it("keeps the tenants table free of row-level security so slugs resolve before the tenant is known", async () => {
    const [row] = await h.database
      .query<{ rls: boolean }>("select relrowsecurity as rls from pg_class where relname = 'tenants'")
      .then((r) => r.rows);
    expect(row?.rls).toBe(false);
    expect(await h.database.db.select().from(tenants).limit(1)).toHaveLength(1);
  });

  it("reserves the slug `demo`: no user can create it, chosen or derived, in any case", async () => {
    const ann = await h.newUser("demo-claimer");
    for (const slug of ["demo", "DEMO", " demo "]) {
      const error = await expectTRPCError(
        ann.caller.tenant.create({ name: "Demo", slug }),
        "CONFLICT",
        /taken/,
      );
      expect(fieldOf(error)).toBe("slug");
    }
    const derived = await ann.caller.tenant.create({ name: "Demo" });
    expect(derived.slug).toMatch(/^demo-\d+$/);
    expect(await h.database.db.select().from(tenants).where(eq(tenants.slug, "demo"))).toEqual([]);
  });

  it("lets only the demo seed create `demo`, and nobody sign up as the demo login to claim it", async () => {
    await expectTRPCError(
      h.anonymous.account.signUp({ email: "Demo@Strata.local", password: PASSWORD, name: "Not demo" }),
      "CONFLICT",
    );
    expect(await h.database.db.select().from(users).where(eq(users.email, "demo@strata.local"))).toEqual([]);
    const seeded = await seedDemoWorkspace(h.database, { password: "seeded-demo-pass-7" });
    expect(seeded.workspace).toBe("demo");
    await expect(h.callerFor(seeded.userId).tenant.get({ workspace: "demo" })).resolves.toMatchObject({
      slug: "demo",
      role: "owner",
    });
  });

  it("ends a removed member's access on their very next request, with the same session", async () => {
    const { owner, workspace } = await h.newWorkspace("removed");
    const bea = await h.addMember(owner.caller, workspace, "editor");
    await expect(bea.caller.tenant.get({ workspace })).resolves.toMatchObject({ role: "editor" });
    await owner.caller.member.remove({ workspace, userId: bea.id });
    // bea.caller is the session she already had: membership is checked on every request.
    await expectTRPCError(bea.caller.tenant.get({ workspace }), "NOT_FOUND");
    await expectTRPCError(bea.caller.member.list({ workspace }), "NOT_FOUND");
    await expectTRPCError(bea.caller.invitation.create({ workspace, role: "viewer" }), "NOT_FOUND");
    expect((await bea.caller.tenant.list()).map((t) => t.slug)).not.toContain(workspace);
  });
});
