import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/** What a comment thread hangs on: a segment set today, a policy later (same tables). */
export const commentEntity = pgEnum("comment_entity", ["segment_set", "policy"]);

/**
 * A comment in the thread of one entity. `mentions` holds the ids of the members it @mentions
 * (resolved when it was written). Deleting keeps the row (the thread stays readable) without the body.
 */
export const comments = pgTable(
  "comments",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    entityType: commentEntity().notNull(),
    entityId: uuid().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    body: text().notNull(),
    mentions: jsonb().$type<string[]>().notNull().default([]),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    editedAt: timestamp({ withTimezone: true, precision: 3 }),
    deletedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("comments_entity_created_idx").on(t.tenantId, t.entityType, t.entityId, t.createdAt),
    tenantIsolationPolicy("comments", t.tenantId),
  ],
);

export type Comment = typeof comments.$inferSelect;

/** How far a member has read a thread: comments after `readAt` by others are unread. */
export const commentReads = pgTable(
  "comment_reads",
  {
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    entityType: commentEntity().notNull(),
    entityId: uuid().notNull(),
    readAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.entityType, t.entityId] }),
    tenantIsolationPolicy("comment_reads", t.tenantId),
  ],
);
