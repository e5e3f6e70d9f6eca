import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { DatasetKind } from "@strata/core";
import { type Database, imports, tenants, withTenant } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../errors.js";
import { type ImportMapping, importMappingSchema } from "../services/import/mapping.js";
import { previewImport } from "../services/import/preview-import.js";
import { sniffFormat } from "../services/import/read-file.js";
import { type ImportOutcome, runImport } from "../services/import/run-import.js";

export interface ImportCommandOptions {
  kind: DatasetKind;
  workspace: string;
  input: string;
  mappingPath?: string;
  acceptValid: boolean;
  datasetName?: string;
  dataDir?: string;
}

/**
 * `strata import customers|orders`: the same import as the browser's, reading the user's file in
 * place. The mapping is guessed from the header unless --mapping gives one (its fields override the
 * guess); invalid rows reject the whole file unless --accept-valid.
 */
export async function importCommand(
  database: Database,
  options: ImportCommandOptions,
): Promise<ImportOutcome> {
  const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, options.workspace));
  if (!tenant)
    throw new AppError("NOT_FOUND", `No workspace with the slug "${options.workspace}".`, "workspace");
  const path = resolve(options.input);
  const info = await stat(path).catch(() => {
    throw new AppError("NOT_FOUND", `${options.input}: no such file.`, "input");
  });
  const head = await readHead(path);
  const format = sniffFormat(head, options.input);
  const preview = await previewImport(path, { kind: options.kind, format });
  let mapping: ImportMapping = preview.mapping;
  if (options.mappingPath) {
    const text = await readFile(options.mappingPath, "utf8").catch(() => {
      throw new AppError("NOT_FOUND", `${options.mappingPath}: no such file.`, "mapping");
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new AppError(
        "BAD_REQUEST",
        `${options.mappingPath}: not valid JSON (${(error as Error).message}).`,
        "mapping",
      );
    }
    const parsed = importMappingSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError(
        "BAD_REQUEST",
        `${options.mappingPath}: ${issue.path.join(".")}: ${issue.message}`,
        "mapping",
      );
    }
    mapping = {
      ...preview.mapping,
      ...parsed.data,
      fields: { ...preview.mapping.fields, ...parsed.data.fields },
    };
  }
  const [record] = await withTenant(database.db, tenant.id, (tx) =>
    tx
      .insert(imports)
      .values({
        tenantId: tenant.id,
        kind: options.kind,
        fileName: basename(path),
        fileSize: info.size,
        format,
        uploadPath: path,
        status: "pending",
      })
      .returning({ id: imports.id }),
  );
  return runImport(database, {
    tenantId: tenant.id,
    importId: record!.id,
    mapping,
    onInvalid: options.acceptValid ? "import_valid" : "reject_file",
    ...(options.datasetName ? { datasetName: options.datasetName } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
}

async function readHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: 8191 })) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
