import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { DatasetKind } from "@strata/core";
import { type Database, imports, withTenant } from "@strata/db";
import { AppError } from "../../errors.js";
import { readQuotaEnv } from "../quota/env.js";
import { assertUploadStorageRoom, uploadBytesKept, uploadStorageError } from "../quota/workspace-quotas.js";
import { readImportEnv } from "./env.js";
import { formatBytes } from "./format-bytes.js";
import { PRIVATE_FILE_MODE, uploadPathFor } from "./paths.js";
import { type ImportPreview, previewImport } from "./preview-import.js";
import { sniffFormat } from "./read-file.js";

export { formatBytes };

export interface ReceiveUploadParams {
  tenantId: string;
  userId: string | null;
  kind: DatasetKind;
  fileName: string;
  /** The request body (or a file stream), read once, chunk by chunk. */
  body: AsyncIterable<Uint8Array>;
  /** Default: STRATA_UPLOAD_LIMIT_MB (200 MB). */
  maxBytes?: number;
  dataDir?: string;
}

export interface ReceivedUpload {
  importId: string;
  fileName: string;
  fileSize: number;
  preview: ImportPreview;
}

/**
 * Streams an uploaded file to the data folder (never holding it in memory), stopping with
 * PAYLOAD_TOO_LARGE as soon as it passes the limit; then sniffs it (CSV or XLSX; empty and binary
 * files are refused), previews it and records a pending import. Nothing is recorded for a file
 * that cannot be read.
 */
export async function receiveUpload(
  database: Database,
  params: ReceiveUploadParams,
): Promise<ReceivedUpload> {
  const maxBytes = params.maxBytes ?? readImportEnv().uploadLimitBytes;
  // The workspace's storage quota: refused before a byte is written when it is already used up, and
  // the stream stops where the quota would be passed (checked again, under its lock, on recording).
  const { maxUploadStorageBytes } = readQuotaEnv();
  const kept = await withTenant(database.db, params.tenantId, (tx) => uploadBytesKept(tx, params.tenantId));
  if (kept >= maxUploadStorageBytes) throw uploadStorageError(kept, maxUploadStorageBytes);
  const roomBytes = maxUploadStorageBytes - kept;
  const importId = randomUUID();
  const path = uploadPathFor(params.tenantId, importId, "bin", params.dataDir);
  // Readable by the server's user only: the file is a company's customer data.
  const out = createWriteStream(path, { mode: PRIVATE_FILE_MODE });
  let size = 0;
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of params.body) {
      size += chunk.length;
      if (size > roomBytes && roomBytes < maxBytes) throw uploadStorageError(kept, maxUploadStorageBytes);
      if (size > maxBytes) {
        throw new AppError(
          "PAYLOAD_TOO_LARGE",
          `The file is larger than the upload limit of ${formatBytes(maxBytes)}. Split it, or ask the administrator to raise STRATA_UPLOAD_LIMIT_MB.`,
          "file",
        );
      }
      if (head.length < 8192)
        head = Buffer.concat([head, Buffer.from(chunk.subarray(0, 8192 - head.length))]);
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    const format = sniffFormat(head, params.fileName);
    const preview = await previewImport(path, { kind: params.kind, format });
    await withTenant(database.db, params.tenantId, async (tx) => {
      await assertUploadStorageRoom(tx, { tenantId: params.tenantId, bytes: size });
      await tx.insert(imports).values({
        id: importId,
        tenantId: params.tenantId,
        kind: params.kind,
        fileName: params.fileName,
        fileSize: size,
        format,
        uploadPath: path,
        status: "pending",
        createdBy: params.userId,
      });
    });
    return { importId, fileName: params.fileName, fileSize: size, preview };
  } catch (error) {
    out.destroy();
    await rm(path, { force: true });
    throw error;
  }
}
