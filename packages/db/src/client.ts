import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { readDbEnv } from "./env.js";
import * as schema from "./schema/index.js";
import type { Database, DrizzleDb } from "./types.js";

export interface CreateDatabaseOptions {
  /** A postgres:// URL: use node-postgres. Default: DATABASE_URL, unless `dataDir` is given. */
  url?: string;
  /** Folder for the embedded database (files go to `<dataDir>/pglite`). Default: STRATA_DATA_DIR. */
  dataDir?: string;
  /**
   * A postgres:// URL `migrate()` connects with instead of `url`: the schema owner, when the app logs
   * in as a role that may not change the schema. Default: MIGRATION_DATABASE_URL when `url` is
   * DATABASE_URL.
   */
  migrationUrl?: string;
}

// PGlite is single-process and single-connection: two instances on one folder corrupt it. Within a
// process every open of the same folder shares one instance, closed when its last user closes.
interface OpenPglite {
  client: PGlite;
  users: number;
}
const registryHolder = globalThis as { __strataPglite?: Map<string, Promise<OpenPglite>> };
registryHolder.__strataPglite ??= new Map();
const pgliteRegistry = registryHolder.__strataPglite;

async function acquirePglite(folder: string): Promise<OpenPglite> {
  let entry = pgliteRegistry.get(folder);
  if (!entry) {
    entry = (async () => {
      mkdirSync(folder, { recursive: true });
      const client = new PGlite(folder);
      await client.waitReady;
      return { client, users: 0 };
    })();
    pgliteRegistry.set(folder, entry);
    entry.catch(() => pgliteRegistry.delete(folder));
  }
  const open = await entry;
  open.users += 1;
  return open;
}

/** Wraps a PGlite client (on disk or in memory) as a Database. */
export function pgliteDatabase(client: PGlite, onClose: () => Promise<void>): Database {
  const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as DrizzleDb;
  const database: Database = {
    db,
    driver: "pglite",
    async query<T>(text: string, params?: unknown[]) {
      const result = await client.query<T>(text, params);
      return { rows: result.rows };
    },
    close: onClose,
  };
  pgliteClients.set(database, client);
  return database;
}

const pgliteClients = new WeakMap<Database, PGlite>();

/** The PGlite instance behind an embedded Database (for its own API, e.g. LISTEN). */
export function pgliteOf(database: Database): PGlite | undefined {
  return pgliteClients.get(database);
}

/**
 * drizzle's pool transaction sends `begin` before its try/finally that releases the client (drizzle
 * node-postgres session.js), so a `begin` failing on a connection that just died (restart, failover)
 * would keep the client checked out for good: enough of them exhaust the pool and hang the app and
 * close(). Such a client is released here, as broken, so the pool drops it.
 */
function releaseOnFailedBegin(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === "string" ? first : first?.text;
    if (typeof text !== "string" || !/^\s*begin\b/i.test(text) || !(result instanceof Promise)) return result;
    return result.catch((error: Error) => {
      client.release(error);
      throw error;
    });
  };
}

/**
 * The connection's startup options with JIT compilation off, after any the URL gives. PostgreSQL
 * compiles a query whose estimated cost passes jit_above_cost: the customer counts of a workspace of
 * 7,000 customers, once its statistics were fresh, spent 650 ms compiling for 60 ms of work. Strata's
 * queries are short or read by COPY, where compiling does not pay for itself.
 */
export function withJitOff(url: string): string {
  let fromUrl = "";
  try {
    fromUrl = new URL(url).searchParams.get("options") ?? "";
  } catch {
    // Not a URL (a libpq keyword string): node-postgres reads it; nothing to keep here.
  }
  return [fromUrl, "-c jit=off"].filter(Boolean).join(" ");
}

/** Wraps a node-postgres pool as a Database. */
export function postgresDatabase(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: withJitOff(url) });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", (error) => console.error("[db] idle PostgreSQL client error:", error.message));
  // A client checked out of the pool (a transaction between two queries, a held lock) has no pool
  // listener: a dropped connection (restart, failover, pg_terminate_backend) would then be an uncaught
  // 'error' and end the process. Its next query fails instead, and the work is retried.
  pool.on("connect", (client) => {
    client.on("error", (error) => console.error("[db] PostgreSQL connection lost:", error.message));
    releaseOnFailedBegin(client);
  });
  const db = drizzlePg({ client: pool, schema, casing: "snake_case" }) as unknown as DrizzleDb;
  let closed = false;
  const database: Database = {
    db,
    driver: "postgres",
    async query<T>(text: string, params?: unknown[]) {
      const result = await pool.query(text, params);
      return { rows: result.rows as T[] };
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  pools.set(database, pool);
  return database;
}

const pools = new WeakMap<Database, pg.Pool>();
const migrationUrls = new WeakMap<Database, string>();

/** The URL migrations of this Database connect with, when it is not the Database's own. */
export function migrationUrlOf(database: Database): string | undefined {
  return migrationUrls.get(database);
}

/** The node-postgres pool behind a postgres Database (for work that needs one session, e.g. locks). */
export function poolOf(database: Database): pg.Pool | undefined {
  return pools.get(database);
}

/** Opens PostgreSQL when a URL is given (or DATABASE_URL is set), else the embedded PGlite folder. */
export async function createDatabase(options: CreateDatabaseOptions = {}): Promise<Database> {
  const env = readDbEnv();
  const url = options.url ?? (options.dataDir === undefined ? env.DATABASE_URL : undefined);
  if (url) {
    const database = postgresDatabase(url);
    const migrationUrl =
      options.migrationUrl ?? (url === env.DATABASE_URL ? env.MIGRATION_DATABASE_URL : undefined);
    if (migrationUrl && migrationUrl !== url) migrationUrls.set(database, migrationUrl);
    return database;
  }

  const folder = resolve(join(options.dataDir ?? env.STRATA_DATA_DIR, "pglite"));
  const open = await acquirePglite(folder);
  let closed = false;
  return pgliteDatabase(open.client, async () => {
    if (closed) return;
    closed = true;
    open.users -= 1;
    if (open.users === 0) {
      pgliteRegistry.delete(folder);
      await open.client.close();
    }
  });
}

const shared = globalThis as { __strataDatabase?: Promise<Database> };

/**
 * The process-wide database (kept on globalThis so Next's route bundles and instrumentation share
 * it). Configured from the environment on first use.
 */
export function getDatabase(): Promise<Database> {
  if (!shared.__strataDatabase) {
    const opening = createDatabase();
    shared.__strataDatabase = opening;
    opening.catch(() => {
      if (shared.__strataDatabase === opening) shared.__strataDatabase = undefined;
    });
  }
  return shared.__strataDatabase;
}
