import { randomUUID } from "node:crypto";
import { runAssignments, runs, type Tx } from "@strata/db";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { readQuotaEnv } from "../quota/env.js";
import { assertRunQueueRoom } from "../quota/workspace-quotas.js";
import { RUN_ATTEMPTS_PER_START } from "./create-run.js";
import { getRun } from "./get-run.js";

/**
 * Queues a failed or cancelled run again with the same settings under a fresh job. The attempt count
 * is kept (it counts every start the run ever had): the retry adds RUN_ATTEMPTS_PER_START attempts to
 * those used, up to STRATA_MAX_JOB_ATTEMPTS in all, so a run that kills its worker each time cannot be
 * retried forever; past that it is refused, and a new run must be started.
 */
export async function retryRun(
  tx: Tx,
  params: { tenantId: string; id: string; userId?: string | null | undefined },
) {
  const { maxJobAttempts } = readQuotaEnv();
  await assertRunQueueRoom(tx, { tenantId: params.tenantId });
  await tx
    .delete(runAssignments)
    .where(and(eq(runAssignments.tenantId, params.tenantId), eq(runAssignments.runId, params.id)));
  const [run] = await tx
    .update(runs)
    .set({
      status: "queued",
      jobId: randomUUID(),
      maxAttempts: sql`least(${runs.attempt} + ${RUN_ATTEMPTS_PER_START}, ${maxJobAttempts})`,
      error: null,
      result: null,
      metrics: null,
      timings: {},
      progress: { stage: "Queued", percent: 0 },
      queuedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      heartbeatAt: null,
      workerId: null,
    })
    .where(
      and(
        eq(runs.tenantId, params.tenantId),
        eq(runs.id, params.id),
        inArray(runs.status, ["failed", "cancelled"]),
        lt(runs.attempt, maxJobAttempts),
      ),
    )
    .returning();
  if (run) {
    await recordAuditEvent(tx, {
      tenantId: params.tenantId,
      actorUserId: params.userId ?? null,
      action: "run.retried",
      targetType: "run",
      targetId: run.id,
      details: { name: run.name },
    });
    return run;
  }
  const existing = await getRun(tx, params);
  if (
    (existing.status === "failed" || existing.status === "cancelled") &&
    existing.attempt >= maxJobAttempts
  ) {
    throw new AppError(
      "PRECONDITION_FAILED",
      `This run has been started ${existing.attempt} times, the most one run may be (${maxJobAttempts}). Start a new run instead, with fewer customers or features if it keeps failing.`,
    );
  }
  throw new AppError(
    "CONFLICT",
    `Only failed or cancelled runs can be retried; this one is ${existing.status}.`,
  );
}
