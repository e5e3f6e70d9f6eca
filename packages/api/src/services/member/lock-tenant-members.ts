import { type Tx, tenants } from "@strata/db";
import { eq } from "drizzle-orm";

/**
 * Membership changes in one workspace take turns: each first locks the tenant's row (NO KEY UPDATE,
 * so inserts elsewhere that reference the tenant are not blocked). Rules that look at several rows —
 * "another owner remains", "not already a member" — then hold without deadlocks between two callers.
 */
export async function lockTenantMembers(tx: Tx, params: { tenantId: string }): Promise<void> {
  await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.id, params.tenantId))
    .for("no key update");
}
