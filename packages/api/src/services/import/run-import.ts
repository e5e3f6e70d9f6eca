import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { formatOriginalRow } from "@strata/core";
import {
  customers,
  type Database,
  datasets,
  imports,
  isConnectionLost,
  type Tx,
  withTenant,
} from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import { and, eq, type SQL, TransactionRollbackError } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { sendProfileJobInTransaction } from "../../jobs/profile-job.js";
import { type KnownOrderLines, recomputeCustomerFeatures } from "../customer/recompute-customer-features.js";
import { refreshProductClasses } from "../policy/product-classes.js";
import { type DatasetProfile, PROFILE_VERSION } from "../profile/profile-dataset.js";
import { refreshApprovedMemberships } from "../segment/segment-review.js";
import { CollectedLines } from "./collected-lines.js";
import { type DatasetKind, defaultDatasetName, fieldsFor, tableOfKind } from "./fields.js";
import { orderLineContentKey, RepeatedLineKeys } from "./line-key.js";
import { createStageTable, loadStage, StageCopy } from "./load-stage.js";
import type { ImportMapping, OnInvalid } from "./mapping.js";
import { importFolder, rejectedReasonsPathFor } from "./paths.js";
import { type RawClient, rawClientOf } from "./raw-client.js";
import { cleanHeader, readRecords } from "./read-file.js";
import { RejectedReport, writeReasonCounts } from "./rejected-report.js";
import { StageFile } from "./stage-file.js";
import { attributeColumns, createImportValidator } from "./validate-row.js";

export interface RunImportParams {
  tenantId: string;
  importId: string;
  mapping: ImportMapping;
  onInvalid: OnInvalid;
  /** Dataset to import into (created when new); default "Customers" / "Orders" / "Activities". */
  datasetName?: string;
  dataDir?: string;
  /** Where the staged rows and the rejected-rows report go; default the tenant's import folder. */
  folder?: string;
  /** Set when a queue job works the import (see jobs/import-executor.ts). */
  job?: ImportJobControl;
}

/**
 * The job that owns a running import. Every write is guarded by it (a cancelled import, or one a
 * recovery sweep gave to another job, is no longer written by this one), and `signal` stops reading
 * at the next batch. Without it (CLI, demo seed) runImport claims the import itself.
 */
export interface ImportJobControl {
  jobId: string;
  signal: AbortSignal;
  /** Called after each batch of rows is read (a test hook: slows an import down to stop it midway). */
  onBatch?: () => Promise<void>;
}

/** The import stopped before its rows were loaded: cancelled, handed back, or taken over. */
export class ImportStoppedError extends Error {
  override readonly name = "ImportStoppedError";
}

export interface ImportOutcome {
  status: "succeeded" | "rejected" | "failed";
  imported: number;
  updated: number;
  rejected: number;
  rejectedReportPath: string | null;
  datasetId: string | null;
  message: string | null;
  ms: number;
  /** Milliseconds spent in each stage (read and validate, write, features, profile). */
  timings?: Record<string, number>;
}

const PROGRESS_INTERVAL_MS = 400;

/**
 * The file is read and parsed in pieces of this size. Small enough that a batch's records die young:
 * with 1 MB pieces about 11,000 records were alive at every minor garbage collection, which copied
 * them all, and garbage collection was 40 % of the read.
 */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Runs one import end to end: reads and validates the uploaded file (streamed, outside any
 * transaction, with progress on the import record), then loads every valid row in ONE transaction
 * (all or nothing), then recomputes customer features and the dataset's profile.
 *
 * Takes the database rather than a transaction because it spans several: progress must be visible
 * while the file is read, and the data change must be one atomic step.
 */
