import {
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";
import { runs } from "./runs.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/** `ml`: segments of a clustering run; `rule`: one segment defined by a rule (hybrid: narrowing an ML segment). */
export const segmentSetKind = pgEnum("segment_set_kind", ["ml", "rule"]);
/** Where the set's latest version is in review. */
export const segmentSetStatus = pgEnum("segment_set_status", ["draft", "in_review", "approved"]);
/** How a customer got its membership. */
export const membershipSource = pgEnum("membership_source", ["run", "model", "rule"]);

/**
 * A segment definition set the team owns: a run's result turned into named segments (kind `ml`), or
 * one rule segment (kind `rule`). Its id and its segments' ids outlive runs and re-publishes, so
 * what is attached to them (policies, comments, exports) stays attached. Every saved change is a
 * version (`segment_set_versions`); `version` is the latest, the optimistic lock a save must name.
 * Memberships are those of `approvedVersion`: exports, cost-to-serve and policies read only those.
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
    kind: segmentSetKind().notNull().default("ml"),
    /** The latest saved version (1 when published); a save names the version it started from. */
    version: integer().notNull().default(1),
    /** Review state of the latest version. */
    status: segmentSetStatus().notNull().default("approved"),
    /** The version the memberships belong to; null until a first version is approved. */
    approvedVersion: integer().default(1),
    /** Why the latest version was sent back to draft, if it was. */
    reviewNote: text(),
    /** The run's fitted model (core `assign`): customers outside the run get a segment from it. */
    model: jsonb().$type<Record<string, unknown> | null>(),
    /** A rule set's rule as last saved (`segmentRuleSchema` of the contract); null for `ml`. */
    rule: jsonb().$type<Record<string, unknown> | null>(),
    /** A hybrid rule set narrows this ML segment; null for a plain rule. */
    baseSegmentId: uuid(),
    updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("segment_sets_tenant_id_id_unique").on(t.tenantId, t.id),
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
    segmentSetId: uuid().notNull(),
    position: integer().notNull(),
    name: text().notNull(),
    /** Persona text: who these customers are, in the analyst's words. */
    description: text(),
    /** `#rrggbb`, used wherever the segment is drawn. */
    color: text().notNull(),
    size: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The run's surrogate rules for this segment, structured: `[{ feature, operator, threshold }]` per path. */
    surrogateRules: jsonb().$type<SurrogateRule[] | null>(),
    /** Text of the surrogate rules, as the result page shows them. */
    surrogateText: text(),
    /** False once a re-publish mapped no cluster to it: kept (ids stay valid), with no members. */
    active: boolean().notNull().default(true),
  },
  (t) => [
    foreignKey({
      name: "segments_segment_set_fk",
      columns: [t.tenantId, t.segmentSetId],
      foreignColumns: [segmentSets.tenantId, segmentSets.id],
    }).onDelete("cascade"),
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("segments_tenant_id_id_unique").on(t.tenantId, t.id),
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
    segmentSetId: uuid().notNull(),
    customerId: uuid().notNull(),
    segmentId: uuid().notNull(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    assignedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** `run`: in the training run; `model`: assigned later by the set's model; `rule`: matched the rule. */
    source: membershipSource().notNull().default("run"),
    /** Distance to the segment's centre in the model's scaled space (model assignments). */
    distance: doublePrecision(),
    /** How sure the model is (0..1): posterior probability, or a margin between the two nearest centres. */
    confidence: doublePrecision(),
  },
  (t) => [
    foreignKey({
      name: "segment_memberships_segment_fk",
      columns: [t.tenantId, t.segmentId],
      foreignColumns: [segments.tenantId, segments.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "segment_memberships_customer_fk",
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "segment_memberships_segment_set_fk",
      columns: [t.tenantId, t.segmentSetId],
      foreignColumns: [segmentSets.tenantId, segmentSets.id],
    }).onDelete("cascade"),
    primaryKey({ columns: [t.segmentSetId, t.customerId] }),
    index("segment_memberships_segment_idx").on(t.segmentId),
    index("segment_memberships_tenant_customer_idx").on(t.tenantId, t.customerId),
    tenantIsolationPolicy("segment_memberships", t.tenantId),
  ],
);

export type SegmentMembership = typeof segmentMemberships.$inferSelect;

/** One condition of a surrogate rule path: `feature operator threshold`. */
export interface SurrogateCondition {
  feature: string;
  operator: "<=" | ">";
  threshold: number;
}

/** A path of the surrogate tree that leads to the segment, with how many of its customers it covers. */
export interface SurrogateRule {
  conditions: SurrogateCondition[];
  support?: number;
  precision?: number;
}

/** What a version looked like: enough to show it, diff it and restore it. */
export interface SegmentSetSnapshot {
  name: string;
  description: string | null;
  runId: string | null;
  rule: Record<string, unknown> | null;
  baseSegmentId: string | null;
  customerCount: number;
  /** ML sets: which cluster of `runId` feeds which segment (absent: cluster = segment position). */
  mapping?: Array<{ cluster: number; segmentId: string }>;
  segments: Array<{
    id: string;
    position: number;
    name: string;
    description: string | null;
    color: string;
    size: number;
    active: boolean;
  }>;
}

/** Every saved change of a segment set, with who made it and why; restore copies one forward. */
export const segmentSetVersions = pgTable(
  "segment_set_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    segmentSetId: uuid().notNull(),
    version: integer().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    message: text().notNull(),
    snapshot: jsonb().$type<SegmentSetSnapshot>().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "segment_set_versions_segment_set_fk",
      columns: [t.tenantId, t.segmentSetId],
      foreignColumns: [segmentSets.tenantId, segmentSets.id],
    }).onDelete("cascade"),
    uniqueIndex("segment_set_versions_set_version_unique").on(t.segmentSetId, t.version),
    index("segment_set_versions_tenant_idx").on(t.tenantId),
    tenantIsolationPolicy("segment_set_versions", t.tenantId),
  ],
);

export type SegmentSetVersion = typeof segmentSetVersions.$inferSelect;
