import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { readDbEnv } from "@strata/db";
import { readImportEnv } from "./env.js";

/**
 * Files of an import live in the import folder: the uploaded bytes until the import ran, the staged
 * rows while it runs, and the rejected-rows report for as long as the import is listed. It is
 * `STRATA_IMPORT_DIR` when set, else `<STRATA_DATA_DIR>/imports`, one folder per tenant. Imports are
 * worked by whichever process takes their job (the web server, or any apps/worker on PostgreSQL),
 * so with separate workers this folder is shared storage mounted at the same path everywhere.
 * `dataDir` (tests, the CLI) puts it under `<dataDir>/imports` instead. Only the server's user may read
 * it: folders 0700 (here), files 0600 ({@link PRIVATE_FILE_MODE}).
 */
export function importFolder(tenantId: string, dataDir?: string): string {
  const root =
    dataDir !== undefined
      ? join(dataDir, "imports")
      : (readImportEnv().importDir ?? join(readDbEnv().STRATA_DATA_DIR, "imports"));
  const folder = join(root, tenantId);
  // Customer data: the folders are the server user's only (0700), created so and tightened if an
  // older version made them wider; files in them are created 0600.
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  try {
    chmodSync(root, 0o700);
  } catch {
    // A mounted volume owned by someone else: its tenant folders are still closed.
  }
  return folder;
}

/** The mode of every file written in the import folder: the server user's only. */
export const PRIVATE_FILE_MODE = 0o600;

export function uploadPathFor(tenantId: string, importId: string, format: string, dataDir?: string): string {
  return join(importFolder(tenantId, dataDir), `${importId}.upload.${format}`);
}

export function stagePathFor(tenantId: string, importId: string, dataDir?: string): string {
  return join(importFolder(tenantId, dataDir), `${importId}.stage.tsv`);
}

export function rejectedReportPathFor(tenantId: string, importId: string, dataDir?: string): string {
  return join(importFolder(tenantId, dataDir), `${importId}.rejected.csv`);
}

/** Counts of the rejected rows by reason, written beside the report (see rejected-report.ts). */
export function rejectedReasonsPathFor(reportPath: string): string {
  return reportPath.replace(/\.csv$/, ".reasons.json");
}