export async function runImport(database: Database, params: RunImportParams): Promise<ImportOutcome> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  let stageStarted = started;
  const lap = (stage: string) => {
    const now = Date.now();
    timings[stage] = now - stageStarted;
    stageStarted = now;
  };
  const { tenantId, importId, mapping, onInvalid, job } = params;
  // The rows this attempt may write: the import itself, and with a job only while that job owns it.
  const owned = (): SQL =>
    job
      ? and(
          eq(imports.tenantId, tenantId),
          eq(imports.id, importId),
          eq(imports.jobId, job.jobId),
          eq(imports.status, "running"),
        )!
      : and(eq(imports.tenantId, tenantId), eq(imports.id, importId))!;
  const record = await withTenant(database.db, tenantId, async (tx) => {
    if (job) {
      const [row] = await tx.select().from(imports).where(owned());
      if (!row) throw new ImportStoppedError("the import is no longer this job's");
      // A previous attempt committed the rows and died computing what follows: go on from there.
      if (isLoaded(row)) return row;
      await tx
        .update(imports)
        .set({
          stage: "reading",
          progress: 0,
          mapping: mapping as Record<string, unknown>,
          finishedAt: null,
          error: null,
          rowsRead: 0,
          rowsImported: 0,
          rowsUpdated: 0,
          rowsRejected: 0,
          rejectedSample: [],
          rejectedReportPath: null,
        })
        .where(owned());
      return row;
    }
    const [row] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId)));
    if (!row) throw new AppError("NOT_FOUND", "Import not found");
    if (row.status === "running" || row.status === "succeeded") {
      throw new AppError(
        "CONFLICT",
        `This import has already ${row.status === "running" ? "started" : "finished"}.`,
      );
    }
    if (!row.uploadPath)
      throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
    await tx
      .update(imports)
      .set({
        status: "running",
        stage: "reading",
        progress: 0,
        mapping: mapping as Record<string, unknown>,
        startedAt: new Date(),
        finishedAt: null,
        error: null,
        rowsRead: 0,
        rowsImported: 0,
        rowsUpdated: 0,
        rowsRejected: 0,
        rejectedSample: [],
      })
      .where(and(eq(imports.tenantId, tenantId), eq(imports.id, importId)));
    return row;
  });

  const kind = record.kind as DatasetKind;
  const folder = params.folder ?? importFolder(tenantId, params.dataDir);
  const reportPath = join(folder, `${importId}.rejected.csv`);
  const stagePath = join(folder, `${importId}.stage.tsv`);
  if (job && isLoaded(record)) {
    return await finishLoaded(database, params, record, owned, folder, started);
  }
  const report = new RejectedReport(reportPath);
  // PGlite stages the rows in a file; PostgreSQL streams them to the database (see below).
  const stage = database.driver === "postgres" ? null : new StageFile(stagePath);
  let lastProgress = 0;
  const progress = async (fields: Partial<typeof imports.$inferInsert>, force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    await withTenant(database.db, tenantId, (tx) => tx.update(imports).set(fields).where(owned()));
  };
  const finish = async (
    outcome: Omit<ImportOutcome, "ms" | "rejectedReportPath">,
  ): Promise<ImportOutcome> => {
    const hasReport = report.count > 0;
    await closeReport(report, reportPath);
    await withTenant(database.db, tenantId, (tx) =>
      tx
        .update(imports)
        .set({
          status: outcome.status,
          stage: "done",
          progress: 1,
          error: outcome.message,
          rowsImported: outcome.imported,
          rowsUpdated: outcome.updated,
          rowsRejected: outcome.rejected,
          rejectedSample: report.sample,
          rejectedReportPath: hasReport ? reportPath : null,
          datasetId: outcome.datasetId,
          finishedAt: new Date(),
          heartbeatAt: null,
        })
        .where(owned()),
    );
    return {
      ...outcome,
      rejectedReportPath: hasReport ? reportPath : null,
      ms: Date.now() - started,
      timings,
    };
  };

  let header: string[] = [];
  let rowsRead = 0;
  let stagedRows = 0;
  /** The customer ids of the staged order lines. */
  const stagedCustomers = new Set<string>();
  // The first lines of a workspace get their features from here rather than from the database.
  const collected = kind === "orders" ? new CollectedLines() : undefined;
  type Unloaded = Omit<ImportOutcome, "ms" | "rejectedReportPath">;
  /** Reads, validates and stages the file; an outcome when nothing is to be loaded. */
  const readFile = async (stage: StageFile | StageCopy): Promise<Unloaded | null> => {
    if (!record.uploadPath)
      throw new AppError("BAD_REQUEST", "The uploaded file is no longer available; upload it again.");
    const { size } = await stat(record.uploadPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      // Uploaded through another process whose import folder this one does not see.
      throw new AppError(
        "BAD_REQUEST",
        `The uploaded file is not in this worker's import folder (${folder}). Web and worker processes must share it (STRATA_IMPORT_DIR), or the file was removed; upload it again.`,
      );
    });
    let validate: ReturnType<typeof createImportValidator> | undefined;
    // Events never create customers: one naming an id the workspace does not have is rejected.
    const knownCustomerIds = kind === "activities" ? await readCustomerIds(database, tenantId) : undefined;
    const source = createReadStream(record.uploadPath!, { highWaterMark: READ_CHUNK_BYTES });
    const lineKeys = new RepeatedLineKeys();
    let lastOrderedAt = Number.NaN;
    let lastOrderedAtText = "";
    const readOptions = {
      format: record.format,
      ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}),
      ...(mapping.encoding ? { encoding: mapping.encoding } : {}),
      ...(mapping.sheet ? { sheet: mapping.sheet } : {}),
    };
    for await (const batch of readRecords(source, readOptions)) {
      job?.signal.throwIfAborted();
      for (const rec of batch.records) {
        if (!validate) {
          header = cleanHeader(rec.fields);
          validate = createImportValidator(
            kind,
            header,
            mapping,
            knownCustomerIds ? { knownCustomerIds } : {},
          );
          continue;
        }
        rowsRead++;
        const result = validate(rec);
        if (!result.ok) report.add(result.rejections, formatOriginalRow(rec.fields, batch.delimiter ?? ","));
        else if (result.customer) {
          const row = result.customer;
          stage.add([row.line, row.externalId, JSON.stringify(row.typed)]);
        } else if (result.order) {
          const row = result.order;
          const key = lineKeys.keyOf(orderLineContentKey(row));
          // Lines of one order share their instant: its text is made once.
          if (row.orderedAt !== lastOrderedAt) {
            lastOrderedAt = row.orderedAt;
            lastOrderedAtText = new Date(row.orderedAt).toISOString();
          }
          stage.add([
            row.line,
            row.customerId,
            lastOrderedAtText,
            row.quantity,
            row.unitPrice,
            row.invoiceId,
            row.product,
            row.category,
            row.channel,
            row.country,
            row.region,
            row.weight,
            row.unitCost,
            row.discount,
            row.deliveryId,
            row.distance,
            key,
          ]);
          collected?.add(row, key);
          stagedCustomers.add(row.customerId);
        } else if (result.activity) {
          const row = result.activity;
          stage.add([
            row.line,
            row.customerId,
            row.activity,
            row.quantity,
            row.occurredOn === null ? null : new Date(row.occurredOn).toISOString().slice(0, 10),
          ]);
        }
      }
      await stage.flush();
      await report.flush();
      await progress({ stage: "reading", progress: 0.6 * (batch.bytesRead / Math.max(1, size)), rowsRead });
      await job?.onBatch?.();
    }
    await stage.close();
    if (!validate)
      throw new AppError("BAD_REQUEST", "The file is empty: it has no header row and no data.", "file");
    if (rowsRead === 0)
      throw new AppError("BAD_REQUEST", "The file has a header row but no data rows.", "file");

    if (report.rows > 0 && onInvalid === "reject_file") {
      return {
        status: "rejected",
        imported: 0,
        updated: 0,
        rejected: report.rows,
        datasetId: null,
        message: `${report.rows} of ${rowsRead} rows are invalid, so the whole file was rejected and nothing was imported. Fix the rows listed in the report, or import only the valid rows.`,
      };
    }
    if (stage.rows === 0) {
      return {
        status: "rejected",
        imported: 0,
        updated: 0,
        rejected: report.rows,
        datasetId: null,
        message: `None of the ${rowsRead} rows is valid, so nothing was imported.`,
      };
    }
    stagedRows = stage.rows;
    lap("read");
    return null;
  };
  /** Loads the staged rows, in the caller's transaction (`isStaged`: the staging table has them). */
  /** The report is complete and the import says "writing"; outside any transaction on PGlite. */
  const beforeLoad = async () => {
    job?.signal.throwIfAborted();
    // The report is complete: written out before the load, so that an attempt which finds the rows
    // committed (the worker died after the load) still has it.
    await closeReport(report, reportPath);
    await progress({ stage: "writing", progress: 0.6, rowsRead }, true);
  };
  const loadRows = async (tx: Tx, isStaged: boolean) => {
    const hasReport = report.count > 0;
    const datasetName = params.datasetName?.trim() || defaultDatasetName(kind);
    const columns = describeColumns(kind, header, mapping);
    const client = rawClientOf(tx);
    const [dataset] = await tx
      .insert(datasets)
      .values({ tenantId, kind, name: datasetName, columns })
      .onConflictDoUpdate({
        target: [datasets.tenantId, datasets.kind, datasets.name],
        set: { updatedAt: new Date() },
      })
      .returning({ id: datasets.id, columns: datasets.columns });
    const datasetId = dataset!.id;
    if (!isStaged) await loadStage(client, database.driver, kind, stagePath);
    // rowCount: the dataset's rows after the merge, when the merge knows it without counting them.
    let counts: { imported: number; updated: number; rowCount?: number; linesVersion?: string };
    if (kind === "customers") {
      counts = await mergeCustomers(client, tenantId, datasetId);
    } else if (kind === "activities") {
      counts = await mergeActivityEvents(client, tenantId, datasetId, importId);
    } else {
      counts = await mergeOrderLines(client, tenantId, datasetId, importId, stagedRows, [...stagedCustomers]);
    }
    const table = tableOfKind(kind);
    await client.query(
      `update datasets set row_count = coalesce($4::bigint,
             (select count(*) from ${table} where tenant_id = $1 and dataset_id = $2)),
           columns = $3::jsonb, updated_at = now() where tenant_id = $1 and id = $2`,
      [tenantId, datasetId, JSON.stringify(mergeColumns(dataset!.columns, columns)), counts.rowCount ?? null],
    );
    if (kind === "activities") await writeEventsProfile(client, tenantId, datasetId);
    // The commit point: from here on the rows are in, and stage "features" says so to a later
    // attempt. Touched last (a long load must not hold the row the heartbeat writes), and only
    // while this job owns the import: cancelled or taken over meanwhile, nothing is kept.
    const owner = await tx
      .update(imports)
      .set({
        datasetId,
        stage: "features",
        progress: 0.85,
        rowsRead,
        rowsImported: counts.imported,
        rowsUpdated: counts.updated,
        rowsRejected: report.rows,
        rejectedSample: report.sample,
        rejectedReportPath: hasReport ? reportPath : null,
        heartbeatAt: new Date(),
      })
      .where(owned())
      .returning({ id: imports.id });
    if (owner.length === 0) tx.rollback();
    return { datasetId, ...counts };
  };
  const rolledBack = (error: unknown): never => {
    // (Its name is DrizzleError: only the class tells a rollback apart.)
    if (error instanceof TransactionRollbackError)
      throw new ImportStoppedError("the import was cancelled or taken over while loading");
    throw error;
  };

  try {
    let merged: Awaited<ReturnType<typeof loadRows>>;
    if (database.driver === "postgres") {
      // The load transaction is open while the file is read: rows go to the staging table as they
      // are parsed. Progress, heartbeat and cancel use other connections of the pool.
      const done = await withTenant(database.db, tenantId, async (tx) => {
        const client = rawClientOf(tx);
        await createStageTable(client, kind);
        const copy = new StageCopy(client, kind);
        let unloaded: Unloaded | null;
        try {
          unloaded = await readFile(copy);
        } catch (error) {
          await copy.abort();
          throw error;
        }
        if (unloaded) return { unloaded, merged: null };
        await beforeLoad();
        return { unloaded: null, merged: await loadRows(tx, true) };
      }).catch(rolledBack);
      if (!done.merged) return await finish(done.unloaded!);
      merged = done.merged;
    } else {
      // PGlite has one connection: a transaction open while reading would hold up every progress
      // write, heartbeat and cancel until the end. The rows are staged to a file first.
      const unloaded = await readFile(stage!);
      if (unloaded) return await finish(unloaded);
      await beforeLoad();
      merged = await withTenant(database.db, tenantId, (tx) => loadRows(tx, false)).catch(rolledBack);
    }
    lap("write");

    const known =
      collected?.isComplete && merged.linesVersion !== undefined
        ? { lines: collected, version: merged.linesVersion }
        : undefined;
    const message = await deriveAfterLoad(database, params, kind, merged.datasetId, lap, progress, known);
    await forgetUpload(database, params, record.uploadPath!, folder, owned);
    return await finish({
      status: "succeeded",
      imported: merged.imported,
      updated: merged.updated,
      rejected: report.rows,
      datasetId: merged.datasetId,
      message,
    });
  } catch (error) {
    await stage?.close().catch(() => undefined);
    await report.close().catch(() => undefined);
    // Stopped (cancelled, shut down, taken over): the executor decides what happens to the import.
    if (error instanceof ImportStoppedError || job?.signal.aborted) {
      await rm(reportPath, { force: true }).catch(() => undefined);
      throw error instanceof ImportStoppedError ? error : new ImportStoppedError("the import was stopped");
    }
    // The connection went away (restart, failover): not the file's fault. Left running, the import is
    // retried: its rows load in one transaction, so the lost attempt wrote none or all of them.
    if (isConnectionLost(error)) throw error;
    const message = error instanceof AppError ? error.message : readableError(error);
    return await finish({
      status: "failed",
      imported: 0,
      updated: 0,
      rejected: report.rows,
      datasetId: null,
      message,
    });
  } finally {
    await rm(stagePath, { force: true }).catch(() => undefined);
  }
}

