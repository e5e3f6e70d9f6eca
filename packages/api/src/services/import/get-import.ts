import type { Rejection } from "@strata/core";
import { datasets, imports, type Tx } from "@strata/db";
import { and, desc, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { listPersonalKeys, MASKED } from "../privacy/personal-columns.js";
import { rejectedReasonsPathFor } from "./paths.js";
import { ReasonTally, type RejectionReasonCount, readReasonCounts } from "./rejected-report.js";

const importColumns = {
  id: imports.id,
  kind: imports.kind,
  fileName: imports.fileName,
  fileSize: imports.fileSize,
  format: imports.format,
  status: imports.status,
  stage: imports.stage,
  progress: imports.progress,
  rowsRead: imports.rowsRead,
  rowsImported: imports.rowsImported,
  rowsUpdated: imports.rowsUpdated,
  rowsRejected: imports.rowsRejected,
  error: imports.error,
  datasetId: imports.datasetId,
  datasetName: datasets.name,
  hasRejectedReport: imports.rejectedReportPath,
  createdAt: imports.createdAt,
  startedAt: imports.startedAt,
  finishedAt: imports.finishedAt,
};

type ImportRow = Awaited<ReturnType<typeof selectImports>>[number];

function selectImports(tx: Tx, tenantId: string) {
  return tx
    .select(importColumns)
    .from(imports)
    .leftJoin(datasets, eq(datasets.id, imports.datasetId))
    .where(eq(imports.tenantId, tenantId));
}

function present(row: ImportRow) {
  return { ...row, hasRejectedReport: row.hasRejectedReport !== null };
}

/**
 * One import with its progress, counts, the first rejected rows and the rejections counted by
 * reason (over the whole file; over the sample for imports that ran before those counts were kept).
 */
export async function getImport(
  tx: Tx,
  params: {
    tenantId: string;
    id: string /** False (viewers): personal values masked. */;
    canSeePersonal?: boolean;
  },
) {
  const [row] = await tx
    .select({ ...importColumns, rejectedSample: imports.rejectedSample, mapping: imports.mapping })
    .from(imports)
    .leftJoin(datasets, eq(datasets.id, imports.datasetId))
    .where(and(eq(imports.tenantId, params.tenantId), eq(imports.id, params.id)));
  if (!row) throw new AppError("NOT_FOUND", "Import not found");
  const counted = row.hasRejectedReport
    ? await readReasonCounts(rejectedReasonsPathFor(row.hasRejectedReport))
    : undefined;
  let rejectedReasons: RejectionReasonCount[] = counted ?? countSample(row.rejectedSample);
  if (params.canSeePersonal === false) {
    // A rejected value of a personal column (a mistyped email, a date of birth) is personal too.
    const personal = await personalColumnsOf(tx, params.tenantId, row.mapping);
    const mask = <T extends { column: string }>(r: T, key: keyof T): T =>
      personal.has(r.column) ? { ...r, [key]: MASKED } : r;
    row.rejectedSample = row.rejectedSample.map((r) => mask(r, "value"));
    rejectedReasons = rejectedReasons.map((r) => mask(r, "firstValue"));
  }
  return {
    ...row,
    hasRejectedReport: row.hasRejectedReport !== null,
    rejectedReasons,
    areRejectedReasonsFromSample: counted === undefined && row.rejectedSample.length > 0,
  };
}

function countSample(sample: readonly Rejection[]): RejectionReasonCount[] {
  const tally = new ReasonTally();
  for (const r of sample) tally.add(r);
  return tally.list();
}

/** The workspace's latest imports, newest first. */
export async function listImports(tx: Tx, params: { tenantId: string; limit?: number }) {
  const rows = await selectImports(tx, params.tenantId)
    .orderBy(desc(imports.createdAt))
    .limit(params.limit ?? 20);
  return rows.map(present);
}

/** Where the rejected-rows report of an import is (for the download route and the CLI). */
export async function getRejectedReportPath(
  tx: Tx,
  params: { tenantId: string; id: string },
): Promise<string> {
  const [row] = await tx
    .select({ path: imports.rejectedReportPath, fileName: imports.fileName })
    .from(imports)
    .where(and(eq(imports.tenantId, params.tenantId), eq(imports.id, params.id)));
  if (!row) throw new AppError("NOT_FOUND", "Import not found");
  if (!row.path) throw new AppError("NOT_FOUND", "This import has no rejected rows.");
  return row.path;
}

/** The workspace's personal columns and those this import's mapping marks personal. */
export async function personalColumnsOf(tx: Tx, tenantId: string, mapping: unknown): Promise<Set<string>> {
  const personal = await listPersonalKeys(tx, tenantId);
  const attributes = (mapping as { attributes?: Array<{ source: string; isPersonal?: boolean }> } | null)
    ?.attributes;
  for (const a of attributes ?? []) if (a.isPersonal) personal.add(a.source);
  return personal;
}
