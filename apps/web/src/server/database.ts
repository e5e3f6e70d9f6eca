import "server-only";
import type { Database } from "@strata/db";
import { db } from "./modules";

const shared = globalThis as { __strataWebReady?: Promise<Database> };

/**
 * The process's one database, migrated. instrumentation.ts awaits this at start; route handlers await
 * it too, so a request can never reach an unmigrated database. Kept on globalThis because Next bundles
 * instrumentation and each route separately, and PGlite must be opened once per process.
 */
export function getReadyDatabase(): Promise<Database> {
  if (!shared.__strataWebReady) {
    const opening = (async () => {
      const database = await db.getDatabase();
      await db.migrate(database);
      return database;
    })();
    shared.__strataWebReady = opening;
    opening.catch(() => {
      if (shared.__strataWebReady === opening) shared.__strataWebReady = undefined;
    });
  }
  return shared.__strataWebReady;
}
