import { randomUUID } from "node:crypto";
import { type Database, imports, type Tx, withTenant } from "@strata/db";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { workImportHere } from "../../jobs/import-executor.js";
import { sendImportJobInTransaction } from "../../jobs/import-job.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { readQuotaEnv } from "../quota/env.js";
import { assertImportRoom } from "../quota/workspace-quotas.js";
import type { ImportMapping, OnInvalid } from "./mapping.js";
import type { ImportOutcome } from "./run-import.js";

export interface StartImportParams {
  tenantId: string;
  importId: string;
  mapping: ImportMapping;
  onInvalid: OnInvalid;
  datasetName?: string;
  dataDir?: string;
  /** Who started it, for the audit trail (none for scripts). */
  userId?: string | null;
}

/** Attempts an import gets each time it is started (on top of those it already used). */
export const IMPORT_ATTEMPTS_PER_START = 3;

/**
 * Marks an uploaded import as queued with the mapping the user confirmed and writes its queue job,
 * both inside the caller's transaction: the job exists exactly when the queued import commits, and
 * disappears with it on a rollback, so there is nothing to poll for and nothing to lose in between.
 * Any process consuming imports (the web server, apps/worker) then takes it. Only a pending import,
 * or one that was rejected, failed or cancelled (to try again), can be started, and only while the
 * workspace has fewer than STRATA_MAX_IMPORTS_IN_FLIGHT imports queued or running. Starting again
 * keeps the attempt count (every start the import ever had) and adds IMPORT_ATTEMPTS_PER_START to
 * it, up to STRATA_MAX_JOB_ATTEMPTS in all.
 */
export async function queueImport(
  tx: Tx,
  database: Database,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const { tenantId, importId } = params;
  const { maxJobAttempts } = readQuotaEnv();
  await assertImportRoom(tx, { tenantId, importId });
  const jobId = randomUUID();
  const updated = await tx
    .update(imports)
    .set({
      status: "queued",
      stage: "queued",
      progress: 0,
      error: null,
      mapping: params.mapping as Record<string, unknown>,
      onInvalid: params.onInvalid,
      datasetName: params.datasetName ?? null,
      jobId,
      maxAttempts: sql`least(${imports.attempt} + ${IMPORT_ATTEMPTS_PER_START}, ${maxJobAttempts})`,
      workerId: null,
      heartbeatAt: null,
      queuedAt: new Date(),
      finishedAt: null,
    })
    .where(
      and(
        eq(imports.tenantId, tenantId),
        eq(imports.id, importId),
        inArray(imports.status, ["pending", "rejected", "failed"]),
        lt(imports.attempt, maxJobAttempts),
      ),
    )
    .returning({
      id: imports.id,
      uploadPath: imports.uploadPath,
      kind: imports.kind,
      fileName: imports.fileName,
    });
  if (updated.length === 0) {
    const [existing] = await tx
      .select({ status: imports.status, attempt: imports.attempt })
      .from(imports)
      .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId)));
    if (!existing) throw new AppError("NOT_FOUND", "Import not found");
    if (existing.status !== "queued" && existing.status !== "running" && existing.attempt >= maxJobAttempts) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `This import has been started ${existing.attempt} times, the most one import may be (${maxJobAttempts}). Upload the file again (split it if it keeps failing).`,
      );
    }
    throw new AppError(
      "CONFLICT",
      "This import is already running or finished; upload the file again to re-import it.",
    );
  }
  if (!updated[0]!.uploadPath) {
    throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
  }
  await sendImportJobInTransaction(tx, database, { importId, tenantId }, jobId);
  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: params.userId ?? null,
    action: "import.started",
    targetType: "import",
    targetId: importId,
    details: {
      kind: updated[0]!.kind,
      fileName: updated[0]!.fileName,
      onInvalid: params.onInvalid,
      datasetName: params.datasetName ?? null,
    },
  });
  return { id: importId, status: "queued" };
}

const shared = globalThis as {
  __strataImportsHere?: Map<
    string,
    { database: Database; tenantId: string; outcome?: Promise<ImportOutcome> }
  >;
};
shared.__strataImportsHere ??= new Map();
/** Imports queued by this process, so that {@link waitForImport} can find their database (bounded). */
const queuedHere = shared.__strataImportsHere;
const QUEUED_HERE_LIMIT = 500;

function remember(importId: string, entry: { database: Database; tenantId: string }) {
  queuedHere.delete(importId);
  queuedHere.set(importId, entry);
  while (queuedHere.size > QUEUED_HERE_LIMIT) queuedHere.delete(queuedHere.keys().next().value!);
}

/** The import procedure's work: queue the import (and its job) in the request's transaction. */
export async function queueImportFromRequest(
  tx: Tx,
  database: Database,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const queued = await queueImport(tx, database, params);
  remember(params.importId, { database, tenantId: params.tenantId });
  return queued;
}

/**
 * Queues an import outside any request (tests, scripts) and works it in this process at once, as a
 * consumer would (heartbeat, cancellation, recovery if this process dies). {@link waitForImport}
 * resolves to its outcome.
 */
export async function startImport(
  database: Database,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const queued = await withTenant(database.db, params.tenantId, (tx) => queueImport(tx, database, params));
  const entry = {
    database,
    tenantId: params.tenantId,
    outcome: workImportHere(database, params.tenantId, params.importId, {
      ...(params.dataDir ? { dataDir: params.dataDir } : {}),
    }),
  };
  remember(params.importId, entry);
  return queued;
}

/**
 * Resolves when an import queued by this process has finished (undefined if this process did not
 * queue it). If no consumer has taken it yet, it is worked here and now (tests, scripts: a process
 * without an import consumer); otherwise this waits for whoever holds it.
 */
export async function waitForImport(
  importId: string,
  options: { timeoutMs?: number } = {},
): Promise<ImportOutcome | undefined> {
  const entry = queuedHere.get(importId);
  if (!entry) return undefined;
  entry.outcome ??= workImportHere(entry.database, entry.tenantId, importId, {
    timeoutMs: options.timeoutMs ?? 600_000,
  });
  try {
    return await entry.outcome;
  } finally {
    queuedHere.delete(importId);
  }
}

/** Imports being worked inline by this process (see {@link startImport}). */
export function runningImports(): Promise<ImportOutcome>[] {
  return [...queuedHere.values()].flatMap((e) => (e.outcome ? [e.outcome] : []));
}
