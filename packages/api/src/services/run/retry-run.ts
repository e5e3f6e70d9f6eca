import { randomUUID } from "node:crypto";
import { runAssignments, runs, type Tx } from "@strata/db";
import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { getRun } from "./get-run.js";

/** Queues a failed or cancelled run again with the same settings (a fresh job and attempt count). */
export async function retryRun(
  tx: Tx,
  params: { tenantId: string; id: string; userId?: string | null | undefined },
) {
  await tx
    .delete(runAssignments)
    .where(and(eq(runAssignments.tenantId, params.tenantId), eq(runAssignments.runId, params.id)));
  const [run] = await tx
    .update(runs)
    .set({
      status: "queued",
      jobId: randomUUID(),
      attempt: 0,
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
  throw new AppError(
    "CONFLICT",
    `Only failed or cancelled runs can be retried; this one is ${existing.status}.`,
  );
}