/** The rows of this import are committed (stage set by the load transaction). */
function isLoaded(row: { stage: string | null; datasetId: string | null }): boolean {
  return (row.stage === "features" || row.stage === "profiling") && row.datasetId !== null;
}

/** Closes the report and writes its reason counts beside it, or removes both when nothing was rejected. */
async function closeReport(report: RejectedReport, reportPath: string): Promise<void> {
  await report.close();
  const reasonsPath = rejectedReasonsPathFor(reportPath);
  if (report.count === 0) {
    await rm(reportPath, { force: true });
    await rm(reasonsPath, { force: true });
  } else await writeReasonCounts(reasonsPath, report.reasons());
}

/**
 * Customer features, once the rows are in, and the dataset's profile job. Only the customers this
 * import changed are recomputed: an orders import's new lines name them, a customers import changes
 * attributes only (see recomputeCustomerFeatures, which falls back to everyone when the import moved
 * something all customers share). The profile job is written in the same transaction as the
 * features, so it runs on them (correlations) and exists exactly when they commit. A failure does not
 * undo the import (derived data can be recomputed later): it becomes the import's message.
 */
async function deriveAfterLoad(
  database: Database,
  params: RunImportParams,
  kind: DatasetKind,
  datasetId: string,
  lap: (stage: string) => void,
  progress: (fields: Partial<typeof imports.$inferInsert>, force?: boolean) => Promise<void>,
  collected?: { lines: CollectedLines; version: string },
): Promise<string | null> {
  const { tenantId, importId } = params;
  // Features and the column profile read customers and order lines; events change neither (the
  // cost-to-serve reads them directly).
  if (kind === "activities") {
    lap("features");
    return null;
  }
  try {
    await withTenant(database.db, tenantId, async (tx) => {
      const knownLines = collected ? await workspaceLines(tx, tenantId, collected) : undefined;
      await recomputeCustomerFeatures(
        tx,
        kind === "customers"
          ? { tenantId, driver: database.driver, attributesOnly: true }
          : { tenantId, driver: database.driver, importId, ...(knownLines ? { knownLines } : {}) },
      );
      await sendProfileJobInTransaction(tx, database, { tenantId, datasetId });
    });
    lap("features");
    await progress({ progress: 0.95 }, true);
  } catch (error) {
    return `Imported, but the customer features could not be computed: ${(error as Error).message}`;
  }
  // The pages' queries plan with these from the first request after the import (see migration 0023).
  await database
    .query("select strata_refresh_import_statistics()")
    .catch((error: Error) =>
      console.error(`[import] ${importId}: statistics not refreshed: ${error.message}`),
    );
  lap("statistics");
  if (kind === "orders") {
    // Here, on the worker, rather than in the first request for the Policies page after the import.
    // Not the import's failure if it cannot be done: a request computes what it finds missing.
    await withTenant(database.db, tenantId, (tx) => refreshProductClasses(tx, tenantId)).catch(
      (error: Error) => console.error(`[import] ${importId}: product classes not computed: ${error.message}`),
    );
    lap("product classes");
  }
  // Approved rule segments and model-assigned ML segments follow the new data.
  const problems = await refreshApprovedMemberships(database, tenantId);
  lap("segments");
  return problems.length > 0 ? `Imported, but ${problems.join("; ")}` : null;
}

