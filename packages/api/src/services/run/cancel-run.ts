import { runs, type Tx } from "@strata/db";
import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { getRun } from "./get-run.js";

/**
 * Marks a queued or running run cancelled. A worker running it sees the status on its next
 * heartbeat (about a second) and stops the computation; the caller also cancels the queued job.
 */
export async function cancelRun(
  tx: Tx,
  params: { tenantId: string; id: string; userId?: string | null | undefined },
) {
  const [run] = await tx
    .update(runs)
    .set({
      status: "cancelled",
      error: "Cancelled by a member of the workspace.",
      finishedAt: new Date(),
      heartbeatAt: null,
    })
    .where(
      and(
        eq(runs.tenantId, params.tenantId),
        eq(runs.id, params.id),
        inArray(runs.status, ["queued", "running"]),
      ),
    )
    .returning();
  if (run) {
    await recordAuditEvent(tx, {
      tenantId: params.tenantId,
      actorUserId: params.userId ?? null,
      action: "run.cancelled",
      targetType: "run",
      targetId: run.id,
      details: { name: run.name },
    });
    return run;
  }
  const existing = await getRun(tx, params);
  throw new AppError(
    "CONFLICT",
    `The run has already ${existing.status === "cancelled" ? "been cancelled" : existing.status}.`,
  );
}
