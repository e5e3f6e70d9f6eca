import { randomUUID } from "node:crypto";
import type { RunConfig } from "@strata/contract";
import { customerFeatures, runs, type Tx } from "@strata/db";
import { eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { listNumericFeatures } from "../../jobs/run-data.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { assertRunQueueRoom } from "../quota/workspace-quotas.js";

/** Attempts a run gets when it is queued (and again, on top of those it used, when it is retried). */
export const RUN_ATTEMPTS_PER_START = 3;

export interface CreateRunParams {
  tenantId: string;
  userId: string;
  name?: string | undefined;
  config: RunConfig;
}

/**
 * Records a queued run. The job that carries it to a worker is sent once this transaction has
 * committed (`dispatchRunJob`); `job_id` is chosen here so the worker can tell its job from a stale one.
 */
export async function createRun(tx: Tx, params: CreateRunParams) {
  const { tenantId, config } = params;
  const [counted] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(customerFeatures)
    .where(eq(customerFeatures.tenantId, tenantId));
  if (!counted || Number(counted.n) === 0) {
    throw new AppError(
      "BAD_REQUEST",
      "This workspace has no customer features yet: import customers or order lines before starting a run.",
    );
  }
  if (config.features.length > 0) {
    const available = new Set(await listNumericFeatures(tx, tenantId));
    const unknown = config.features.filter((f) => !available.has(f));
    if (unknown.length > 0) {
      throw new AppError(
        "BAD_REQUEST",
        `Unknown or non-numeric feature${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
        "config.features",
      );
    }
  }
  // Last before the insert: the quota lock is held until this transaction commits.
  await assertRunQueueRoom(tx, { tenantId });
  const [run] = await tx
    .insert(runs)
    .values({
      tenantId,
      name: params.name ?? null,
      config,
      createdBy: params.userId,
      jobId: randomUUID(),
      maxAttempts: RUN_ATTEMPTS_PER_START,
    })
    .returning();
  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: params.userId,
    action: "run.queued",
    targetType: "run",
    targetId: run!.id,
    details: { name: run!.name, algorithm: config.algorithm, k: config.k ?? null },
  });
  return run!;
}
