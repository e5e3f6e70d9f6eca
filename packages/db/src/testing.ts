import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pgliteDatabase, postgresDatabase } from "./client.js";
import { readDbEnv } from "./env.js";
import { MIGRATIONS_FOLDER, migrate } from "./migrate.js";
import type { Database, Driver } from "./types.js";

export type TestDatabase = Database & { cleanup(): Promise<void> };

/** Drivers the integration suites run on: PGlite always, PostgreSQL too when DATABASE_URL is set. */
export function testDrivers(): Driver[] {
  return readDbEnv().DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * A fresh, migrated database of its own: an in-memory PGlite, or a new `strata_test_<random>`
 * database on DATABASE_URL's server (dropped by cleanup, or with the rest of its test run's when
 * the run has a template: createTemplateDb), so parallel runs never collide.
 */
export async function createTestDb(driver: Driver = "pglite"): Promise<TestDatabase> {
  if (driver === "pglite") {
    const client = await freshPglite();
    let closing: Promise<void> | undefined;
    const cleanup = () => (closing ??= client.close());
    const database = pgliteDatabase(client, cleanup);
    await migrate(database);
    return Object.assign(database, { cleanup });
  }

  const serverUrl = readDbEnv().DATABASE_URL;
  if (!serverUrl) throw new Error("createTestDb('postgres') needs DATABASE_URL");
  // A copy of the migrated template the test run made (see createTemplateDb) when there is one:
  // copying a database is several times faster than running every migration into an empty one.
  // migrate() below then finds nothing to apply; without a template it runs them all, as before.
  const template = testEnv[TEMPLATE_ENV];
  const run = template?.slice(TEMPLATE_PREFIX.length);
  const name = `strata_test_${run ? `${run}_` : ""}${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (admin) =>
    admin.query(`create database "${name}"${template ? ` template "${template}"` : ""}`),
  );
  const database = await openMigrated(serverUrl, name);
  let done = false;
  return Object.assign(database, {
    async cleanup() {
      if (done) return;
      done = true;
      await database.close();
      // In a test run the run's teardown drops its databases all at once (dropTestDatabases): each
      // DROP DATABASE waits for a checkpoint, seconds on a busy disk, and concurrent drops share one.
      if (!run) await dropDatabase(serverUrl, name);
    },
  });
}

// A fresh PGlite spends most of its start-up in initdb; loading a dump of an already migrated
// cluster is several times faster. The dump is made once per set of migrations (the file name
// carries their hash) and shared by every test process; each test still gets its own instance.
function templatePath(): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(MIGRATIONS_FOLDER)
    .filter((n) => n.endsWith(".sql"))
    .sort()) {
    hash.update(name).update(readFileSync(join(MIGRATIONS_FOLDER, name)));
  }
  return join(tmpdir(), `strata-pglite-template-${hash.digest("hex").slice(0, 16)}.tar`);
}

async function freshPglite(): Promise<PGlite> {
  const template = templatePath();
  if (existsSync(template)) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) });
    } catch {
      // A damaged template: fall through and make a new one.
    }
  }
  const client = await PGlite.create();
  await migrate(pgliteDatabase(client, async () => undefined));
  const dump = await client.dumpDataDir("none");
  const partial = `${template}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, template);
  return client;
}

// Where a test run's global setup names its migrated template database for the test processes it
// starts. Read and written only here, in test code: a hand-over inside one test run, not a setting,
// so it is not part of env.ts's validated configuration.
const TEMPLATE_ENV = "STRATA_TEST_TEMPLATE_DB";
const TEMPLATE_PREFIX = "strata_template_";
// biome-ignore lint/style/noProcessEnv: see TEMPLATE_ENV.
const testEnv = process.env;

/** The database `name` on the server, migrated; dropped again if the migration fails. */
async function openMigrated(serverUrl: string, name: string) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = postgresDatabase(url.toString());
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    await dropDatabase(serverUrl, name);
    throw error;
  }
  return database;
}

/**
 * For a test run's global setup (testing-global-setup.ts): on DATABASE_URL's server, a database
 * migrated once that createTestDb("postgres") then copies (CREATE DATABASE ... TEMPLATE) instead of
 * migrating each new database. Its name goes to the test processes through the environment; the
 * returned function drops it. Does nothing without DATABASE_URL.
 */
export async function createTemplateDb(): Promise<() => Promise<void>> {
  const serverUrl = readDbEnv().DATABASE_URL;
  if (!serverUrl) return async () => undefined;
  const run = randomBytes(6).toString("hex");
  const name = `${TEMPLATE_PREFIX}${run}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database "${name}"`));
  const database = await openMigrated(serverUrl, name);
  // A template must have no open connections while it is copied.
  await database.close();
  testEnv[TEMPLATE_ENV] = name;
  return async () => {
    delete testEnv[TEMPLATE_ENV];
    await dropTestDatabases(serverUrl, run);
    await dropDatabase(serverUrl, name);
  };
}

/** Drops the databases createTestDb made in test run `run`, a few at a time. */
async function dropTestDatabases(serverUrl: string, run: string): Promise<void> {
  const { rows } = await withAdmin(serverUrl, (admin) =>
    admin.query<{ name: string }>("select datname as name from pg_database where datname like $1", [
      `strata\\_test\\_${run}\\_%`,
    ]),
  );
  const names = rows.map((row) => row.name);
  const dropNext = async (): Promise<void> => {
    const name = names.pop();
    if (name === undefined) return;
    await dropDatabase(serverUrl, name);
    await dropNext();
  };
  await Promise.all(Array.from({ length: 8 }, dropNext));
}

async function withAdmin<T>(serverUrl: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
}
