import { randomUUID } from "node:crypto";
import { dirname } from "node:path";
import { type Database, imports, withTenant } from "@strata/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { importMappingSchema, type OnInvalid } from "../services/import/mapping.js";
import { importFolder } from "../services/import/paths.js";
import { type ImportOutcome, ImportStoppedError, runImport } from "../services/import/run-import.js";
import { sendImportJobInTransaction } from "./import-job.js";
import type { ImportJobData } from "./queue.js";

/** How often a running import's heartbeat is written (and its cancellation read). */
export const IMPORT_HEARTBEAT_MS = 1_000;

export interface ImportExecutorContext {
  database: Database;
  workerId: string;
  /** Aborted when the process is draining and the import must be handed back. */
  shutdown: AbortSignal;
  heartbeatMs?: number;
  /** Called once per batch of rows read (tests slow an import down with it). */
  onBatch?: () => Promise<void>;
}

type StopReason = "cancelled" | "shutdown";

/**
 * Executes one import job: claim the import (attempt counted, heartbeat started), run it with
 * {@link runImport}, and on a shutdown hand it back to the queue. An import that fails on its own
 * terms (unreadable file, invalid rows) is recorded on the import and the job completes; only
 * infrastructure errors throw, so the queue retries the job. Resolves to the outcome, or undefined
 * when this job did not (or no longer) own the import.
 */
export async function executeImport(
  context: ImportExecutorContext,
  jobId: string,
  job: ImportJobData,
): Promise<ImportOutcome | undefined> {
  const { database, workerId, shutdown } = context;
  const { importId, tenantId } = job;
  const [claimed] = await withTenant(database.db, tenantId, (tx) =>
    tx
      .update(imports)
      .set({
        status: "running",
        attempt: sql`${imports.attempt} + 1`,
        startedAt: new Date(),
        heartbeatAt: new Date(),
        workerId,
        error: null,
      })
      .where(
        and(
          eq(imports.tenantId, tenantId),
          eq(imports.id, importId),
          eq(imports.jobId, jobId),
          inArray(imports.status, ["queued", "running"]),
        ),
      )
      .returning(),
  );
  // Another job owns the import now, or it finished or was cancelled: nothing to do.
  if (!claimed) return undefined;
  if (claimed.attempt > claimed.maxAttempts) {
    await failImport(
      database,
      job,
      jobId,
      `The import was started ${claimed.maxAttempts} times and its worker stopped each time, so it was given up. Nothing was imported; try again, or split the file.`,
    );
    return undefined;
  }
  const mapping = importMappingSchema.safeParse(claimed.mapping);
  // Rows already loaded by an earlier attempt need no file any more (it is removed just before the end).
  const isLoaded =
    (claimed.stage === "features" || claimed.stage === "profiling") && claimed.datasetId !== null;
  const anyPath = claimed.uploadPath ?? claimed.rejectedReportPath;
  if (!mapping.success || (!claimed.uploadPath && !isLoaded)) {
    await failImport(
      database,
      job,
      jobId,
      mapping.success
        ? "The uploaded file is no longer available; upload it again."
        : "The import's mapping is not valid; start it again.",
    );
    return undefined;
  }

  let stopReason: StopReason | undefined;
  const controller = new AbortController();
  const stop = (reason: StopReason) => {
    if (stopReason) return;
    stopReason = reason;
    controller.abort(
      new ImportStoppedError(`the import was ${reason === "cancelled" ? "cancelled" : "handed back"}`),
    );
  };
  const onShutdown = () => stop("shutdown");
  if (shutdown.aborted) onShutdown();
  shutdown.addEventListener("abort", onShutdown, { once: true });

  // The heartbeat says "this worker is alive" and reads back the status: an import cancelled
  // through the api (or taken over by a recovery sweep) stops at the next batch.
  let beating: Promise<void> | undefined;
  const beat = async () => {
    const still = await withTenant(database.db, tenantId, (tx) =>
      tx
        .update(imports)
        .set({ heartbeatAt: new Date() })
        .where(and(eq(imports.id, importId), eq(imports.jobId, jobId), eq(imports.status, "running")))
        .returning({ id: imports.id }),
    );
    if (still.length === 0) stop("cancelled");
  };
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = beat()
      .catch((error: Error) =>
        console.error(`[worker] heartbeat of import ${importId} failed: ${error.message}`),
      )
      .finally(() => {
        beating = undefined;
      });
  }, context.heartbeatMs ?? IMPORT_HEARTBEAT_MS);
  heartbeat.unref();

  try {
    return await runImport(database, {
      tenantId,
      importId,
      mapping: mapping.data,
      onInvalid: (claimed.onInvalid ?? "reject_file") as OnInvalid,
      ...(claimed.datasetName ? { datasetName: claimed.datasetName } : {}),
      // Stage and report files go beside the upload, in the import folder every worker shares.
      folder: anyPath ? dirname(anyPath) : importFolder(tenantId),
      job: {
        jobId,
        signal: controller.signal,
        ...(context.onBatch ? { onBatch: context.onBatch } : {}),
      },
    });
  } catch (error) {
    if (!(error instanceof ImportStoppedError)) throw error;
    // Shut down before the rows were loaded: back to the queue under a new job, the attempt counted.
    if (stopReason === "shutdown") await handBackAfterShutdown(database, job, jobId);
    return undefined;
  } finally {
    clearInterval(heartbeat);
    shutdown.removeEventListener("abort", onShutdown);
    await beating;
  }
}

