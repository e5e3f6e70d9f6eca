import { sql } from "drizzle-orm";
import {
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
  uuid,
} from "drizzle-orm/pg-core";
import { recoveryPolicy, tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";
import { segmentSets } from "./segments.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/**
 * A workspace's cost model, stored as the CLI's model.json (validated by core's `parseCostModel`
 * before it is written). A workspace without a row uses the default (see the api's
 * services/cost-to-serve/default-cost-model.ts).
 */
export const costModels = pgTable(
  "cost_models",
  {
    tenantId: uuid()
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    model: jsonb().$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [tenantIsolationPolicy("cost_models", t.tenantId)],
);

export type CostModelRow = typeof costModels.$inferSelect;

export const costToServeRunStatus = pgEnum("cost_to_serve_run_status", [
  "queued",
  "running",
  "succeeded",
  "failed",
]);

export type CostToServeRunStatus = (typeof costToServeRunStatus.enumValues)[number];

/** Money of one customer, one segment or everyone (core's ProfitAndLoss without the percentages). */
export interface CostToServeFigures {
  gross_sales: number;
  discounts: number;
  returns_allowances: number;
  net_sales: number;
  cogs: number;
  gross_margin: number;
  cost_to_serve: number;
  net_profit: number;
}

export interface CostToServeSegmentResult extends CostToServeFigures {
  segment: string;
  customers: number;
  activities: Record<string, number>;
  margin_pct: number | null;
  cts_pct_of_sales: number | null;
}

export interface CostToServeWhalePoint {
  customers_pct: number;
  cumulative_profit_pct: number | null;
}

/** What a succeeded run's page draws; per-customer figures live in `cost_to_serve_customers`. */
export interface CostToServeResultDoc {
  currency: string;
  totals: CostToServeFigures & {
    customers: number;
    activities: Record<string, number>;
    margin_pct: number | null;
    cts_pct_of_sales: number | null;
  };
  segments: CostToServeSegmentResult[];
  unusedCapacity: Array<{ activity: string; cost: number }>;
  /** Downsampled to at most 200 points (the first and the last kept). */
  whale: CostToServeWhalePoint[];
  /** The highest point of the curve (most cumulative profit), null without customers. */
  whalePeak: CostToServeWhalePoint | null;
  lossMakers: { customers: number; net_profit: number };
  linesWithoutCost: number;
}

export interface CostToServeProgress {
  stage: string;
  /** 0..100 */
  percent: number;
}

/**
 * One computation of cost-to-serve over the workspace's order lines and events, optionally split by
 * the segments of a published segment set. Worked by a queue job like imports: `job_id` owns the
 * run, the heartbeat says its worker is alive, the recovery sweep picks up runs whose worker died.
 */
export const costToServeRuns = pgTable(
  "cost_to_serve_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    segmentSetId: uuid().references(() => segmentSets.id, { onDelete: "set null" }),
    periodDays: integer(),
    /** The cost model as it was when the run was asked for (model.json), so a result can be explained. */
    model: jsonb().$type<Record<string, unknown>>().notNull(),
    status: costToServeRunStatus().notNull().default("queued"),
    progress: jsonb().$type<CostToServeProgress>().notNull().default({ stage: "Queued", percent: 0 }),
    error: text(),
    jobId: uuid(),
    attempt: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(3),
    heartbeatAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    queuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    result: jsonb().$type<CostToServeResultDoc | null>(),
  },
  (t) => [
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("cost_to_serve_runs_tenant_id_id_unique").on(t.tenantId, t.id),
    index("cost_to_serve_runs_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("cost_to_serve_runs_status_heartbeat_idx").on(t.status, t.heartbeatAt),
    tenantIsolationPolicy("cost_to_serve_runs", t.tenantId),
    // The consumer's recovery sweep looks across tenants for runs whose worker died or whose job was
    // lost, as the `strata_recovery` role (packages/api/src/jobs/cost-to-serve-recovery.ts).
    recoveryPolicy("cost_to_serve_runs"),
  ],
);

export type CostToServeRun = typeof costToServeRuns.$inferSelect;

/** One customer's profit and loss in a run, written in the same transaction as the run's result. */
export const costToServeCustomers = pgTable(
  "cost_to_serve_customers",
  {
    runId: uuid().notNull(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    customerId: uuid().notNull(),
    segment: text(),
    grossSales: doublePrecision().notNull(),
    discounts: doublePrecision().notNull(),
    returnsAllowances: doublePrecision().notNull(),
    netSales: doublePrecision().notNull(),
    cogs: doublePrecision().notNull(),
    grossMargin: doublePrecision().notNull(),
    costToServe: doublePrecision().notNull(),
    netProfit: doublePrecision().notNull(),
    marginPct: doublePrecision(),
    ctsPctOfSales: doublePrecision(),
    activities: jsonb().$type<Record<string, number>>().notNull(),
  },
  (t) => [
    foreignKey({
      name: "cost_to_serve_customers_customer_fk",
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "cost_to_serve_customers_run_fk",
      columns: [t.tenantId, t.runId],
      foreignColumns: [costToServeRuns.tenantId, costToServeRuns.id],
    }).onDelete("cascade"),
    primaryKey({ columns: [t.runId, t.customerId] }),
    // Paging a run (or one segment of it) by net profit, the page's default order.
    index("cost_to_serve_customers_run_profit_idx").on(t.runId, t.netProfit, t.customerId),
    // Partial: a run without a segment set (segment null on every row) writes nothing to it, and a
    // segment filter (segment = $1) implies segment is not null, so the planner still uses it.
    index("cost_to_serve_customers_run_segment_profit_idx")
      .on(t.runId, t.segment, t.netProfit, t.customerId)
      .where(sql`${t.segment} is not null`),
    index("cost_to_serve_customers_tenant_customer_idx").on(t.tenantId, t.customerId),
    tenantIsolationPolicy("cost_to_serve_customers", t.tenantId),
  ],
);

export type CostToServeCustomer = typeof costToServeCustomers.$inferSelect;
