import { randomUUID } from "node:crypto";
import { demoWorkspaceOwnership, endUserSessions, hashPassword, verifyPassword } from "@strata/auth";
import { type Database, tenants, users, withTenant } from "@strata/db";
import { eq } from "drizzle-orm";
import { startDemoDataSeeding } from "./services/import/seed-demo-data.js";
import { createTenant } from "./services/tenant/create-tenant.js";
import { DEMO_LOGIN_EMAIL, DEMO_SLUG } from "./services/tenant/slug.js";

export const DEMO_EMAIL = DEMO_LOGIN_EMAIL;
export const DEMO_NAME = "Demo Analyst";
export const DEMO_WORKSPACE_SLUG = DEMO_SLUG;
export const DEMO_WORKSPACE_NAME = "Demo Retail";
export const DEFAULT_DEMO_PASSWORD = "strata-demo-2026";

/**
 * Makes sure the demo login and workspace exist (safe to run on every start): the user
 * demo@strata.local with `password` (reset to it if it changed, which ends the login's sessions),
 * the workspace `demo` with the user as owner, and (in the background, once) the demo retailer's
 * data. A `demo` workspace the demo login is not a member of is someone else's: the published
 * demo password must never open it, so the seed refuses.
 */
export async function seedDemoWorkspace(
  database: Database,
  options: { password: string },
): Promise<{ userId: string; tenantId: string; email: string; workspace: string }> {
  const { db } = database;
  if (
    (await demoWorkspaceOwnership(database, { email: DEMO_EMAIL, slug: DEMO_WORKSPACE_SLUG })) === "foreign"
  ) {
    throw new Error(
      `A workspace "${DEMO_WORKSPACE_SLUG}" exists that the demo login is not a member of; the demo seed will not join it. Start without STRATA_DEMO, or rename that workspace.`,
    );
  }
  let [user] = await db.select().from(users).where(eq(users.email, DEMO_EMAIL)).limit(1);
  if (!user) {
    [user] = await db
      .insert(users)
      .values({ email: DEMO_EMAIL, name: DEMO_NAME, passwordHash: await hashPassword(options.password) })
      .onConflictDoNothing()
      .returning();
    user ??= (await db.select().from(users).where(eq(users.email, DEMO_EMAIL)).limit(1))[0];
  } else if (!(await verifyPassword(options.password, user.passwordHash))) {
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(options.password) })
      .where(eq(users.id, user.id));
    // Whoever signed in with the old demo password is signed out.
    await endUserSessions(db, user.id);
  }
  const userId = user!.id;

  const [existing] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_WORKSPACE_SLUG)).limit(1);
  if (!existing) {
    const tenantId = randomUUID();
    await withTenant(db, tenantId, (tx) =>
      createTenant(tx, {
        tenantId,
        name: DEMO_WORKSPACE_NAME,
        slug: DEMO_WORKSPACE_SLUG,
        ownerUserId: userId,
      }),
    );
    void startDemoDataSeeding(database, tenantId);
    return { userId, tenantId, email: DEMO_EMAIL, workspace: DEMO_WORKSPACE_SLUG };
  }
  // The demo login is a member already (a foreign workspace was refused above).
  void startDemoDataSeeding(database, existing.id);
  return { userId, tenantId: existing.id, email: DEMO_EMAIL, workspace: DEMO_WORKSPACE_SLUG };
}
