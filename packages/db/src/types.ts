import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Driver = "pglite" | "postgres";

/** The drizzle database, whichever driver is underneath (PGlite or node-postgres). */
export type DrizzleDb = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handed to services: `(tx, params)`. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that can run a query: the database itself or a transaction. */
export type DbOrTx = DrizzleDb | Tx;

export interface Database {
  db: DrizzleDb;
  driver: Driver;
  /** Raw SQL with $1, $2 placeholders, outside any tenant context (migrations, diagnostics, tests). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}
