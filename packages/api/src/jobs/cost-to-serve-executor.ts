import { CoreInputError } from "@strata/core";
import { type CostToServeProgress, costToServeRuns, type Database, withTenant } from "@strata/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "../errors.js";
import {
  CostToServeRunLostError,
  computeCostToServeRun,
} from "../services/cost-to-serve/compute-cost-to-serve-run.js";
import type { CostToServeJobData } from "./queue.js";

/** How often a running cost-to-serve run's heartbeat is written. */
export const COST_TO_SERVE_HEARTBEAT_MS = 1_000;

export interface CostToServeExecutorContext {
  database: Database;
  heartbeatMs?: number;
}

/**
 * Executes one cost-to-serve job: claim the run (attempt counted, heartbeat started), compute it and
 * store the result. A run that fails on its own terms (data the model cannot be applied to) is marked
 * failed with a readable message and the job completes; only infrastructure errors throw, so the
 * queue retries the job. Resolves to the final status, or undefined when this job does not own the run.
 */
export async function executeCostToServe(
  context: CostToServeExecutorContext,
  jobId: string,
  job: CostToServeJobData,
): Promise<"succeeded" | "failed" | undefined> {
  const { database } = context;
  const { runId, tenantId } = job;
  const [claimed] = await withTenant(database.db, tenantId, (tx) =>
    tx
      .update(costToServeRuns)
      .set({
        status: "running",
        attempt: sql`${costToServeRuns.attempt} + 1`,
        heartbeatAt: new Date(),
        progress: { stage: "Starting", percent: 1 },
        error: null,
      })
      .where(
        and(
          eq(costToServeRuns.tenantId, tenantId),
          eq(costToServeRuns.id, runId),
          eq(costToServeRuns.jobId, jobId),
          inArray(costToServeRuns.status, ["queued", "running"]),
        ),
      )
      .returning(),
  );
  if (!claimed) return undefined;
  if (claimed.attempt > claimed.maxAttempts) {
    await failCostToServeRun(
      database,
      job,
      jobId,
      `The computation was started ${claimed.maxAttempts} times and its worker stopped each time, so it was given up. Try again.`,
    );
    return "failed";
  }

  let progress: CostToServeProgress = claimed.progress;
  let beating: Promise<void> | undefined;
  const beat = async () => {
    await withTenant(database.db, tenantId, (tx) =>
      tx
        .update(costToServeRuns)
        .set({ heartbeatAt: new Date(), progress })
        .where(
          and(
            eq(costToServeRuns.id, runId),
            eq(costToServeRuns.jobId, jobId),
            eq(costToServeRuns.status, "running"),
          ),
        ),
    );
  };
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = beat()
      .catch((error: Error) =>
        console.error(`[worker] heartbeat of cost-to-serve run ${runId} failed: ${error.message}`),
      )
      .finally(() => {
        beating = undefined;
      });
  }, context.heartbeatMs ?? COST_TO_SERVE_HEARTBEAT_MS);
  heartbeat.unref();

  try {
    await computeCostToServeRun(
      database,
      {
        tenantId,
        runId,
        jobId,
        model: claimed.model,
        segmentSetId: claimed.segmentSetId,
        periodDays: claimed.periodDays,
      },
      async (stage, percent) => {
        progress = { stage, percent };
        await beating;
        beating = beat().finally(() => {
          beating = undefined;
        });
        await beating;
      },
    );
    return "succeeded";
  } catch (error) {
    if (error instanceof CostToServeRunLostError) return undefined;
    if (error instanceof CoreInputError || error instanceof AppError) {
      await failCostToServeRun(database, job, jobId, error.message);
      return "failed";
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    await beating;
  }
}

/** Records the failure of a run this job owns (no effect if it moved on). */
export async function failCostToServeRun(
  database: Database,
  job: CostToServeJobData,
  jobId: string,
  message: string,
): Promise<void> {
  await withTenant(database.db, job.tenantId, (tx) =>
    tx
      .update(costToServeRuns)
      .set({ status: "failed", error: message, finishedAt: new Date(), heartbeatAt: null })
      .where(
        and(
          eq(costToServeRuns.tenantId, job.tenantId),
          eq(costToServeRuns.id, job.runId),
          eq(costToServeRuns.jobId, jobId),
          inArray(costToServeRuns.status, ["queued", "running"]),
        ),
      ),
  );
}
