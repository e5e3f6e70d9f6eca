import { type Database, imports, withTenant } from "@strata/db";
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
 * Queues an uploaded import with the mapping the user confirmed and runs it in this process (the one
 * that holds the uploaded file and, in embedded mode, the database). The import record carries the
 * progress; `waitForImport` lets tests and the CLI follow it to the end.
 */
export async function startImport(
  database: Database,
  params: StartImportParams,
): Promise<{ id: string; status: "queued" }> {
  const { tenantId, importId } = params;
  const updated = await withTenant(database.db, tenantId, (tx) =>
    tx
      .update(imports)
      .set({ status: "queued", stage: "queued", progress: 0, error: null })
      .where(
        and(
          eq(imports.tenantId, tenantId),
          eq(imports.id, importId),
          inArray(imports.status, ["pending", "rejected", "failed"]),
        ),
      )
      .returning({ id: imports.id, uploadPath: imports.uploadPath }),
  );
  if (updated.length === 0) {
    throw new AppError(
      "CONFLICT",
      "This import is already running or finished; upload the file again to re-import it.",
    );
  }
  if (!updated[0]!.uploadPath)
    throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
  const run = runImport(database, params)
    .catch((error: unknown): ImportOutcome => {
      console.error("[import]", importId, (error as Error).message);
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
    .finally(() => running.delete(importId));
  running.set(importId, run);
  return { id: importId, status: "queued" };
}

/** Resolves when the import started in this process has finished (immediately if none is running). */
export async function waitForImport(importId: string): Promise<ImportOutcome | undefined> {
  return running.get(importId);
}

/** Imports still running in this process (for a graceful shutdown). */
export function runningImports(): Promise<ImportOutcome>[] {
  return [...running.values()];
}
