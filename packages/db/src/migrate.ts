import { fileURLToPath } from "node:url";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrationUrlOf, poolOf, postgresDatabase } from "./client.js";
import type { Database, Schema } from "./types.js";

/** drizzle-kit's output ships with the package: `<package>/migrations`, beside `src/` and `dist/`. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

// Any constant works; it only has to be the same in every process migrating this database.
const MIGRATION_LOCK = 727_274_001;

/**
 * Applies pending migrations (idempotent). On PostgreSQL concurrent starts wait for each other. A
 * Database opened with a migration URL (MIGRATION_DATABASE_URL) is migrated over a short-lived
 * connection as that role: the app's own login need not be able to change the schema.
 */
export async function migrate(database: Database): Promise<void> {
  const migrationUrl = migrationUrlOf(database);
  if (migrationUrl) {
    const owner = postgresDatabase(migrationUrl);
    try {
      await migrate(owner);
    } finally {
      await owner.close();
    }
    return;
  }
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.driver === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase<Schema>, config);
    return;
  }
  const pool = poolOf(database);
  if (!pool) throw new Error("migrate: a postgres Database must come from createDatabase()");
  // A session-level lock needs one connection held for the whole run; the migrator uses the pool.
  const lockSession = await pool.connect();
  try {
    await lockSession.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migratePg(database.db as unknown as NodePgDatabase<Schema>, config);
    } finally {
      await lockSession.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    lockSession.release();
  }
}
