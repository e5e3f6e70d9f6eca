import { sql } from "drizzle-orm";
import { index, pgPolicy, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { appRole, tenantIsolationPolicy } from "./app-role.js";
import { memberRole } from "./memberships.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/** A single-use invitation link. Only the sha256 of its token is stored; the token is shown once. */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    role: memberRole().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    acceptedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_unique").on(t.tokenHash),
    index("invitations_tenant_id_idx").on(t.tenantId),
    tenantIsolationPolicy("invitations", t.tenantId),
    // Whoever holds the link may read that one invitation (to show and accept it) before they are a
    // member: `withInvitationToken(db, tokenHash, ...)` sets app.invitation_token_hash.
    pgPolicy("invitations_read_by_token", {
      as: "permissive",
      for: "select",
      to: appRole,
      using: sql`${t.tokenHash} = nullif(current_setting('app.invitation_token_hash', true), '')`,
    }),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
