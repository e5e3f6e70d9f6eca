import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "./migrate.js";
import { auditEvents, memberships, tenants, users } from "./schema/index.js";
import { rawRows, withRecovery, withTenant, withUser } from "./tenant.js";
import { createTestDb, type TestDatabase, testDrivers } from "./testing.js";

describe.each(testDrivers())("database on %s", (driver) => {
  let database: TestDatabase;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const userId = randomUUID();

  beforeAll(async () => {
    database = await createTestDb(driver);
    await database.db
      .insert(users)
      .values({ id: userId, email: "rls@example.com", name: "R", passwordHash: "x" });
    await database.db.insert(tenants).values([
      { id: tenantA, slug: "tenant-a", name: "A" },
      { id: tenantB, slug: "tenant-b", name: "B" },
    ]);
    await database.db.insert(memberships).values([
      { tenantId: tenantA, userId, role: "owner" },
      { tenantId: tenantB, userId, role: "viewer" },
    ]);
  });
  afterAll(() => database?.cleanup());

  it("running the migrations again changes nothing", async () => {
    await migrate(database);
    const { rows } = await database.query<{ n: number }>("select count(*)::int as n from memberships");
    expect(rows[0]?.n).toBe(2);
  });

  it("every table with a tenant_id column has row-level security enabled, forced and a policy", async () => {
    const { rows } = await database.query<{
      table: string;
      enabled: boolean;
      forced: boolean;
      policies: number;
    }>(
      `select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        order by 1`,
    );
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining(["audit_events", "invitations", "memberships"]),
    );
    for (const row of rows) expect(row, row.table).toMatchObject({ enabled: true, forced: true });
    for (const row of rows) expect(row.policies, row.table).toBeGreaterThan(0);
  });

  it("the app role is neither superuser nor able to bypass row-level security", async () => {
    const { rows } = await database.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
      "select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'strata_app'",
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });

  it("inside withTenant a query without WHERE sees only that tenant's rows", async () => {
    const seen = await withTenant(database.db, tenantA, (tx) => tx.select().from(memberships));
    expect(seen.map((m) => m.tenantId)).toEqual([tenantA]);
    const role = await withTenant(database.db, tenantA, (tx) =>
      rawRows<{ role: string }>(tx, sql`select current_user as role`),
    );
    expect(role).toEqual([{ role: "strata_app" }]);
  });

  it("inside withTenant writing another tenant's row is refused and nothing is written", async () => {
    const error = await withTenant(database.db, tenantA, (tx) =>
      tx.insert(auditEvents).values({ tenantId: tenantB, action: "x.y", targetType: "x" }),
    ).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/row-level security/);
    const { rows } = await database.query("select * from audit_events");
    expect(rows).toEqual([]);
  });

  it("outside any tenant the app role sees no tenant rows at all", async () => {
    const seen = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role strata_app`);
      return tx.select().from(memberships);
    });
    expect(seen).toEqual([]);
  });

  it("withUser shows the user's own memberships across tenants, read only", async () => {
    const seen = await withUser(database.db, userId, (tx) => tx.select().from(memberships));
    expect(seen.map((m) => m.tenantId).sort()).toEqual([tenantA, tenantB].sort());
    await expect(
      withUser(database.db, userId, (tx) => tx.update(memberships).set({ role: "owner" }).returning()),
    ).resolves.toEqual([]);
  });

  it("settings from a tenant transaction do not outlive it", async () => {
    await withTenant(database.db, tenantA, async () => undefined);
    const { rows } = await database.query<{ tenant: string | null; role: string }>(
      "select nullif(current_setting('app.tenant_id', true), '') as tenant, current_user as role",
    );
    expect(rows[0]?.tenant ?? null).toBeNull();
    expect(rows[0]?.role).not.toBe("strata_app");
  });

  it("setting the old recovery switches as strata_app still shows one tenant's runs only", async () => {
    for (const tenant of [tenantA, tenantB]) {
      await database.query("insert into runs (tenant_id, config) values ($1, '{}')", [tenant]);
    }
    const seen = await withTenant(database.db, tenantA, async (tx) => {
      for (const name of ["app.run_recovery", "app.import_recovery", "app.cost_to_serve_recovery"]) {
        await tx.execute(sql`select set_config(${name}, 'on', true)`);
      }
      const runs = await rawRows<{ tenant_id: string }>(tx, sql`select tenant_id from runs`);
      const updated = await rawRows(
        tx,
        sql`update runs set name = 'taken' where tenant_id <> ${tenantA} returning id`,
      );
      return { runs, updated };
    });
    expect(seen.runs.map((r) => r.tenant_id)).toEqual([tenantA]);
    expect(seen.updated).toEqual([]);
  });

  it("no policy opens rows to strata_app on a setting other than the tenant, the user or an invitation token", async () => {
    const { rows } = await database.query<{ table: string; policy: string; expr: string }>(
      `select c.relname as table, p.polname as policy,
              coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') as expr
         from pg_policy p join pg_class c on c.oid = p.polrelid
        where 'strata_app'::regrole = any(p.polroles)`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const settings = [...row.expr.matchAll(/current_setting\('([^']+)'/g)].map((m) => m[1]);
      expect(settings.length, `${row.table}.${row.policy}`).toBeGreaterThan(0);
      for (const name of settings) {
        expect(
          ["app.tenant_id", "app.user_id", "app.invitation_token_hash"],
          `${row.table}.${row.policy}`,
        ).toContain(name);
      }
    }
    const role = await database.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
      "select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'strata_recovery'",
    );
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });

  it("withRecovery sees every tenant's runs but may not read any other tenant table", async () => {
    const runs = await withRecovery(database.db, (tx) =>
      rawRows<{ tenant_id: string }>(tx, sql`select tenant_id from runs`),
    );
    expect(new Set(runs.map((r) => r.tenant_id))).toEqual(new Set([tenantA, tenantB]));
    for (const table of ["memberships", "customers", "order_lines", "segments"]) {
      const error = await withRecovery(database.db, (tx) =>
        tx.execute(sql.raw(`select * from ${table}`)),
      ).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(String((error?.cause as Error | undefined)?.message ?? error?.message), table).toMatch(
        /permission denied/,
      );
    }
    const inserted = await withRecovery(database.db, (tx) =>
      tx.execute(sql`insert into runs (tenant_id, config) values (${tenantA}, '{}')`),
    ).then(
      () => "inserted",
      (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
    );
    expect(inserted).toMatch(/permission denied/);
  });
});
