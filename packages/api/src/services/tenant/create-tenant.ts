import { memberships, type Tx, tenants, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { assertWorkspaceRoom } from "../quota/workspace-quotas.js";
import { DEMO_LOGIN_EMAIL, DEMO_SLUG, RESERVED_SLUGS, SLUG_PATTERN, slugify, uniqueSlug } from "./slug.js";

export const SLUG_TAKEN = "That workspace address is taken. Choose another.";

/**
 * Creates a workspace with its creator as owner. Runs inside `withTenant(db, tenantId, ...)` for the
 * new id, so the owner membership and the audit event are written under row-level security too.
 * A user may own at most STRATA_MAX_OWNED_WORKSPACES workspaces.
 */
export async function createTenant(
  tx: Tx,
  params: { tenantId: string; name: string; slug?: string | undefined; ownerUserId: string },
): Promise<{ id: string; slug: string; name: string }> {
  const name = params.name.trim();
  await assertWorkspaceRoom(tx, { userId: params.ownerUserId });
  let slug: string;
  if (params.slug) {
    slug = params.slug.toLowerCase();
    if (!SLUG_PATTERN.test(slug)) {
      throw new AppError(
        "BAD_REQUEST",
        "Use lowercase letters, digits and dashes (not at the start or end), at most 48 characters.",
        "slug",
      );
    }
    if (RESERVED_SLUGS.has(slug) && !(slug === DEMO_SLUG && (await isDemoLogin(tx, params.ownerUserId)))) {
      throw new AppError("CONFLICT", SLUG_TAKEN, "slug");
    }
    const [taken] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
    if (taken) throw new AppError("CONFLICT", SLUG_TAKEN, "slug");
  } else {
    slug = await uniqueSlug(tx, slugify(name));
  }
  const [tenant] = await tx
    .insert(tenants)
    .values({ id: params.tenantId, slug, name })
    .returning({ id: tenants.id, slug: tenants.slug, name: tenants.name });
  await tx
    .insert(memberships)
    .values({ tenantId: params.tenantId, userId: params.ownerUserId, role: "owner" });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.ownerUserId,
    action: "tenant.created",
    targetType: "tenant",
    targetId: params.tenantId,
    details: { name, slug },
  });
  return tenant!;
}

/** The demo seed creates `demo` for the demo login, an account nobody can sign up for (signUp). */
async function isDemoLogin(tx: Tx, userId: string): Promise<boolean> {
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return user?.email === DEMO_LOGIN_EMAIL;
}
