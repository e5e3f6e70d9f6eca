import type { DatasetKind, TextEncoding } from "@strata/core";
import { imports, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { type ImportPreview, previewImport } from "./preview-import.js";

/** Previews an uploaded (not yet imported) file again, e.g. with another encoding, delimiter or sheet. */
export async function previewUpload(
  tx: Tx,
  params: { tenantId: string; id: string; encoding?: TextEncoding; delimiter?: string; sheet?: string },
): Promise<ImportPreview & { id: string; fileName: string; kind: DatasetKind }> {
  const [row] = await tx
    .select()
    .from(imports)
    .where(and(eq(imports.tenantId, params.tenantId), eq(imports.id, params.id)));
  if (!row) throw new AppError("NOT_FOUND", "Import not found");
  if (!row.uploadPath)
    throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
  const preview = await previewImport(row.uploadPath, {
    kind: row.kind,
    format: row.format,
    ...(params.encoding ? { encoding: params.encoding } : {}),
    ...(params.delimiter ? { delimiter: params.delimiter } : {}),
    ...(params.sheet ? { sheet: params.sheet } : {}),
  });
  return { ...preview, id: row.id, fileName: row.fileName, kind: row.kind };
}
