import { auditEvents, memberships, tenants, testDrivers } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, fieldOf, openHarness } from "./harness.js";

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
});
