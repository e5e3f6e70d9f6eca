import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "./tenant.js";
import { createTestDb, type TestDatabase, testDrivers } from "./testing.js";

// Figures derived from a workspace's order lines are kept in memory under order_line_versions, which
// triggers on order_lines move on: every way lines are written must move it, inside the tenant's own
// transaction, and only for that workspace.
describe.each(testDrivers())("order line versions on %s", (driver) => {
  let database: TestDatabase;
  const a = { tenant: randomUUID(), customer: randomUUID(), other: randomUUID() };
  const b = { tenant: randomUUID(), customer: randomUUID() };

  beforeAll(async () => {
    database = await createTestDb(driver);
    for (const [t, slug] of [
      [a, "lines-a"],
      [b, "lines-b"],
    ] as const) {
      await database.query("insert into tenants (id, slug, name) values ($1, $2, $2)", [t.tenant, slug]);
      await database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'c1')", [
        t.customer,
        t.tenant,
      ]);
    }
    await database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'c2')", [
      a.other,
      a.tenant,
    ]);
  });
  afterAll(() => database?.cleanup());

  /** The workspace's version as the app reads it (inside its own transaction), 0 without a row. */
  const versionOf = (tenant: string) =>
    withTenant(database.db, tenant, async (tx) => {
      const result = (await tx.execute(
        sql`select version from order_line_versions where tenant_id = ${tenant}`,
      )) as unknown as { rows: Array<{ version: string | number }> };
      return Number(result.rows[0]?.version ?? 0);
    });

  const addLines = (tenant: string, customer: string, n: number) =>
    withTenant(database.db, tenant, (tx) =>
      tx.execute(sql`insert into order_lines (tenant_id, dataset_id, customer_id, line_key, ordered_at, quantity, unit_price)
        select ${tenant}, gen_random_uuid(), ${customer}, gen_random_uuid(), now(), g, 1.5
        from generate_series(1, ${n}) g`),
    );

  it("moves on once per statement that adds, changes or removes a workspace's lines, and only its own", async () => {
    expect(await versionOf(a.tenant)).toBe(0);
    await addLines(a.tenant, a.customer, 500);
    expect(await versionOf(a.tenant)).toBe(1);
    await addLines(a.tenant, a.other, 3);
    expect(await versionOf(a.tenant)).toBe(2);
    expect(await versionOf(b.tenant)).toBe(0);

    await withTenant(database.db, a.tenant, (tx) =>
      tx.execute(sql`update order_lines set unit_cost = 1 where tenant_id = ${a.tenant} and quantity = 1`),
    );
    expect(await versionOf(a.tenant)).toBe(3);
    await withTenant(database.db, a.tenant, (tx) =>
      tx.execute(sql`delete from order_lines where tenant_id = ${a.tenant} and quantity = 2`),
    );
    expect(await versionOf(a.tenant)).toBe(4);
    // Erasing a customer removes their lines through the foreign key's cascade: that counts too.
    await withTenant(database.db, a.tenant, (tx) =>
      tx.execute(sql`delete from customers where tenant_id = ${a.tenant} and id = ${a.other}`),
    );
    expect(await versionOf(a.tenant)).toBe(5);
    expect(await versionOf(b.tenant)).toBe(0);
  });

  it("is another workspace's business: tenant B neither reads nor moves tenant A's version", async () => {
    await addLines(b.tenant, b.customer, 2);
    const seenByB = await withTenant(database.db, b.tenant, async (tx) => {
      const result = (await tx.execute(sql`select tenant_id from order_line_versions`)) as unknown as {
        rows: Array<{ tenant_id: string }>;
      };
      return result.rows.map((r) => r.tenant_id);
    });
    expect(seenByB).toEqual([b.tenant]);
  });

  it("leaves a workspace free to be deleted with its lines", async () => {
    await database.query("delete from tenants where id = $1", [b.tenant]);
    const left = await database.query<{ n: number }>(
      "select (select count(*) from order_lines where tenant_id = $1)::int + (select count(*) from order_line_versions where tenant_id = $1)::int as n",
      [b.tenant],
    );
    expect(left.rows[0]!.n).toBe(0);
  });
});
