import { randomUUID } from "node:crypto";
import { type Database, type Tx, withRecovery } from "@strata/db";
import { sql } from "drizzle-orm";
import { IMPORT_QUEUE, type JobQueue, QUEUE_SCHEMA } from "./queue.js";
import { queryRows } from "./run-data.js";

/** A transaction that may see every tenant's imports (and nothing else across tenants): see `withRecovery`. */
export function withImportRecovery<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRecovery(database.db, fn);
}

export interface ImportRecoveryResult {
  requeued: string[];
  failed: string[];
  resent: string[];
}

/**
 * Imports are never left stuck. (1) A `running` import whose heartbeat is older than
 * `staleAfterSeconds` lost its worker: it gets a new job (its rows are loaded in one transaction, so
 * a dead worker left none of them, or all of them and the next attempt only finishes the derived
 * data), or fails once its attempts are spent. (2) A `queued` import whose job is missing (queued
 * before the queue was installed, or the job was lost) gets one. `exceptJobs`: jobs this process is
 * working right now (on PGlite a long transaction delays their heartbeat without them being dead).
 * Safe to run in several processes at once: each import is updated under a row lock, SKIP LOCKED.
 */
export async function recoverImports(
  database: Database,
  queue: JobQueue,
  options: { staleAfterSeconds: number; lostAfterSeconds?: number; exceptJobs?: readonly string[] },
): Promise<ImportRecoveryResult> {
  const outcome: ImportRecoveryResult = { requeued: [], failed: [], resent: [] };
  const except = `{${(options.exceptJobs ?? []).join(",")}}`;
  const recovered = await withImportRecovery(database, (tx) =>
    queryRows<{ id: string; tenant_id: string; job_id: string; status: string; old_job_id: string | null }>(
      tx,
      sql`
      with stale as (
        select id, job_id as old_job_id
        from imports
        where status = 'running' and heartbeat_at < now() - make_interval(secs => ${options.staleAfterSeconds})
          and not (job_id = any(${except}::uuid[]))
        for update skip locked
      ), spent as (
        select i.id, i.attempt >= i.max_attempts as is_spent,
          i.stage in ('features', 'profiling') and i.dataset_id is not null as is_loaded
        from imports i join stale on stale.id = i.id
      )
      update imports i set
        status = case when not spent.is_spent then 'queued'::import_status
          when spent.is_loaded then 'succeeded'::import_status else 'failed'::import_status end,
        job_id = case when spent.is_spent then i.job_id else gen_random_uuid() end,
        stage = case when spent.is_spent then 'done' when spent.is_loaded then i.stage else 'queued' end,
        error = case when not spent.is_spent then null
          when spent.is_loaded then 'Imported, but the worker stopped responding while computing features and profiles on each of its ' || i.attempt || ' attempts. Import again to compute them.'
          else 'The worker importing this file stopped responding on each of its ' || i.attempt || ' attempts, so the import was given up. Nothing was imported; try again, or split the file.' end,
        finished_at = case when spent.is_spent then now() else null end,
        heartbeat_at = null,
        worker_id = null,
        queued_at = case when spent.is_spent then i.queued_at else now() end
      from stale join spent on spent.id = stale.id
      where i.id = stale.id
      returning i.id, i.tenant_id, i.job_id, i.status::text as status, stale.old_job_id`,
    ),
  );
  for (const row of recovered) {
    if (row.old_job_id) await queue.cancelImportJob(row.old_job_id).catch(() => undefined);
    if (row.status === "queued") {
      await queue.sendImport({ importId: row.id, tenantId: row.tenant_id }, row.job_id);
      outcome.requeued.push(row.id);
    } else outcome.failed.push(row.id);
  }

  // Queued imports without a live job. Jobs are written in the transaction that queues the import,
  // so a queued import with no job is no race: its job was never written or was lost.
  const lostAfter = options.lostAfterSeconds ?? 2;
  const waiting = await withImportRecovery(database, (tx) =>
    queryRows<{ id: string; tenant_id: string; job_id: string | null }>(
      tx,
      sql`
      select id, tenant_id, job_id from imports
      where status = 'queued' and coalesce(queued_at, created_at) < now() - make_interval(secs => ${lostAfter})
      order by queued_at limit 200`,
    ),
  );
  if (waiting.length === 0) return outcome;
  await queue.start();
  const ids = waiting.map((r) => r.job_id).filter((id): id is string => id !== null);
  const live = new Set(
    (
      await database.query<{ id: string }>(
        `select id::text as id from ${QUEUE_SCHEMA}.job
         where name = $1 and id = any($2::uuid[]) and state in ('created', 'retry', 'active')`,
        [IMPORT_QUEUE, `{${ids.join(",")}}`],
      )
    ).rows.map((r) => r.id),
  );
  for (const row of waiting) {
    if (row.job_id && live.has(row.job_id)) continue;
    const jobId = randomUUID();
    const claimed = await withImportRecovery(database, async (tx) => {
      const rows = await queryRows(
        tx,
        sql`
        update imports set job_id = ${jobId}, queued_at = now()
        where id = ${row.id} and status = 'queued' and job_id is not distinct from ${row.job_id}
        returning id`,
      );
      return rows.length > 0;
    });
    if (!claimed) continue;
    await queue.sendImport({ importId: row.id, tenantId: row.tenant_id }, jobId);
    outcome.resent.push(row.id);
  }
  return outcome;
}
