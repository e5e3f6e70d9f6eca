import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolOf } from "./client.js";
import { readDbEnv } from "./env.js";
import { withTenant } from "./tenant.js";
import { createTestDb, type TestDatabase } from "./testing.js";

// After a restart or a failover the pool still holds clients whose connection is gone; the first
// query on each fails. None of them may stay checked out of the pool: a leaked client per failure
// would exhaust the pool and hang the app (and close()) for good. PostgreSQL only.
describe.skipIf(!readDbEnv().DATABASE_URL)("connections lost under the pool, on postgres", () => {
  let database: TestDatabase;
  const tenantId = "00000000-0000-4000-8000-000000000001";

  beforeAll(async () => {
    database = await createTestDb("postgres");
  });
  afterAll(() => database?.cleanup());

  it("a transaction whose begin meets a dead connection fails, releases its client, and the next works", async () => {
    const pool = poolOf(database)!;
    // Fill the pool with idle clients, then kill them all from outside.
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withTenant(database.db, tenantId, (tx) => tx.execute(sql`select pg_sleep(0.05)`)),
      ),
    );
    const { rows } = await database.query<{ name: string }>("select current_database() as name");
    const url = new URL(readDbEnv().DATABASE_URL as string);
    url.pathname = `/${rows[0]?.name}`;
    const killer = new pg.Client({ connectionString: url.toString() });
    await killer.connect();
    // Transactions asked for in the same instant as the kill: some get a client whose death the
    // pool has not noticed yet.
    const racing = killer
      .query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
      )
      .then(() =>
        Promise.all(
          Array.from({ length: 8 }, () =>
            withTenant(database.db, tenantId, (tx) => tx.execute(sql`select 1`)).then(
              () => "ok",
              () => "failed",
            ),
          ),
        ),
      );
    const first = await racing;
    await killer.end();
    const outcomes = [
      ...first,
      await withTenant(database.db, tenantId, (tx) => tx.execute(sql`select 1`)).then(() => "ok"),
    ];
    expect(outcomes.at(-1)).toBe("ok");
    expect(pool.totalCount - pool.idleCount, "clients still checked out").toBe(0);
  });
});
