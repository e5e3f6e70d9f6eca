import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "./client.js";
import { readDbEnv } from "./env.js";
import { migrate } from "./migrate.js";
import { rawRows, withRecovery, withTenant } from "./tenant.js";
import type { Database } from "./types.js";

// A production install as docker/initdb/10-strata-roles.sh sets it up: an administrator makes the
// roles, a non-superuser owns the database and migrates it, and the app logs in as a role that is a
// member of strata_app (and strata_recovery) and nothing more. PostgreSQL only: PGlite has one user.
const serverUrl = readDbEnv().DATABASE_URL;

describe.skipIf(!serverUrl)("a non-superuser owner and app login on postgres", () => {
  const suffix = randomBytes(5).toString("hex");
  const name = `strata_roles_${suffix}`;
  const owner = `strata_owner_${suffix}`;
  const app = `strata_web_${suffix}`;
  const password = randomBytes(12).toString("hex");
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let appDatabase: Database;

  function urlAs(role: string): string {
    const url = new URL(serverUrl as string);
    url.username = role;
    url.password = password;
    url.pathname = `/${name}`;
    return url.toString();
  }

  async function admin(statements: string[], database?: string): Promise<void> {
    const url = new URL(serverUrl as string);
    if (database) url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // What an administrator does once (the roles are cluster-wide and may exist already).
    await admin([
      `do $$ begin
         if not exists (select from pg_roles where rolname = 'strata_app') then
           create role strata_app nologin nosuperuser nocreatedb nocreaterole nobypassrls; end if;
         if not exists (select from pg_roles where rolname = 'strata_recovery') then
           create role strata_recovery nologin nosuperuser nocreatedb nocreaterole nobypassrls; end if;
       exception when duplicate_object or unique_violation then null; end $$`,
      `create role ${owner} login nosuperuser nocreaterole nocreatedb password '${password}'`,
      `create role ${app} login nosuperuser nocreaterole nocreatedb password '${password}'`,
      `grant strata_app, strata_recovery to ${owner}`,
      `grant strata_app, strata_recovery to ${app}`,
      `create database ${name} owner ${owner}`,
    ]);
    await admin(
      [`revoke all on database ${name} from public`, `grant connect on database ${name} to ${app}`],
      name,
    );
  });

  afterAll(async () => {
    await appDatabase?.close();
    await admin([
      `drop database if exists ${name} with (force)`,
      `drop role if exists ${app}`,
      `drop role if exists ${owner}`,
    ]);
  });

  it("the owner, not a superuser, runs every migration from 0000", async () => {
    const database = await createDatabase({ url: urlAs(owner) });
    try {
      await migrate(database);
      const { rows } = await database.query<{ super: boolean; tables: number }>(
        `select (select rolsuper from pg_roles where rolname = current_user) as super,
                (select count(*)::int from pg_tables where schemaname = 'public' and tableowner = current_user) as tables`,
      );
      expect(rows[0]?.super).toBe(false);
      expect(rows[0]?.tables).toBeGreaterThan(15);
    } finally {
      await database.close();
    }
  });

  it("the app login with a migration URL migrates as the owner and works as strata_app", async () => {
    appDatabase = await createDatabase({ url: urlAs(app), migrationUrl: urlAs(owner) });
    await migrate(appDatabase);
    for (const [id, slug] of [
      [tenantA, "roles-a"],
      [tenantB, "roles-b"],
    ] as const) {
      await appDatabase.query("insert into tenants (id, slug, name) values ($1, $2, $2)", [id, slug]);
      await withTenant(appDatabase.db, id, async (tx) => {
        await tx.execute(sql`insert into customers (tenant_id, external_id) values (${id}, 'c1')`);
        await tx.execute(sql`insert into runs (tenant_id, config) values (${id}, '{}')`);
      });
    }
    // The isolation suite's raw check: no WHERE, still one tenant's rows.
    for (const table of ["customers", "runs"]) {
      const rows = await withTenant(appDatabase.db, tenantA, (tx) =>
        rawRows<{ tenant_id: string }>(tx, sql.raw(`select tenant_id from ${table}`)),
      );
      expect(
        rows.map((r) => r.tenant_id),
        table,
      ).toEqual([tenantA]);
    }
    const swept = await withRecovery(appDatabase.db, (tx) =>
      rawRows<{ tenant_id: string }>(tx, sql`select tenant_id from runs`),
    );
    expect(new Set(swept.map((r) => r.tenant_id))).toEqual(new Set([tenantA, tenantB]));
  });

  it("the app login can neither change the schema nor switch off row-level security", async () => {
    const refused = async (statement: string) =>
      appDatabase.query(statement).then(
        () => "done",
        (error: Error) => error.message,
      );
    await expect(refused("alter table customers disable row level security")).resolves.toMatch(
      /must be owner/,
    );
    await expect(refused("drop policy customers_tenant_isolation on customers")).resolves.toMatch(
      /must be owner/,
    );
    await expect(refused("create table public.evil (id int)")).resolves.toMatch(/permission denied/);
    await expect(refused("set row_security = off; select * from customers")).resolves.toMatch(
      /row-level security/,
    );
    const { rows } = await appDatabase.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      "select rolsuper, rolbypassrls from pg_roles where rolname = current_user",
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it("the app login refreshes the tables' statistics after an import through the owner's function only", async () => {
    const reltuples = async () => {
      const { rows } = await appDatabase.query<{ relname: string; reltuples: number }>(
        `select relname, reltuples from pg_class
         where relname in ('customers', 'customer_features', 'order_lines') order by relname`,
      );
      return Object.fromEntries(rows.map((r) => [r.relname, Number(r.reltuples)]));
    };
    // Never analysed: -1. Its own ANALYZE is skipped (not the owner), with a warning, not an error.
    await appDatabase.query("analyze customers");
    expect((await reltuples()).customers).toBe(-1);
    await appDatabase.query("select strata_refresh_import_statistics()");
    expect(await reltuples()).toEqual({ customer_features: 0, customers: 2, order_lines: 0 });
    // The app's connections plan without JIT compilation (client.ts withJitOff).
    const { rows } = await appDatabase.query<{ jit: string }>("show jit");
    expect(rows).toEqual([{ jit: "off" }]);
  });
});