/**
 * The workspace's order lines are the ones this import read, when the version of its lines is still
 * the one its load left (no line added, changed or removed since, by anyone): then they are replayed
 * with their customers' ids instead of being read back.
 */
async function workspaceLines(
  tx: Tx,
  tenantId: string,
  collected: { lines: CollectedLines; version: string },
): Promise<KnownOrderLines | undefined> {
  const client = rawClientOf(tx);
  const version = await client.query<{ v: string }>(
    "select version::text as v from order_line_versions where tenant_id = $1",
    [tenantId],
  );
  if (version.rows[0]?.v !== collected.version) return undefined;
  const ids = await client.query<{ id: string; external_id: string }>(
    "select id, external_id from customers where tenant_id = $1",
    [tenantId],
  );
  return collected.lines.known(new Map(ids.rows.map((r) => [r.external_id, r.id])));
}

/** Uploads are kept until they are imported; a CLI import reads the user's own file, left alone. */
async function forgetUpload(
  database: Database,
  params: RunImportParams,
  uploadPath: string,
  folder: string,
  owned: () => SQL,
): Promise<void> {
  if (uploadPath.startsWith(folder)) await rm(uploadPath, { force: true }).catch(() => undefined);
  await withTenant(database.db, params.tenantId, (tx) =>
    tx.update(imports).set({ uploadPath: null }).where(owned()),
  );
}

