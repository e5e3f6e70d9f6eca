import { randomUUID } from "node:crypto";
import { costToServeRuns, type Database, segmentSets, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { sendCostToServeJobInTransaction } from "../../jobs/cost-to-serve-job.js";
import { assertCostToServeRoom } from "../quota/workspace-quotas.js";
import { getCostModel, validateCostModel } from "./cost-model.js";

/**
 * Records a cost-to-serve run with the workspace's current model and writes its job in the same
 * transaction. The computation happens in the import consumer, never in the request. A workspace may
 * have at most STRATA_MAX_QUEUED_COST_TO_SERVE_RUNS of them waiting.
 */
export async function queueCostToServeRun(
  tx: Tx,
  database: Database,
  params: { tenantId: string; userId: string | null; segmentSetId?: string; periodDays?: number },
): Promise<{ id: string; status: "queued" }> {
  if (params.segmentSetId) {
    const [set] = await tx
      .select({ id: segmentSets.id, approvedVersion: segmentSets.approvedVersion, name: segmentSets.name })
      .from(segmentSets)
      .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.segmentSetId)))
      .limit(1);
    if (!set) throw new AppError("NOT_FOUND", "Segment set not found", "segmentSetId");
    if (set.approvedVersion === null)
      throw new AppError(
        "PRECONDITION_FAILED",
        `"${set.name}" has no approved version yet: cost-to-serve uses approved segment definitions only.`,
        "segmentSetId",
      );
  }
  const { model } = await getCostModel(tx, { tenantId: params.tenantId });
  // A stored model was valid when saved; checking again keeps a bad one from reaching the worker.
  validateCostModel(model);
  await assertCostToServeRoom(tx, { tenantId: params.tenantId });
  const jobId = randomUUID();
  const [run] = await tx
    .insert(costToServeRuns)
    .values({
      tenantId: params.tenantId,
      segmentSetId: params.segmentSetId ?? null,
      periodDays: params.periodDays ?? null,
      model: model as unknown as Record<string, unknown>,
      jobId,
      createdBy: params.userId,
    })
    .returning({ id: costToServeRuns.id });
  await sendCostToServeJobInTransaction(tx, database, { runId: run!.id, tenantId: params.tenantId }, jobId);
  return { id: run!.id, status: "queued" };
}
