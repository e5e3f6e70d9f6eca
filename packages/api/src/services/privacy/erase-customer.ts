import { createReadStream } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { parseCsv } from "@strata/core";
import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { csvHeaderLine, toCsv } from "../../csv.js";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { PRIVATE_FILE_MODE, rejectedReasonsPathFor } from "../import/paths.js";
import { type FileFormat, readRecords } from "../import/read-file.js";
import { type RejectionReasonCount, readReasonCounts, writeReasonCounts } from "../import/rejected-report.js";
import { clearScenarioBases } from "../policy/scenario-base.js";
import { refreshSizes } from "../segment/segment-versions.js";

export interface EraseCustomerParams {
  tenantId: string;
  userId: string;
  id: string;
}

/** How many rows and file lines an erasure removed, by place (no personal value in it). */
export interface ErasureCounts {
  orderLines: number;
  activityEvents: number;
  features: number;
  memberships: number;
  runAssignments: number;
  costToServeRows: number;
  runMapPoints: number;
  rejectedRowLines: number;
  rejectedSamples: number;
  /** Uploaded files kept for an import not run (yet, or again) that held the customer: deleted. */
  uploadsDeleted: number;
}

async function countOf(tx: Tx, table: string, tenantId: string, customerId: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    tx,
    sql`select count(*)::int as n from ${sql.identifier(table)}
        where tenant_id = ${tenantId} and customer_id = ${customerId}`,
  );
  return Number(row?.n ?? 0);
}

/**
 * The right to be forgotten: removes everything held on one customer. The customer row goes, and
 * with it (foreign keys cascade) their order lines, activity events, features, memberships, run
 * assignments and cost-to-serve rows; their points leave every run's PCA and t-SNE maps (jsonb); the
 * lines of rejected-rows reports (files in the data folder) and the import records' samples that hold
 * their id are rewritten without them; segment sizes are recounted. One audit event records the
 * erasure by the customer's row id and counts only: no external id, attribute or order.
 */
export async function eraseCustomer(tx: Tx, params: EraseCustomerParams) {
  const { tenantId, id } = params;
  // The erased customer's figures leave the scenario cache with it.
  clearScenarioBases(tenantId);
  const [customer] = await queryRows<{ id: string; external_id: string }>(
    tx,
    sql`select id, external_id from customers where tenant_id = ${tenantId} and id = ${id} for update`,
  );
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found");
  const externalId = customer.external_id;

  const counts: ErasureCounts = {
    orderLines: await countOf(tx, "order_lines", tenantId, id),
    activityEvents: await countOf(tx, "activity_events", tenantId, id),
    features: await countOf(tx, "customer_features", tenantId, id),
    memberships: await countOf(tx, "segment_memberships", tenantId, id),
    runAssignments: await countOf(tx, "run_assignments", tenantId, id),
    costToServeRows: await countOf(tx, "cost_to_serve_customers", tenantId, id),
    runMapPoints: 0,
    rejectedRowLines: 0,
    rejectedSamples: 0,
    uploadsDeleted: 0,
  };
  const sets = await queryRows<{ segment_set_id: string }>(
    tx,
    sql`select distinct segment_set_id from segment_memberships where tenant_id = ${tenantId} and customer_id = ${id}`,
  );

  // Map points name the customer by row id; a run keeps the rest of its map.
  const point = sql`jsonb_build_array(jsonb_build_object('customerId', ${id}::text))`;
  const without = (path: ReturnType<typeof sql>) =>
    sql`coalesce((select jsonb_agg(p) from jsonb_array_elements(${path}) p where p ->> 'customerId' <> ${id}::text), '[]'::jsonb)`;
  const mapped = await queryRows<{ points: number | string }>(
    tx,
    sql`with touched as (
          select r.id,
                 (select count(*) from jsonb_array_elements(coalesce(r.result -> 'map' -> 'points', '[]')) p
                   where p ->> 'customerId' = ${id}::text)
               + (select count(*) from jsonb_array_elements(coalesce(r.result -> 'tsne', '[]')) p
                   where p ->> 'customerId' = ${id}::text) as points
          from runs r
          where r.tenant_id = ${tenantId} and r.result is not null
            and (coalesce(r.result -> 'map' -> 'points', '[]') @> ${point}
                 or coalesce(r.result -> 'tsne', '[]') @> ${point}))
        update runs r set result = case when jsonb_typeof(r.result -> 'map' -> 'points') = 'array'
            then jsonb_set(r.result, '{map,points}', ${without(sql`r.result -> 'map' -> 'points'`)})
            else r.result end
          || case when jsonb_typeof(r.result -> 'tsne') = 'array'
            then jsonb_build_object('tsne', ${without(sql`r.result -> 'tsne'`)}) else '{}'::jsonb end
        from touched t where r.id = t.id
        returning t.points`,
  );
  counts.runMapPoints = mapped.reduce((n, r) => n + Number(r.points), 0);

  await tx.execute(sql`delete from customers where tenant_id = ${tenantId} and id = ${id}`);
  for (const set of sets) await refreshSizes(tx, { id: set.segment_set_id, tenantId });

  // Rejected rows are never customers, but a rejected line of a file can still carry their id.
  const reports = await queryRows<{
    id: string;
    rejected_report_path: string | null;
    rejected_sample: Array<{ line: number; column: string; value: string; reason: string }>;
  }>(
    tx,
    sql`select id, rejected_report_path, rejected_sample from imports
        where tenant_id = ${tenantId} and (rejected_report_path is not null or rejected_sample <> '[]'::jsonb)`,
  );
  for (const report of reports) {
    const lines = report.rejected_report_path
      ? await scrubRejectedReport(report.rejected_report_path, externalId)
      : new Set<number>();
    counts.rejectedRowLines += lines.size;
    const sample = report.rejected_sample ?? [];
    const kept = sample.filter((r) => !lines.has(r.line) && r.value !== externalId);
    if (kept.length !== sample.length) {
      counts.rejectedSamples += sample.length - kept.length;
      await tx.execute(
        sql`update imports set rejected_sample = ${JSON.stringify(kept)}::jsonb where id = ${report.id}`,
      );
    }
  }

  // Uploads waiting to be imported (or kept after a failed import so it can be started again) are the
  // user's raw files: one that holds the customer is deleted rather than rewritten, and its import
  // says why, so the file can be uploaded again without them.
  const uploads = await queryRows<{ id: string; upload_path: string; format: FileFormat; mapping: unknown }>(
    tx,
    sql`select id, upload_path, format, mapping from imports
        where tenant_id = ${tenantId} and upload_path is not null and status in ('pending', 'failed', 'rejected')`,
  );
  for (const upload of uploads) {
    if (!(await fileHolds(upload.upload_path, upload.format, externalId))) continue;
    await rm(upload.upload_path, { force: true });
    counts.uploadsDeleted++;
    await tx.execute(
      sql`update imports set upload_path = null,
            status = case when status = 'pending' then 'failed'::import_status else status end,
            stage = case when status = 'pending' then 'done' else stage end,
            error = case when status = 'pending'
              then 'The file was deleted because a customer in it was erased. Upload it again without them.'
              else error end,
            finished_at = coalesce(finished_at, now())
          where id = ${upload.id}`,
    );
  }

  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: params.userId,
    action: "customer.erased",
    targetType: "customer",
    targetId: id,
    details: { ...counts },
  });
  return { id, erased: true as const, counts };
}

