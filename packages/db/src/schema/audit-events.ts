import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/** Append-only trail of changes in a workspace, written in the same transaction as the change. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** `<aggregate>.<verb>`, e.g. `member.role_changed`, `invitation.created`. */
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    // Millisecond precision, like JavaScript dates, so a keyset cursor round-trips exactly.
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    tenantIsolationPolicy("audit_events", t.tenantId),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