/**
 * A later attempt of an import whose rows a dead worker already committed: the counts and the
 * report are on the row; what is left is the derived data and the final status.
 */
async function finishLoaded(
  database: Database,
  params: RunImportParams,
  record: typeof imports.$inferSelect,
  owned: () => SQL,
  folder: string,
  started: number,
): Promise<ImportOutcome> {
  const { tenantId } = params;
  const timings: Record<string, number> = {};
  let t = Date.now();
  const lap = (stage: string) => {
    timings[stage] = Date.now() - t;
    t = Date.now();
  };
  const progress = async (fields: Partial<typeof imports.$inferInsert>) => {
    await withTenant(database.db, tenantId, (tx) => tx.update(imports).set(fields).where(owned()));
  };
  await progress({ stage: "features", progress: 0.85 });
  const message = await deriveAfterLoad(
    database,
    params,
    record.kind as DatasetKind,
    record.datasetId!,
    lap,
    progress,
  );
  if (record.uploadPath) await forgetUpload(database, params, record.uploadPath, folder, owned);
  await withTenant(database.db, tenantId, (tx) =>
    tx
      .update(imports)
      .set({
        status: "succeeded",
        stage: "done",
        progress: 1,
        error: message,
        finishedAt: new Date(),
        heartbeatAt: null,
      })
      .where(owned()),
  );
  return {
    status: "succeeded",
    imported: record.rowsImported,
    updated: record.rowsUpdated,
    rejected: record.rowsRejected,
    rejectedReportPath: record.rejectedReportPath,
    datasetId: record.datasetId,
    message,
    ms: Date.now() - started,
    timings,
  };
}

