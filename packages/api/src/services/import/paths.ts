import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readDbEnv } from "@strata/db";

/**
 * Files of an import live in the data folder: the uploaded bytes until the import ran, the staged rows
 * while it runs, and the rejected-rows report for as long as the import is listed.
 */
export function importFolder(tenantId: string, dataDir = readDbEnv().STRATA_DATA_DIR): string {
  const folder = join(dataDir, "imports", tenantId);
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
