import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pgliteDatabase, postgresDatabase } from "./client.js";
import { readDbEnv } from "./env.js";
import { migrate } from "./migrate.js";
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
    const client = new PGlite();
    await client.waitReady;
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

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
