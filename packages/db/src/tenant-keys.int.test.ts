import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "./tenant.js";
import { createTestDb, type TestDatabase, testDrivers } from "./testing.js";

// Row-level security filters what a tenant reads and writes, but a foreign key check does not see
// policies: with single-column keys a tenant could write its own row naming another tenant's id.
// The keys are composite (tenant_id, parent_id) -> (tenant_id, id), so such a row cannot exist.
describe.each(testDrivers())("tenant foreign keys on %s", (driver) => {
  let database: TestDatabase;
  const a = { tenant: randomUUID(), customer: randomUUID(), set: randomUUID(), segment: randomUUID() };
  const b = { tenant: randomUUID(), customer: randomUUID(), set: randomUUID(), segment: randomUUID() };
  const runB = randomUUID();
  const costRunB = randomUUID();
  const policyB = randomUUID();

  beforeAll(async () => {
    database = await createTestDb(driver);
    for (const [t, slug] of [
      [a, "keys-a"],
      [b, "keys-b"],
    ] as const) {
      await database.query("insert into tenants (id, slug, name) values ($1, $2, $2)", [t.tenant, slug]);
      await database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'c1')", [
        t.customer,
        t.tenant,
      ]);
      await database.query("insert into segment_sets (id, tenant_id, name) values ($1, $2, 'set')", [
        t.set,
        t.tenant,
      ]);
      await database.query(
        "insert into segments (id, tenant_id, segment_set_id, position, name, color) values ($1, $2, $3, 0, 's', '#000000')",
        [t.segment, t.tenant, t.set],
      );
    }
    await database.query("insert into runs (id, tenant_id, config) values ($1, $2, '{}')", [runB, b.tenant]);
    await database.query("insert into cost_to_serve_runs (id, tenant_id, model) values ($1, $2, '{}')", [
      costRunB,
      b.tenant,
    ]);
    await database.query(
      "insert into policies (id, tenant_id, name, terms, segment_id) values ($1, $2, 'p', '{}', $3)",
      [policyB, b.tenant, b.segment],
    );
  });
  afterAll(() => database?.cleanup());

  /** Runs `statement` inside tenant A's transaction; the error message, or "written". */
  async function asTenantA(statement: ReturnType<typeof sql>): Promise<string> {
    return withTenant(database.db, a.tenant, (tx) => tx.execute(statement)).then(
      () => "written",
      (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
    );
  }

  it("a membership of tenant A naming tenant B's segment, set or customer is refused", async () => {
    const cases = [
      { set: b.set, segment: b.segment, customer: a.customer },
      { set: a.set, segment: b.segment, customer: a.customer },
      { set: a.set, segment: a.segment, customer: b.customer },
    ];
    for (const c of cases) {
      await expect(
        asTenantA(sql`insert into segment_memberships (tenant_id, segment_set_id, segment_id, customer_id)
          values (${a.tenant}, ${c.set}, ${c.segment}, ${c.customer})`),
        JSON.stringify(c),
      ).resolves.toMatch(/foreign key constraint/);
    }
    await expect(
      asTenantA(sql`insert into segment_memberships (tenant_id, segment_set_id, segment_id, customer_id)
        values (${a.tenant}, ${a.set}, ${a.segment}, ${a.customer})`),
    ).resolves.toBe("written");
  });

  it("tenant A's order lines, features, events, run results, segments and policies cannot name tenant B's rows", async () => {
    const statements = {
      order_lines: sql`insert into order_lines (tenant_id, dataset_id, customer_id, line_key, ordered_at, quantity, unit_price)
        values (${a.tenant}, ${randomUUID()}, ${b.customer}, ${randomUUID()}, now(), 1, 1)`,
      activity_events: sql`insert into activity_events (tenant_id, dataset_id, customer_id, event_key, activity, quantity)
        values (${a.tenant}, ${randomUUID()}, ${b.customer}, ${randomUUID()}, 'visit', 1)`,
      customer_features: sql`insert into customer_features (tenant_id, customer_id, features)
        values (${a.tenant}, ${b.customer}, '{}')`,
      run_assignments: sql`insert into run_assignments (tenant_id, run_id, customer_id, segment)
        values (${a.tenant}, ${runB}, ${a.customer}, 0)`,
      cost_to_serve_customers: sql`insert into cost_to_serve_customers (tenant_id, run_id, customer_id, gross_sales,
        discounts, returns_allowances, net_sales, cogs, gross_margin, cost_to_serve, net_profit, activities)
        values (${a.tenant}, ${costRunB}, ${a.customer}, 0, 0, 0, 0, 0, 0, 0, 0, '{}')`,
      segments: sql`insert into segments (tenant_id, segment_set_id, position, name, color)
        values (${a.tenant}, ${b.set}, 1, 'x', '#000000')`,
      segment_set_versions: sql`insert into segment_set_versions (tenant_id, segment_set_id, version, message, snapshot)
        values (${a.tenant}, ${b.set}, 2, 'm', '{}')`,
      policies: sql`insert into policies (tenant_id, name, terms, segment_id)
        values (${a.tenant}, 'p', '{}', ${b.segment})`,
      policy_versions: sql`insert into policy_versions (tenant_id, policy_id, version, message, name, terms)
        values (${a.tenant}, ${policyB}, 2, 'm', 'p', '{}')`,
    };
    for (const [table, statement] of Object.entries(statements)) {
      await expect(asTenantA(statement), table).resolves.toMatch(/foreign key constraint/);
    }
  });

  it("moving a row of tenant A onto tenant B's parent by update is refused too", async () => {
    await expect(
      asTenantA(sql`update segment_memberships set segment_id = ${b.segment}, segment_set_id = ${b.set}
        where tenant_id = ${a.tenant}`),
    ).resolves.toMatch(/foreign key constraint/);
  });

  it("deleting a customer still removes its rows in every child table", async () => {
    await database.query("delete from customers where id = $1", [a.customer]);
    const { rows } = await database.query<{ n: number }>(
      "select count(*)::int as n from segment_memberships where customer_id = $1",
      [a.customer],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
