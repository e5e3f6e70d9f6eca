import type { PolicyTerms } from "@strata/contract";
import { sql } from "drizzle-orm";
import {
  bigint,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { segmentSetStatus, segments } from "./segments.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/**
 * A supply-chain policy for a customer segment (null: the workspace default), optionally narrowed
 * to a product class and a channel; the most specific policy that applies to a customer-product
 * pair wins. Versioned and reviewed like segment definitions: `terms` is the latest version's,
 * `approvedTerms` the approved one's, which cost-to-serve, scenarios and exports read.
 */
export const policies = pgTable(
  "policies",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    segmentId: uuid(),
    productClass: text(),
    channel: text(),
    terms: jsonb().$type<PolicyTerms>().notNull(),
    version: integer().notNull().default(1),
    status: segmentSetStatus().notNull().default("draft"),
    approvedVersion: integer(),
    approvedTerms: jsonb().$type<PolicyTerms | null>(),
    reviewNote: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "policies_segment_fk",
      columns: [t.tenantId, t.segmentId],
      foreignColumns: [segments.tenantId, segments.id],
    }).onDelete("restrict"),
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("policies_tenant_id_id_unique").on(t.tenantId, t.id),
    // One policy per scope: two at the same specificity would leave "which applies?" unanswered.
    uniqueIndex("policies_scope_unique").on(
      t.tenantId,
      sql`coalesce(${t.segmentId}::text, '')`,
      sql`coalesce(${t.productClass}, '')`,
      sql`coalesce(${t.channel}, '')`,
    ),
    index("policies_segment_idx").on(t.segmentId),
    tenantIsolationPolicy("policies", t.tenantId),
  ],
);

export type Policy = typeof policies.$inferSelect;

/** Every saved change of a policy: who, when, why and the terms. */
export const policyVersions = pgTable(
  "policy_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    policyId: uuid().notNull(),
    version: integer().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    message: text().notNull(),
    name: text().notNull(),
    terms: jsonb().$type<PolicyTerms>().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "policy_versions_policy_fk",
      columns: [t.tenantId, t.policyId],
      foreignColumns: [policies.tenantId, policies.id],
    }).onDelete("cascade"),
    uniqueIndex("policy_versions_policy_version_unique").on(t.policyId, t.version),
    index("policy_versions_tenant_idx").on(t.tenantId),
    tenantIsolationPolicy("policy_versions", t.tenantId),
  ],
);

/** One changed policy in a scenario: new terms for an existing policy, or a new scope. */
export interface ScenarioChange {
  policyId: string | null;
  name: string;
  segmentId: string | null;
  productClass: string | null;
  channel: string | null;
  terms: PolicyTerms;
  /** Share of the scope's net sales expected lost (e.g. for a lower service level), 0..1. */
  salesLostShare: number;
}

/**
 * A what-if: the live (approved) policies copied, some changed, and the period's real order lines
 * re-priced under them. Live policies change only when a scenario is applied (as new versions in review).
 */
export const scenarios = pgTable(
  "scenarios",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text().notNull(),
    changes: jsonb().$type<ScenarioChange[]>().notNull().default([]),
    /** The evaluation (per segment and total, before and after), null until evaluated. */
    result: jsonb().$type<Record<string, unknown> | null>(),
    evaluatedAt: timestamp({ withTimezone: true, precision: 3 }),
    appliedAt: timestamp({ withTimezone: true, precision: 3 }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("scenarios_tenant_created_idx").on(t.tenantId, t.createdAt),
    tenantIsolationPolicy("scenarios", t.tenantId),
  ],
);

export type Scenario = typeof scenarios.$inferSelect;

/**
 * The workspace's ABC-XYZ product classes at the default cut-offs, as `policy.productClasses`
 * answers them, computed by the worker once an import's lines are in (and by a request that finds
 * none for the current lines). `linesVersion` is the workspace's order_line_versions.version they
 * were computed from: the answer stands while that version does.
 */
export const productClassAnswers = pgTable(
  "product_class_answers",
  {
    tenantId: uuid()
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    linesVersion: bigint({ mode: "number" }).notNull(),
    answer: jsonb().$type<Record<string, unknown>>().notNull(),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantIsolationPolicy("product_class_answers", t.tenantId)],
);
