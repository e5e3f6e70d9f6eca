import { randomUUID } from "node:crypto";
import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_CHUNK_ROWS, readFeatureMatrix } from "./run-data.js";

// More customers than one PGlite chunk, so the keyset pagination between chunks is crossed.
const CUSTOMERS = READ_CHUNK_ROWS * 2 + 345;

describe.each(testDrivers())("the run's feature matrix on %s", (driver) => {
  let database: TestDatabase;
  const tenant = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    database = await createTestDb(driver);
    for (const [id, slug] of [
      [tenant, `reads-${tenant.slice(0, 8)}`],
      [other, `other-${other.slice(0, 8)}`],
    ] as const)
      await database.query("insert into tenants (id, slug, name) values ($1, $2, $2)", [id, slug]);
    // External ids whose text order is not their insertion order; every 7th customer's "orders" is
    // a string, every 11th has no "it's" at all, and one value is a JSON boolean.
    await database.query(
      `insert into customers (tenant_id, external_id)
       select $1, 'C' || lpad(((g * 7919) % $2)::text, 6, '0') from generate_series(0, $2 - 1) g`,
      [tenant, CUSTOMERS],
    );
    await database.query(
      `insert into customer_features (tenant_id, customer_id, features)
       select c.tenant_id, c.id, jsonb_strip_nulls(jsonb_build_object(
         'orders', case when n % 7 = 0 then to_jsonb('many'::text) else to_jsonb(n) end,
         'revenue', n * 1.5,
         'it''s', case when n % 11 = 0 then null else to_jsonb(-n) end,
         'flag', to_jsonb(n = 5)))
       from (select id, tenant_id, substr(external_id, 2)::int as n from customers where tenant_id = $1) c`,
      [tenant],
    );
    // Another workspace's customer sorts first and must never be read.
    await database.query("insert into customers (tenant_id, external_id) values ($1, 'A')", [other]);
    await database.query(
      `insert into customer_features (tenant_id, customer_id, features)
       select tenant_id, id, '{"orders": 1, "revenue": 2}' from customers where tenant_id = $1`,
      [other],
    );
  });

  afterAll(async () => {
    await database?.cleanup();
  });

  it("reads every customer of the workspace in the order of their own ids, a non-number as missing", async () => {
    const reported: number[] = [];
    const matrix = await readFeatureMatrix(database, tenant, ["orders", "revenue", "it's", "flag"], {
      onChunk: (read) => reported.push(read),
    });
    expect(matrix.n).toBe(CUSTOMERS);
    expect(matrix.d).toBe(4);
    expect(matrix.customersInWorkspace).toBe(CUSTOMERS);
    const ids = await database.query<{ id: string; n: number }>(
      "select id::text, substr(external_id, 2)::int as n from customers where tenant_id = $1 order by external_id",
      [tenant],
    );
    expect(matrix.customerIds.toArray()).toEqual(ids.rows.map((r) => r.id));
    ids.rows.forEach(({ n }, row) => {
      const values = Array.from(matrix.data.subarray(row * 4, row * 4 + 4));
      expect(values).toEqual([
        n % 7 === 0 ? Number.NaN : n,
        n * 1.5,
        n % 11 === 0 ? Number.NaN : -n,
        Number.NaN,
      ]);
    });
    expect(reported.at(-1)).toBe(CUSTOMERS);
  });

  it("lets timers run while it reads (PGlite's queries alone never yield to them)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await readFeatureMatrix(database, tenant, ["orders", "revenue"]);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});
