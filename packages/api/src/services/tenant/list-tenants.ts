import type { Role } from "@strata/auth";
import { memberships, type Tx, tenants } from "@strata/db";
import { asc, eq } from "drizzle-orm";

export interface TenantItem {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

/** The workspaces a user belongs to. Runs inside `withUser(db, userId, ...)`. */
export async function listTenants(tx: Tx, params: { userId: string }): Promise<TenantItem[]> {
  return tx
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, params.userId))
    .orderBy(asc(tenants.name), asc(tenants.slug));
}
