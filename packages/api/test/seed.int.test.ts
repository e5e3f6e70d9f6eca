import { authorizeCredentials } from "@strata/auth";
import { memberships, tenants, testDrivers, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, DEMO_EMAIL, seedDemoWorkspace } from "../src/seed.js";
import { openHarness } from "./harness.js";

describe.each(testDrivers())("demo seed on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  it("creates the demo login and workspace once, however often it runs", async () => {
    const first = await seedDemoWorkspace(h.database, { password: DEFAULT_DEMO_PASSWORD });
    const again = await seedDemoWorkspace(h.database, { password: DEFAULT_DEMO_PASSWORD });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ email: "demo@strata.local", workspace: "demo" });
    expect(await h.database.db.select().from(users).where(eq(users.email, DEMO_EMAIL))).toEqual([
      expect.objectContaining({ name: "Demo Analyst" }),
    ]);
    expect(await h.database.db.select().from(tenants).where(eq(tenants.slug, "demo"))).toEqual([
      expect.objectContaining({ name: "Demo Retail" }),
    ]);
    expect(
      await h.database.db.select().from(memberships).where(eq(memberships.tenantId, first.tenantId)),
    ).toEqual([expect.objectContaining({ userId: first.userId, role: "owner" })]);
    const demo = h.callerFor(first.userId);
    await expect(demo.tenant.list()).resolves.toEqual([
      { id: first.tenantId, slug: "demo", name: "Demo Retail", role: "owner" },
    ]);
  });

  it("signs in with the seeded password, and follows a changed password on the next run", async () => {
    await seedDemoWorkspace(h.database, { password: DEFAULT_DEMO_PASSWORD });
    await expect(
      authorizeCredentials(h.database, { email: DEMO_EMAIL, password: DEFAULT_DEMO_PASSWORD }),
    ).resolves.toMatchObject({ email: DEMO_EMAIL });
    await seedDemoWorkspace(h.database, { password: "another-demo-pass-9" });
    await expect(
      authorizeCredentials(h.database, { email: DEMO_EMAIL, password: "another-demo-pass-9" }),
    ).resolves.toMatchObject({ email: DEMO_EMAIL });
    await expect(
      authorizeCredentials(h.database, { email: DEMO_EMAIL, password: DEFAULT_DEMO_PASSWORD }),
    ).resolves.toBeNull();
  });
});
