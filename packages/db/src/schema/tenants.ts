import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * A workspace. The tenants table itself is not tenant-owned (a slug must be resolvable before the
 * tenant is known); everything that belongs to a tenant carries `tenant_id` and row-level security.
 */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    name: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Whether editors may approve segment definitions (admins and owners always may). */
    editorsCanApprove: boolean().notNull().default(false),
    /** Order lines older than this many months are deleted by the retention sweep; null keeps them all. */
    retentionMonths: integer(),
  },
  (t) => [
    uniqueIndex("tenants_slug_unique").on(t.slug),
    check("tenants_slug_format", sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'`),
    check("tenants_retention_months_positive", sql`${t.retentionMonths} is null or ${t.retentionMonths} > 0`),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