/** Records the failure of an import this job owns (no effect if it moved on, e.g. was cancelled). */
export async function failImport(
  database: Database,
  job: ImportJobData,
  jobId: string,
  message: string,
): Promise<void> {
  await withTenant(database.db, job.tenantId, (tx) =>
    tx
      .update(imports)
      .set({ status: "failed", stage: "done", error: message, finishedAt: new Date(), heartbeatAt: null })
      .where(
        and(
          eq(imports.tenantId, job.tenantId),
          eq(imports.id, job.importId),
          eq(imports.jobId, jobId),
          inArray(imports.status, ["queued", "running"]),
        ),
      ),
  );
}

async function handBackAfterShutdown(database: Database, job: ImportJobData, jobId: string): Promise<void> {
  const newJobId = randomUUID();
  try {
    await withTenant(database.db, job.tenantId, async (tx) => {
      const handed = await tx
        .update(imports)
        .set({
          status: "queued",
          stage: "queued",
          progress: 0,
          jobId: newJobId,
          // The attempt stays counted, as for runs (run-executor.ts): an import whose worker is shut
          // down on every attempt ends failed after max_attempts instead of being handed back forever.
          heartbeatAt: null,
          workerId: null,
          queuedAt: new Date(),
        })
        .where(and(eq(imports.id, job.importId), eq(imports.jobId, jobId), eq(imports.status, "running")))
        .returning({ id: imports.id });
      if (handed.length > 0) await sendImportJobInTransaction(tx, database, job, newJobId);
    });
  } catch (error) {
    // The recovery sweep of any consumer finds the import (stale heartbeat) and requeues it.
    console.error(`[worker] could not hand import ${job.importId} back: ${(error as Error).message}`);
  }
}

/**
 * Works a queued import in this process now, without waiting for a consumer (tests and scripts in a
 * process that runs none). It takes the import over under a job of its own, so the queued job, if a
 * consumer fetches it later, no longer owns it and does nothing; if it is already running elsewhere,
 * this waits for it to end. Resolves to the outcome read back from the import.
 */
export async function workImportHere(
  database: Database,
  tenantId: string,
  importId: string,
  options: { timeoutMs?: number; dataDir?: string } = {},
): Promise<ImportOutcome> {
  const jobId = randomUUID();
  const [taken] = await withTenant(database.db, tenantId, (tx) =>
    tx
      .update(imports)
      .set({ jobId })
      .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId), eq(imports.status, "queued")))
      .returning({ id: imports.id }),
  );
  if (taken) {
    const outcome = await executeImport(
      { database, workerId: `inline:${process.pid}`, shutdown: new AbortController().signal },
      jobId,
      { importId, tenantId },
    );
    if (outcome) return outcome;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const [row] = await withTenant(database.db, tenantId, (tx) =>
      tx
        .select()
        .from(imports)
        .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId))),
    );
    if (!row) throw new Error(`import ${importId} not found`);
    if (!["queued", "running"].includes(row.status)) {
      return {
        status: row.status === "succeeded" || row.status === "rejected" ? row.status : "failed",
        imported: row.rowsImported,
        updated: row.rowsUpdated,
        rejected: row.rowsRejected,
        rejectedReportPath: row.rejectedReportPath,
        datasetId: row.datasetId,
        message: row.error,
        ms: row.finishedAt && row.startedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : 0,
      };
    }
    if (Date.now() > deadline) throw new Error(`import ${importId} did not finish in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