function readableError(error: unknown): string {
  const e = error as { message?: string; line?: number };
  if (e && typeof e.message === "string") {
    // Core ingest errors already name the line; database errors are summarised without SQL.
    if ((error as Error).name === "CoreInputError") return `The file could not be read: ${e.message}`;
    // Drizzle's wrapper names the SQL and its parameters: the user gets neither.
    if (e.message.startsWith("Failed query:")) return "The import failed: the database refused a query.";
    return `The import failed: ${e.message}`;
  }
  return "The import failed.";
}

async function mergeCustomers(
  client: ReturnType<typeof rawClientOf>,
  tenantId: string,
  datasetId: string,
): Promise<{ imported: number; updated: number }> {
  const result = await client.query<{ imported: string | number; updated: string | number }>(
    `with up as (
       insert into customers (tenant_id, external_id, dataset_id, attributes, updated_at)
       select $1::uuid, external_id, $2::uuid, attributes, now() from import_stage
       on conflict (tenant_id, external_id) do update
         set attributes = customers.attributes || excluded.attributes,
             dataset_id = excluded.dataset_id,
             updated_at = now()
       returning (xmax = 0) as inserted
     )
     select count(*) filter (where inserted) as imported, count(*) filter (where not inserted) as updated from up`,
    [tenantId, datasetId],
  );
  const row = result.rows[0]!;
  return { imported: Number(row.imported), updated: Number(row.updated) };
}

/**
 * Order lines are keyed by a hash of their content and their occurrence number among identical lines
 * of the file (both computed as the file is read, see line-key.ts): re-importing a file inserts
 * nothing new ("updated" counts the lines already there). Set-based: one statement inserts every new
 * line.
 */
