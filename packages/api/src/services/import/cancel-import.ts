import { type Database, imports, type Tx } from "@strata/db";
import { and, eq, inArray, isNull, notInArray, or } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { cancelImportJob } from "../../jobs/import-job.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

export const IMPORT_CANCELLED_MESSAGE = "The import was cancelled; nothing was imported.";

/**
 * Cancels a queued or running import, inside the caller's transaction. A queued import's job is
 * cancelled in the queue; a running one stops at its next batch (its worker reads the status with
 * each heartbeat) and its load transaction, if it had begun, commits nothing. Once the rows are
 * loaded (the import is computing features) it can no longer be cancelled: the data did change.
 */
export async function cancelImport(
  tx: Tx,
  database: Database,
  params: { tenantId: string; id: string; userId?: string | null | undefined },
): Promise<{ id: string; status: "failed" }> {
  const [row] = await tx
    .update(imports)
    .set({
      // A cancelled import ends like a failed one (nothing changed, it can be started again), with
      // the reason in its message.
      status: "failed",
      stage: "done",
      error: IMPORT_CANCELLED_MESSAGE,
      finishedAt: new Date(),
      heartbeatAt: null,
    })
    .where(
      and(
        eq(imports.tenantId, params.tenantId),
        eq(imports.id, params.id),
        inArray(imports.status, ["queued", "running"]),
        or(isNull(imports.stage), notInArray(imports.stage, ["features", "profiling"])),
      ),
    )
    .returning({ id: imports.id, jobId: imports.jobId, fileName: imports.fileName });
  if (!row) {
    const [existing] = await tx
      .select({ status: imports.status, stage: imports.stage })
      .from(imports)
      .where(and(eq(imports.tenantId, params.tenantId), eq(imports.id, params.id)));
    if (!existing) throw new AppError("NOT_FOUND", "Import not found");
    if (existing.status === "running")
      throw new AppError("CONFLICT", "The rows are already imported; the import is finishing.");
    throw new AppError("CONFLICT", "This import is not queued or running.");
  }
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId ?? null,
    action: "import.cancelled",
    targetType: "import",
    targetId: row.id,
    details: { fileName: row.fileName },
  });
  // After the request: a job still waiting in the queue is dropped (one already taken finds the
  // import cancelled when it claims it, and does nothing).
  cancelImportJob(database, row.jobId);
  return { id: row.id, status: "failed" };
}
