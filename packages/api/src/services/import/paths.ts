import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readDbEnv } from "@strata/db";
import { readImportEnv } from "./env.js";

/**
 * Files of an import live in the import folder: the uploaded bytes until the import ran, the staged
 * rows while it runs, and the rejected-rows report for as long as the import is listed. It is
 * `STRATA_IMPORT_DIR` when set, else `<STRATA_DATA_DIR>/imports`, one folder per tenant. Imports are
 * worked by whichever process takes their job (the web server, or any apps/worker on PostgreSQL),
 * so with separate workers this folder is shared storage mounted at the same path everywhere.
 * `dataDir` (tests, the CLI) puts it under `<dataDir>/imports` instead.
 */
export function importFolder(tenantId: string, dataDir?: string): string {
  const root =
    dataDir !== undefined
      ? join(dataDir, "imports")
      : (readImportEnv().importDir ?? join(readDbEnv().STRATA_DATA_DIR, "imports"));
  const folder = join(root, tenantId);
  mkdirSync(folder, { recursive: true });
  return folder;
}

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