async function mergeOrderLines(
  client: ReturnType<typeof rawClientOf>,
  tenantId: string,
  datasetId: string,
  importId: string,
  stagedRows: number,
  customerIds: readonly string[],
): Promise<{ imported: number; updated: number; rowCount?: number; linesVersion?: string }> {
  // Sorts and hashes over every staged line: in memory rather than in temporary files. And hash
  // joins only: the staging table has no statistics, nor have customers and order lines right after
  // a first import (nor ever on PGlite, which has no autovacuum), and a planner taking one of them for
  // nearly empty would scan it once per row of the other (minutes instead of a second).
  await client.query("set local work_mem = '64MB'");
  await client.query("set local enable_nestloop = off");
  // The lines' customers, known since the file was read (a DISTINCT over the staged lines took a
  // second on PGlite).
  await client.query(
    `insert into customers (tenant_id, external_id)
     select $1::uuid, external_id from unnest($2::text[]) as s(external_id)
     on conflict (tenant_id, external_id) do nothing`,
    [tenantId, customerIds],
  );
  // One import at a time per dataset, so two imports of the same file cannot both add its lines.
  await client.query("select pg_advisory_xact_lock(hashtext($1))", [`strata-dataset:${datasetId}`]);
  const hasLines = await client.query(
    "select 1 from order_lines where tenant_id = $1 and dataset_id = $2 limit 1",
    [tenantId, datasetId],
  );
  const isFirstLines =
    hasLines.rows.length === 0 &&
    (await client.query("select 1 from order_lines where tenant_id = $1 limit 1", [tenantId])).rows.length ===
      0;
  // The lines' customers are locked as the foreign key check would lock them (no one can delete them
  // until this commits), once each instead of once per line: then the check itself can be skipped.
  await client.query(
    `select 1 from customers c
     where c.tenant_id = $1 and c.external_id = any($2::text[])
     for key share of c`,
    [tenantId, customerIds],
  );
  const isUnchecked = await skipRowTriggers(client);
  // Inserted in the order of the customer-time index: its pages are filled one after another
  // instead of at random, and the features read the lines back in that order. The sort of the wide
  // staged rows needs more than 64 MB to stay in memory.
  await client.query("set local work_mem = '256MB'");
  const inserted = await client.query(
    `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity,
       unit_price, product, category, channel, country, region, weight, unit_cost, discount, delivery_id, distance,
       import_id)
     select $1::uuid, $2::uuid, c.id, s.line_key, s.order_id, s.ordered_at, s.quantity, s.unit_price, s.product,
       s.category, s.channel, s.country, s.region, s.weight, s.unit_cost, s.discount, s.delivery_id, s.distance,
       $3::uuid
     from import_stage s join customers c on c.tenant_id = $1::uuid and c.external_id = s.external_id
     ${
       hasLines.rows.length > 0
         ? `where not exists (select 1 from order_lines o
              where o.tenant_id = $1::uuid and o.dataset_id = $2::uuid and o.line_key = s.line_key)`
         : ""
     }
     order by c.id, s.ordered_at`,
    [tenantId, datasetId, importId],
  );
  const imported = Number(inserted.rowCount ?? inserted.affectedRows ?? 0);
  if (isUnchecked) {
    await restoreRowTriggers(client);
    // What the statement trigger of migration 0020 does, which the insert did not fire.
    if (imported > 0)
      await client.query(
        `insert into order_line_versions as v (tenant_id, version) values ($1, 1)
         on conflict (tenant_id) do update set version = v.version + 1`,
        [tenantId],
      );
  }
  await client.query("set local work_mem = '64MB'");
  const updated = stagedRows - imported;
  // The workspace's first lines, every staged one: its features may come from the file as read.
  let linesVersion: string | undefined;
  if (isFirstLines && imported === stagedRows && imported > 0) {
    const version = await client.query<{ v: string }>(
      "select version::text as v from order_line_versions where tenant_id = $1",
      [tenantId],
    );
    linesVersion = version.rows[0]?.v;
  }
  if (hasLines.rows.length > 0) await fillCostFields(client, tenantId, datasetId);
  await client.query("set local enable_nestloop to default");
  await client.query("set local work_mem to default");
  if (hasLines.rows.length > 0) return { imported, updated };
  // A first import into the dataset: its rows are exactly the lines just inserted.
  return { imported, updated, rowCount: imported, ...(linesVersion ? { linesVersion } : {}) };
}

/**
 * Row triggers off for the next statements of the transaction (`session_replication_role` replica,
 * what pg_restore does): the foreign key of each inserted order line to its customer is then not
 * checked line by line (40 % of the insert), nor does the statement trigger of migration 0020 fire.
 * Only a superuser may (PGlite always connects as one); elsewhere this returns false and every row is
 * checked. RLS still applies: the role is the app role again before anything is written.
 */
async function skipRowTriggers(client: RawClient): Promise<boolean> {
  await client.query("savepoint strata_unchecked_insert");
  try {
    await client.query("reset role");
    await client.query("set local session_replication_role = replica");
    await client.query("release savepoint strata_unchecked_insert");
    return true;
  } catch {
    await client.query("rollback to savepoint strata_unchecked_insert");
    return false;
  } finally {
    await client.query("set local role strata_app");
  }
}

/** Triggers on again for the rest of the transaction (see skipRowTriggers). */
async function restoreRowTriggers(client: RawClient): Promise<void> {
  await client.query("reset role");
  await client.query("set local session_replication_role = origin");
  await client.query("set local role strata_app");
}

/**
 * The column profile (services/profile) reads customers and order lines only, so an events dataset
 * gets its row count as its profile here, in the load transaction: without one, the stale-profile
 * sweep would queue a profile job for it that cannot succeed.
 */
async function writeEventsProfile(
  client: ReturnType<typeof rawClientOf>,
  tenantId: string,
  datasetId: string,
): Promise<void> {
  const counted = await client.query<{ n: string | number }>(
    "select row_count as n from datasets where tenant_id = $1 and id = $2",
    [tenantId, datasetId],
  );
  const rows = Number(counted.rows[0]?.n ?? 0);
  const profile: DatasetProfile = {
    version: PROFILE_VERSION,
    rows,
    sampleSize: rows,
    columns: [],
    correlation: { features: [], matrix: [], sampleSize: 0 },
  };
  await client.query(
    "update datasets set profile = $3::jsonb, profiled_at = now() where tenant_id = $1 and id = $2",
    [tenantId, datasetId, JSON.stringify(profile)],
  );
}

