import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";
import { runs } from "./runs.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/**
 * A published segmentation: a run's result turned into named segments that the rest of the product
 * (policies, cost-to-serve, the REST api) refers to. The run may later be deleted; the set keeps its
 * own copy of what matters (segments and memberships).
 */
export const segmentSets = pgTable(
  "segment_sets",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    runId: uuid().references(() => runs.id, { onDelete: "set null" }),
    name: text().notNull(),
    description: text(),
    /** Customers with a membership (DBSCAN noise included when it was published as a segment). */
    customerCount: integer().notNull().default(0),
    publishedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("segment_sets_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    tenantIsolationPolicy("segment_sets", t.tenantId),
  ],
);

export type SegmentSet = typeof segmentSets.$inferSelect;

/** One named group of a segment set. `position` is the run's segment index (-1: DBSCAN noise). */
export const segments = pgTable(
  "segments",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    segmentSetId: uuid()
      .notNull()
      .references(() => segmentSets.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    name: text().notNull(),
    /** Persona text: who these customers are, in the analyst's words. */
    description: text(),
    /** `#rrggbb`, used wherever the segment is drawn. */
    color: text().notNull(),
    size: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("segments_set_position_unique").on(t.segmentSetId, t.position),
    index("segments_tenant_idx").on(t.tenantId),
    tenantIsolationPolicy("segments", t.tenantId),
  ],
);

export type Segment = typeof segments.$inferSelect;

/** The segment a customer belongs to in a segment set (one per customer per set). */
export const segmentMemberships = pgTable(
  "segment_memberships",
  {
    segmentSetId: uuid()
      .notNull()
      .references(() => segmentSets.id, { onDelete: "cascade" }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    segmentId: uuid()
      .notNull()
      .references(() => segments.id, { onDelete: "cascade" }),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    assignedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.segmentSetId, t.customerId] }),
    index("segment_memberships_segment_idx").on(t.segmentId),
    index("segment_memberships_tenant_customer_idx").on(t.tenantId, t.customerId),
    tenantIsolationPolicy("segment_memberships", t.tenantId),
  ],
);

export type SegmentMembership = typeof segmentMemberships.$inferSelect;
