import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx, DrizzleDb, Tx } from "./types.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AppRoleSettings {
  "app.tenant_id"?: string;
  "app.user_id"?: string;
  "app.invitation_token_hash"?: string;
}

/**
 * Runs `fn` in a transaction as the `strata_app` role with the given row-level security settings.
 * The connection's own role may be a superuser (PGlite always is), and superusers bypass RLS, so
 * switching role is what makes the policies bite. Both settings end with the transaction.
 */
async function withAppRole<T>(
  db: DrizzleDb,
  settings: AppRoleSettings,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    // One statement (a round trip per setting was a good part of a small request's time).
    // set_config('role', ..., true) is SET LOCAL ROLE, with the same membership check.
    const configs = Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`);
    await tx.execute(
      sql`select ${sql.join([...configs, sql`set_config('role', 'strata_app', true)`], sql`, `)}`,
    );
    return fn(tx);
  });
}

/**
 * The only way the api reaches tenant-owned tables: a transaction in which every query sees and
 * writes only `tenantId`'s rows (enforced by Postgres, so a forgotten WHERE cannot leak). Keep the
 * explicit `tenant_id` filter in queries as well.
 */
export function withTenant<T>(db: DrizzleDb, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error(`withTenant: tenantId must be a uuid, got "${tenantId}"`);
  return withAppRole(db, { "app.tenant_id": tenantId }, fn);
}

/** A signed-in user's own memberships across tenants (read only), e.g. for the workspace switcher. */
export function withUser<T>(db: DrizzleDb, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(userId)) throw new Error(`withUser: userId must be a uuid, got "${userId}"`);
  return withAppRole(db, { "app.user_id": userId }, fn);
}

/** The one invitation whose token hash is known (read only): the link is the capability. */
export function withInvitationToken<T>(
  db: DrizzleDb,
  tokenHash: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) throw new Error("withInvitationToken: expected a sha256 hex digest");
  return withAppRole(db, { "app.invitation_token_hash": tokenHash }, fn);
}

/**
 * The queue consumers' recovery sweeps only: a transaction as the `strata_recovery` role, which sees
 * every tenant's `runs`, `imports` and `cost_to_serve_runs` (read and update) and nothing else. A
 * role rather than a setting, so code that can set `app.*` variables as strata_app cannot cross
 * tenants. The connection's login must be a member of strata_recovery.
 */
export function withRecovery<T>(db: DrizzleDb, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role strata_recovery`);
    return fn(tx);
  });
}

/** Rows of a raw SQL query run on a drizzle database or transaction, whichever driver is underneath. */
export async function rawRows<T>(executor: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
