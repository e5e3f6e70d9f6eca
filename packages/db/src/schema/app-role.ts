import { sql } from "drizzle-orm";
import { type AnyPgColumn, pgPolicy, pgRole } from "drizzle-orm/pg-core";

/**
 * The role every tenant transaction switches to (`SET LOCAL ROLE strata_app`). It is created by the
 * custom migration `create_app_role` (roles are cluster-wide, so creation must be idempotent across
 * databases), which is why drizzle-kit is told it already exists.
 */
export const appRole = pgRole("strata_app").existing();

/**
 * The role the queue consumers' recovery sweeps switch to (`SET LOCAL ROLE strata_recovery`) to find
 * stuck runs and imports across tenants. Being a role, not a setting, is the point: a session that can
 * set any `app.*` variable still sees one tenant. It may read and update `runs`, `imports` and
 * `cost_to_serve_runs` only (migration `create_recovery_role`), so a bug in a sweep cannot reach
 * customers, order lines or segments of any tenant.
 */
export const recoveryRole = pgRole("strata_recovery").existing();

/** The policy a recovery-swept table adds beside its tenant isolation: every row, for the recovery role only. */
export function recoveryPolicy(table: string) {
  return pgPolicy(`${table}_recovery`, {
    as: "permissive",
    for: "all",
    to: recoveryRole,
    using: sql`true`,
    withCheck: sql`true`,
  });
}

/** `current_setting` returns '' (not NULL) once a transaction-local value has been reset on a pooled session. */
export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;
export const currentUserId = sql`nullif(current_setting('app.user_id', true), '')::uuid`;

/**
 * The one policy every tenant-owned table declares beside itself: rows are visible and writable only
 * inside `withTenant(db, tenantId, ...)`. A tenant table also needs `FORCE ROW LEVEL SECURITY`, which
 * drizzle cannot express: add it in a `drizzle-kit generate --custom` migration (see migrations/).
 */
export function tenantIsolationPolicy(table: string, tenantId: AnyPgColumn) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: "permissive",
    for: "all",
    to: appRole,
    using: sql`${tenantId} = ${currentTenantId}`,
    withCheck: sql`${tenantId} = ${currentTenantId}`,
  });
}
