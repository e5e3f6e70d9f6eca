import type { RunConfig, RunMetrics, RunResultDoc } from "@strata/contract";
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
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/**
 * queued: waiting for a worker (a job is on the queue); running: a worker holds it and reports
 * progress; succeeded / failed / cancelled are final (retry makes a new attempt of the same run).
 */
export const runStatus = pgEnum("run_status", ["queued", "running", "succeeded", "failed", "cancelled"]);

export const RUN_STATUSES = runStatus.enumValues;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where a run is and how far along, as the browser shows it. */
export interface RunProgress {
  stage: string;
  /** 0..100 */
  percent: number;
}

/** Wall-clock milliseconds per phase of the last attempt (queue to result). */
export interface RunTimings {
  queuedMs?: number;
  readMs?: number;
  prepareMs?: number;
  clusterMs?: number;
  /** Of clusterMs (k-means runs): fitting the model (the k sweep) vs measuring, mapping, explaining. */
  fitMs?: number;
  describeMs?: number;
  /** Writing the memberships; k-means runs write them while describing (inside clusterMs). */
  writeMs?: number;
  /** From the computed result to its commit: what the write adds to the wait. */
  saveMs?: number;
  totalMs?: number;
  /** After the result is stored: drawing the t-SNE map of the map sample. */
  mapMs?: number;
}

/**
 * A segmentation run: a durable record of what was asked (`config`, validated by the api), who asked,
 * and what came out. The heavy work happens in a worker that picks the run's job off the queue;
 * `job_id` is the job that currently owns the run, so a stale job (from a crashed worker, retried by
 * the queue after the run had been recovered) recognises itself and does nothing.
 */
export const runs = pgTable(
  "runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text(),
    /**
     * What `runConfigSchema` of the run contract (`@strata/contract`) produced when the run was asked
     * for; writes must be a full `RunConfig`. Rows stored before a field existed lack it, so read
     * through `parseRunConfig`, which fills the defaults, rather than trusting the stored shape.
     */
    config: jsonb().$type<RunConfig>().notNull(),
    status: runStatus().notNull().default("queued"),
    progress: jsonb().$type<RunProgress>().notNull().default({ stage: "Queued", percent: 0 }),
    /** Summary numbers of the result (k, silhouette, inertia, rows used, ...): `runMetricsSchema`. */
    metrics: jsonb().$type<RunMetrics | null>(),
    /**
     * The model and everything the result page draws (sizes, centroids, model selection, map sample):
     * a `RunResultDoc` of the run contract. Older documents lack the newer parts and JSON keeps NaN as
     * null, so read through `parseRunResult` (see `config`). Types only: the column is jsonb either way.
     */
    result: jsonb().$type<RunResultDoc | null>(),
    /** A sentence for the user when the run failed or was cancelled. */
    error: text(),
    timings: jsonb().$type<RunTimings>().notNull().default({}),
    /** Attempts started so far (a worker crash or a retry starts another). */
    attempt: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(3),
    jobId: uuid(),
    /** `host:pid` of the worker process holding a running run. */
    workerId: text(),
    /** Touched by the worker at least every few seconds while running; a stale value means it died. */
    heartbeatAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    queuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("runs_tenant_id_id_unique").on(t.tenantId, t.id),
    index("runs_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("runs_status_heartbeat_idx").on(t.status, t.heartbeatAt),
    tenantIsolationPolicy("runs", t.tenantId),
    // The worker's recovery sweep looks across tenants for runs whose worker died (stale heartbeat) or
    // whose job was lost, as the `strata_recovery` role (packages/api/src/jobs/run-recovery.ts).
    recoveryPolicy("runs"),
  ],
);

export type Run = typeof runs.$inferSelect;

/**
 * The segment each customer landed in, written in the same transaction as the run's result, so a
 * run is either complete with all its memberships or has none. `segment` is the 0-based cluster
 * index (-1 for DBSCAN noise); `distance` is to the segment's centroid in prepared feature space.
 */
export const runAssignments = pgTable(
  "run_assignments",
  {
    runId: uuid().notNull(),
    // No foreign key of its own to tenants: the composite keys to the run and the customer hold the
    // tenant already (and cascade with it), and a third per-row check made the write of a run's
    // 100,000 memberships a third slower.
    tenantId: uuid().notNull(),
    customerId: uuid().notNull(),
    segment: integer().notNull(),
    distance: doublePrecision(),
  },
  (t) => [
    foreignKey({
      name: "run_assignments_customer_fk",
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "run_assignments_run_fk",
      columns: [t.tenantId, t.runId],
      foreignColumns: [runs.tenantId, runs.id],
    }).onDelete("cascade"),
    primaryKey({ columns: [t.runId, t.customerId] }),
    index("run_assignments_run_segment_idx").on(t.runId, t.segment),
    tenantIsolationPolicy("run_assignments", t.tenantId),
  ],
);

export type RunAssignment = typeof runAssignments.$inferSelect;
