import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { recoveryPolicy, tenantIsolationPolicy } from "./app-role.js";
import { datasetKind, datasets } from "./datasets.js";
import { tenants } from "./tenants.js";
import { users } from "./users.js";

/**
 * pending: uploaded, waiting for a mapping; queued/running: importing; succeeded: rows are in;
 * rejected: the file had invalid rows and the user chose to reject the whole file (nothing changed);
 * failed: the file could not be read, the import broke, or a member cancelled it before its rows were
 * loaded (nothing changed; `error` says which).
 */
export const importStatus = pgEnum("import_status", [
  "pending",
  "queued",
  "running",
  "succeeded",
  "rejected",
  "failed",
]);

export interface RejectedRow {
  line: number;
  column: string;
  value: string;
  reason: string;
}

/** One upload of a file into a dataset, with its mapping, progress and outcome. */
export const imports = pgTable(
  "imports",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    datasetId: uuid().references(() => datasets.id, { onDelete: "set null" }),
    kind: datasetKind().notNull(),
    fileName: text().notNull(),
    fileSize: bigint({ mode: "number" }).notNull(),
    format: text().$type<"csv" | "xlsx">().notNull(),
    /** Where the uploaded bytes are kept until the import ran (inside the data folder). */
    uploadPath: text(),
    status: importStatus().notNull().default("pending"),
    /** The mapping the user confirmed (see services/import/mapping.ts). */
    mapping: jsonb().$type<Record<string, unknown>>(),
    /** What the user chose for invalid rows, and the dataset to import into (kept for the job). */
    onInvalid: text().$type<"reject_file" | "import_valid">(),
    datasetName: text(),
    stage: text(),
    progress: doublePrecision().notNull().default(0),
    rowsRead: integer().notNull().default(0),
    rowsImported: integer().notNull().default(0),
    rowsUpdated: integer().notNull().default(0),
    rowsRejected: integer().notNull().default(0),
    /** The first rejected rows, for the page; the full list is in the report file. */
    rejectedSample: jsonb().$type<RejectedRow[]>().notNull().default([]),
    rejectedReportPath: text(),
    error: text(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    /** Attempts started so far (a worker that dies mid-import starts another). */
    attempt: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(3),
    /** The queue job that owns the import; a retry or a recovery gives it a new one. */
    jobId: uuid(),
    /** `host:pid` of the process holding a running import. */
    workerId: text(),
    /** Touched by the worker every second or so while running; a stale value means it died. */
    heartbeatAt: timestamp({ withTimezone: true }),
    queuedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("imports_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("imports_status_heartbeat_idx").on(t.status, t.heartbeatAt),
    tenantIsolationPolicy("imports", t.tenantId),
    // The import consumer's recovery sweep looks across tenants for imports whose worker died or whose
    // job was lost, as the `strata_recovery` role (packages/api/src/jobs/import-recovery.ts).
    recoveryPolicy("imports"),
  ],
);

export type Import = typeof imports.$inferSelect;
