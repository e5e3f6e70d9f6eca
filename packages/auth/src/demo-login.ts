import { type Database, memberships, tenants, users, withUser } from "@strata/db";
import { and, eq } from "drizzle-orm";

/**
 * Whether the workspace the demo seed would hand to the demo login is the seed's own. The demo
 * login's password is published, so the seed must never add it to a workspace someone else made
 * under that slug (before `demo` was reserved, anyone could): "foreign" stops the start.
 * - "absent": no workspace has the slug; the seed creates it.
 * - "own": the demo login is already a member, so the seed made it (or its owners let it in).
 * - "foreign": the workspace exists and the demo login is not in it.
 */
export async function demoWorkspaceOwnership(
  database: Database,
  demo: { email: string; slug: string },
): Promise<"absent" | "own" | "foreign"> {
  const [tenant] = await database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, demo.slug))
    .limit(1);
  if (!tenant) return "absent";
  const [user] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, demo.email))
    .limit(1);
  if (!user) return "foreign";
  // Memberships sit under row-level security: read the demo user's own rows as that user.
  const [membership] = await withUser(database.db, user.id, (tx) =>
    tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, user.id)))
      .limit(1),
  );
  return membership ? "own" : "foreign";
}
