import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authorizeCredentials } from "@strata/auth";
import { memberships, tenants, testDrivers, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_PASSWORD, DEMO_EMAIL, seedDemoWorkspace } from "../src/seed.js";
import { seedDemoData } from "../src/services/import/seed-demo-data.js";
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

  it("loads the demo retailer with unit costs, deliveries, distances and activity events", async () => {
    const { tenant } = await h.newWorkspace("demo-data");
    const dataDir = mkdtempSync(join(tmpdir(), "strata-demo-"));
    try {
      const summary = await seedDemoData(h.database, tenant.id, { customers: 60, dataDir });
      expect(summary.skipped).toBe(false);
      for (const outcome of [summary.customers, summary.orders, summary.activities]) {
        expect(outcome).toMatchObject({ status: "succeeded", rejected: 0 });
      }
      const lines = await h.database.query<{
        n: string;
        costed: string;
        delivered: string;
        deliveries: string;
      }>(
        `select count(*) as n, count(unit_cost) as costed, count(distance) as delivered,
           count(distinct delivery_id) as deliveries from order_lines where tenant_id = $1`,
        [tenant.id],
      );
      const l = lines.rows[0]!;
      expect(Number(l.n)).toBeGreaterThan(500);
      expect(Number(l.costed)).toBe(Number(l.n));
      expect(Number(l.delivered)).toBe(Number(l.n));
      expect(Number(l.deliveries)).toBeGreaterThan(50);
      const events = await h.database.query<{ activity: string; n: string }>(
        "select activity, count(*) as n from activity_events where tenant_id = $1 group by activity order by activity",
        [tenant.id],
      );
      expect(events.rows.map((r) => r.activity)).toEqual(
        expect.arrayContaining(["payment_terms_days", "sales_visit", "statement"]),
      );
      expect(summary.activities!.imported).toBe(events.rows.reduce((a, r) => a + Number(r.n), 0));
      // Loaded once: a second run leaves the workspace alone.
      await expect(seedDemoData(h.database, tenant.id, { customers: 60, dataDir })).resolves.toEqual({
        skipped: true,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