/** The workspace's customer ids (external ids), to check an activity file's rows against. */
async function readCustomerIds(database: Database, tenantId: string): Promise<Set<string>> {
  const rows = await withTenant(database.db, tenantId, (tx) =>
    tx.select({ externalId: customers.externalId }).from(customers).where(eq(customers.tenantId, tenantId)),
  );
  return new Set(rows.map((r) => r.externalId));
}

/**
 * Activity events are keyed like order lines (content hash and occurrence number among identical
 * rows of the file), so importing the same events file again adds nothing. Every staged customer
 * was checked against the workspace when the file was read; one deleted since drops its events.
 */
async function mergeActivityEvents(
  client: ReturnType<typeof rawClientOf>,
  tenantId: string,
  datasetId: string,
  importId: string,
): Promise<{ imported: number; updated: number }> {
  await client.query("select pg_advisory_xact_lock(hashtext($1))", [`strata-dataset:${datasetId}`]);
  const inserted = await client.query<{ n: string | number; staged: string | number }>(
    `with keyed as (
       select s.*, md5(concat_ws('|', external_id, activity, quantity::text, occurred_on::text))::uuid as k
       from import_stage s
     ), numbered as (
       select keyed.*, case when row_number() over (partition by k order by line) = 1 then k
         else md5(k::text || ':' || row_number() over (partition by k order by line))::uuid end as event_key
       from keyed
     ), ins as (
       insert into activity_events (tenant_id, dataset_id, customer_id, event_key, activity, quantity, occurred_on,
         import_id)
       select $1::uuid, $2::uuid, c.id, s.event_key, s.activity, s.quantity, s.occurred_on, $3::uuid
       from numbered s join customers c on c.tenant_id = $1::uuid and c.external_id = s.external_id
       where not exists (select 1 from activity_events e
         where e.tenant_id = $1::uuid and e.dataset_id = $2::uuid and e.event_key = s.event_key)
       returning 1
     )
     select (select count(*) from ins) as n, (select count(*) from import_stage) as staged`,
    [tenantId, datasetId, importId],
  );
  const row = inserted.rows[0]!;
  const imported = Number(row.n);
  return { imported, updated: Number(row.staged) - imported };
}

/**
 * The cost-to-serve fields are not part of a line's key: a file imported again with unit costs,
 * discounts, deliveries or distances added fills them in on the lines already there (a value the
 * new file leaves empty keeps the stored one).
 */
async function fillCostFields(
  client: ReturnType<typeof rawClientOf>,
  tenantId: string,
  datasetId: string,
): Promise<void> {
  const any = await client.query(
    `select 1 from import_stage where unit_cost is not null or discount is not null or delivery_id is not null
       or distance is not null limit 1`,
  );
  if (any.rows.length === 0) return;
  await client.query(
    `update order_lines o set
       unit_cost = coalesce(s.unit_cost, o.unit_cost),
       discount = coalesce(s.discount, o.discount),
       delivery_id = coalesce(s.delivery_id, o.delivery_id),
       distance = coalesce(s.distance, o.distance)
     from import_stage s
     where o.tenant_id = $1::uuid and o.dataset_id = $2::uuid and o.line_key = s.line_key
       and (s.unit_cost is not null or s.discount is not null or s.delivery_id is not null or s.distance is not null)
       and (o.unit_cost is distinct from coalesce(s.unit_cost, o.unit_cost)
         or o.discount is distinct from coalesce(s.discount, o.discount)
         or o.delivery_id is distinct from coalesce(s.delivery_id, o.delivery_id)
         or o.distance is distinct from coalesce(s.distance, o.distance))`,
    [tenantId, datasetId],
  );
}

/** The dataset's column list: each mapped field and (customers) each kept attribute. */
export function describeColumns(
  kind: DatasetKind,
  header: readonly string[],
  mapping: ImportMapping,
): DatasetColumn[] {
  const columns: DatasetColumn[] = [];
  for (const field of fieldsFor(kind)) {
    const source = mapping.fields[field.name];
    if (source === undefined) continue;
    columns.push({
      source,
      field: field.name,
      type: field.type,
    });
  }
  if (kind === "customers") {
    for (const a of attributeColumns(header, mapping)) {
      columns.push({
        source: a.source,
        field: "attribute",
        key: a.source,
        type: a.type,
        ...(a.isPersonal ? { isPersonal: true } : {}),
      });
    }
  }
  return columns;
}

/** Re-imports into a dataset keep earlier attribute columns the new file does not have. */
function mergeColumns(previous: DatasetColumn[], next: DatasetColumn[]): DatasetColumn[] {
  const seen = new Set(next.map((c) => `${c.field}:${c.key ?? ""}`));
  return [...next, ...previous.filter((c) => !seen.has(`${c.field}:${c.key ?? ""}`))];
}
