import { type DbOrTx, tenants } from "@strata/db";
import { eq, like, or } from "drizzle-orm";

/** The demo workspace's slug: only the demo seed may create it (see createTenant). */
export const DEMO_SLUG = "demo";
/**
 * The demo login, created only by the demo seed: its password is printed at start, so nobody may
 * sign up with it (signUp), and a workspace under DEMO_SLUG must belong to it.
 */
export const DEMO_LOGIN_EMAIL = "demo@strata.local";

/**
 * Slugs a user may not give a workspace: top-level paths of the web app, and the demo workspace's
 * (someone else's `demo` workspace would be joined by the publicly known demo login).
 */
export const RESERVED_SLUGS = new Set([
  "api",
  "app",
  "admin",
  "auth",
  DEMO_SLUG,
  "docs",
  "invite",
  "new",
  "settings",
  "sign-in",
  "sign-out",
  "sign-up",
  "static",
  "workspaces",
  "_next",
]);

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** "Café Nord & Co." -> "cafe-nord-co"; at most 40 characters so a "-N" suffix still fits. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug || "workspace";
}

/** The derived slug, or the first free `<slug>-2`, `<slug>-3`, ... */
export async function uniqueSlug(db: DbOrTx, base: string): Promise<string> {
  const rows = await db
    .select({ slug: tenants.slug })
    .from(tenants)
    .where(or(eq(tenants.slug, base), like(tenants.slug, `${base}-%`)));
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base) && !RESERVED_SLUGS.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
