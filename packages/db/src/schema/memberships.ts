import { sql } from "drizzle-orm";
import { index, pgEnum, pgPolicy, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { appRole, currentUserId, tenantIsolationPolicy } from "./app-role.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/** Role order lives in @strata/auth (`ROLES`, `hasRole`); the database only knows the names. */
export const memberRole = pgEnum("member_role", ["owner", "admin", "editor", "viewer"]);

export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index("memberships_user_id_idx").on(t.userId),
    tenantIsolationPolicy("memberships", t.tenantId),
    // A signed-in user may list their own memberships across tenants (workspace switcher), through
    // `withUser(db, userId, ...)`; reading only, and only their own rows.
    pgPolicy("memberships_read_own", {
      as: "permissive",
      for: "select",
      to: appRole,
      using: sql`${t.userId} = ${currentUserId}`,
    }),
  ],
);

export type Membership = typeof memberships.$inferSelect;