/**
 * Rewrites a rejected-rows report (`line,column,value,reason,original_row`) without the rows that
 * hold `externalId` as a value or as a field of the original row; answers the file lines removed.
 */
async function scrubRejectedReport(path: string, externalId: string): Promise<Set<number>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return new Set();
  }
  const { header, records } = parseCsv(text);
  const removed = new Set<number>();
  const gone: Array<{ column: string; reason: string }> = [];
  const kept: string[][] = [];
  for (const record of records) {
    const [line, column = "", value, reason = "", original] = record.fields;
    if (value === externalId || (original !== undefined && holdsField(original, externalId))) {
      removed.add(Number(line));
      gone.push({ column, reason: reason.replace(/ \(also on line \d+\)$/, "") });
    } else kept.push(record.fields);
  }
  if (removed.size > 0) {
    await writeFile(path, csvHeaderLine(header) + toCsv(kept), { encoding: "utf8", mode: PRIVATE_FILE_MODE });
    await scrubReasonCounts(rejectedReasonsPathFor(path), externalId, removed, gone);
  }
  return removed;
}

/** The counts by reason beside a report, without the removed rejections and never with their value as example. */
async function scrubReasonCounts(
  path: string,
  externalId: string,
  lines: ReadonlySet<number>,
  gone: ReadonlyArray<{ column: string; reason: string }>,
): Promise<void> {
  const reasons = await readReasonCounts(path);
  if (!reasons) return;
  const next: RejectionReasonCount[] = [];
  for (const r of reasons) {
    const count = r.count - gone.filter((g) => g.column === r.column && g.reason === r.reason).length;
    if (count <= 0) continue;
    const isTheirs = r.firstValue === externalId || lines.has(r.firstLine);
    next.push({ ...r, count, ...(isTheirs ? { firstValue: "" } : {}) });
  }
  await writeReasonCounts(path, next);
}

/** True when a field of the uploaded file (any row, any column) is `value`. */
async function fileHolds(path: string, format: FileFormat, value: string): Promise<boolean> {
  try {
    for await (const batch of readRecords(createReadStream(path), { format })) {
      if (batch.records.some((r) => r.fields.some((f) => f.trim() === value))) return true;
    }
    return false;
  } catch {
    // An unreadable upload cannot be imported either; deleting it loses nothing the user can use.
    return true;
  }
}

/** True when one of the row's fields (split on any usual delimiter, quotes off) is `value`. */
function holdsField(row: string, value: string): boolean {
  if (!row.includes(value)) return false;
  return row.split(/[,;\t|]/).some((f) => f.trim().replace(/^"|"$/g, "") === value);
}
