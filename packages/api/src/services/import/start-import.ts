import { type Database, imports, type Tx, withTenant } from "@strata/db";
import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "../../errors.js";
import type { ImportMapping, OnInvalid } from "./mapping.js";
import { type ImportOutcome, runImport } from "./run-import.js";

export interface StartImportParams {
  tenantId: string;
  importId: string;
  mapping: ImportMapping;
  onInvalid: OnInvalid;
  datasetName?: string;
  dataDir?: string;
}

const shared = globalThis as { __strataImports?: Map<string, Promise<ImportOutcome>> };
if (!shared.__strataImports) shared.__strataImports = new Map();
const running = shared.__strataImports;

/**
 * Marks an uploaded import as queued with the mapping the user confirmed, inside the caller's
 * transaction. Only a pending import, or one that was rejected or failed (to try again with another
 * mapping or the valid rows only), can be started.
 */
export async function queueImport(
  tx: Tx,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const { tenantId, importId } = params;
  const updated = await tx
    .update(imports)
    .set({
      status: "queued",
      stage: "queued",
      progress: 0,
      error: null,
      mapping: params.mapping as Record<string, unknown>,
    })
    .where(
      and(
        eq(imports.tenantId, tenantId),
        eq(imports.id, importId),
        inArray(imports.status, ["pending", "rejected", "failed"]),
      ),
    )
    .returning({ id: imports.id, uploadPath: imports.uploadPath });
  if (updated.length === 0) {
    const [existing] = await tx
      .select({ status: imports.status })
      .from(imports)
      .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId)));
    if (!existing) throw new AppError("NOT_FOUND", "Import not found");
    throw new AppError(
      "CONFLICT",
      "This import is already running or finished; upload the file again to re-import it.",
    );
  }
  if (!updated[0]!.uploadPath) {
    throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
  }
  return { id: importId, status: "queued" };
}

/**
 * Runs a queued import in this process (the one holding the uploaded file and, in embedded mode, the
 * database) once the transaction that queued it has committed: called from a request whose tenant
 * transaction is still open, it must not wait on it (on PGlite any other query waits for it to end).
 */
export function dispatchImport(database: Database, params: StartImportParams): Promise<ImportOutcome> {
  const run = (async (): Promise<ImportOutcome> => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const [row] = await withTenant(database.db, params.tenantId, (tx) =>
        tx
          .select({ status: imports.status })
          .from(imports)
          .where(and(eq(imports.tenantId, params.tenantId), eq(imports.id, params.importId))),
      );
      if (row?.status === "queued") return runImport(database, params);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the import was never queued (its request was rolled back)");
  })()
    .catch((error: unknown): ImportOutcome => {
      console.error("[import]", params.importId, (error as Error).message);
      return {
        status: "failed",
        imported: 0,
        updated: 0,
        rejected: 0,
        rejectedReportPath: null,
        datasetId: null,
        message: (error as Error).message,
        ms: 0,
      };
    })
    .finally(() => running.delete(params.importId));
  running.set(params.importId, run);
  return run;
}

/** Queues and runs an import outside any request (CLI, seed, tests). */
export async function startImport(
  database: Database,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const queued = await withTenant(database.db, params.tenantId, (tx) => queueImport(tx, params));
  void dispatchImport(database, params);
  return queued;
}

/** Resolves when the import started in this process has finished (undefined if none is running). */
export async function waitForImport(importId: string): Promise<ImportOutcome | undefined> {
  return running.get(importId);
}

/** Imports still running in this process (for a graceful shutdown). */
export function runningImports(): Promise<ImportOutcome>[] {
  return [...running.values()];
}
