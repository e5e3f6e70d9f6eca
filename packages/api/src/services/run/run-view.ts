import { parseRunResult } from "@strata/contract";
import type { Run, RunStatus as StoredRunStatus } from "@strata/db";
import {
  parseRunConfig,
  type RunStatus,
  type RunSummary,
  type RunView,
  runMetricsSchema,
} from "../../contract/index.js";

// The contract's statuses are the database enum's (a compile error here means they drifted).
const sameStatuses: [RunStatus, StoredRunStatus] extends [StoredRunStatus, RunStatus] ? true : false = true;
void sameStatuses;

type SummaryRow = Pick<
  Run,
  | "id"
  | "name"
  | "config"
  | "status"
  | "progress"
  | "metrics"
  | "error"
  | "attempt"
  | "timings"
  | "createdBy"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
>;

/**
 * A stored run through the contract: the config and result documents are parsed, so a run stored
 * before a part existed reads with that part's default, and the browser gets typed documents.
 */
export function toRunSummary(run: SummaryRow): RunSummary {
  return {
    id: run.id,
    name: run.name,
    config: parseRunConfig(run.config),
    status: run.status,
    progress: run.progress,
    metrics: run.metrics === null ? null : runMetricsSchema.parse(run.metrics),
    error: run.error,
    attempt: run.attempt,
    timings: run.timings,
    createdBy: run.createdBy,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** What the browser sees of a run: the queue's bookkeeping (job, worker, heartbeat) stays inside. */
export function toRunView(run: Run): RunView {
  return {
    ...toRunSummary(run),
    result: run.result === null ? null : parseRunResult(run.result),
    maxAttempts: run.maxAttempts,
    queuedAt: run.queuedAt,
  };
}
