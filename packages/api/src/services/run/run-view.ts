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

/** How many points each map of a run's sample holds (read from the stored document by getRunRow). */
export interface MapSampleSizes {
  pca: number;
  tsne: number;
}

/**
 * What the browser sees of a run: the queue's bookkeeping (job, worker, heartbeat) stays inside, and
 * so do the map samples (`run.map` reads them): `mapSample` counts them. A row read by getRunRow
 * comes with its samples already left out in the database and counted there.
 */
export function toRunView(run: Run & { mapSample?: MapSampleSizes }): RunView {
  const result = run.result === null ? null : parseRunResult(run.result);
  const mapSample = run.mapSample ?? { pca: result?.map.points.length ?? 0, tsne: result?.tsne.length ?? 0 };
  return {
    ...toRunSummary(run),
    result: result && { ...result, map: { ...result.map, points: [] }, tsne: [] },
    mapSample,
    maxAttempts: run.maxAttempts,
    queuedAt: run.queuedAt,
  };
}
