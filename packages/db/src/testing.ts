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
 * database on DATABASE_URL's server (dropped by cleanup), so parallel runs never collide.
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
  const name = `strata_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
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
  let done = false;
  return Object.assign(database, {
    async cleanup() {
      if (done) return;
      done = true;
      await database.close();
      await dropDatabase(serverUrl, name);
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

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
