import { randomUUID } from "node:crypto";
import { hashPassword, verifyPassword } from "@strata/auth";
import { type Database, memberships, tenants, users, withTenant } from "@strata/db";
import { eq } from "drizzle-orm";
import { recordAuditEvent } from "./services/audit/record-audit-event.js";
import { startDemoDataSeeding } from "./services/import/seed-demo-data.js";
import { createTenant } from "./services/tenant/create-tenant.js";

export const DEMO_EMAIL = "demo@strata.local";
export const DEMO_NAME = "Demo Analyst";
export const DEMO_WORKSPACE_SLUG = "demo";
export const DEMO_WORKSPACE_NAME = "Demo Retail";
export const DEFAULT_DEMO_PASSWORD = "strata-demo-2026";

/**
 * Makes sure the demo login and workspace exist (safe to run on every start): the user
 * demo@strata.local with `password` (reset to it if it changed), the workspace `demo` with the user
 * as owner, and (in the background, once) the demo retailer's customers and order lines.
 */
export async function seedDemoWorkspace(
  database: Database,
  options: { password: string },
): Promise<{ userId: string; tenantId: string; email: string; workspace: string }> {
  const { db } = database;
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
  await withTenant(db, existing.id, async (tx) => {
    const added = await tx
      .insert(memberships)
      .values({ tenantId: existing.id, userId, role: "owner" })
      .onConflictDoNothing()
      .returning();
    if (added.length > 0) {
      await recordAuditEvent(tx, {
        tenantId: existing.id,
        actorUserId: null,
        action: "member.joined",
        targetType: "user",
        targetId: userId,
        details: { role: "owner", via: "demo seed" },
      });
    }
  });
  void startDemoDataSeeding(database, existing.id);
  return { userId, tenantId: existing.id, email: DEMO_EMAIL, workspace: DEMO_WORKSPACE_SLUG };
}
