import { randomUUID } from "node:crypto";
import { type Database, type Tx, withRecovery } from "@strata/db";
import { sql } from "drizzle-orm";
import { runQueuePriority } from "./fair-share.js";
import { type JobQueue, QUEUE_SCHEMA, RUN_QUEUE } from "./queue.js";
import { queryRows } from "./run-data.js";

/** A transaction that may see every tenant's runs (and nothing else across tenants): see `withRecovery`. */
function withRunRecovery<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRecovery(database.db, fn);
}

export interface RecoveryResult {
  requeued: string[];
  failed: string[];
  resent: string[];
}

/**
 * Runs are never left stuck. (1) A `running` run whose heartbeat is older than `staleAfterSeconds`
 * lost its worker (killed, machine gone): it gets a new job, or fails once its attempts are spent.
 * The old job, should the queue ever retry it, no longer owns the run and does nothing. (2) A `queued`
 * run whose job is missing (the process died between commit and send) gets its job sent again.
 * Safe to run in several processes at once: each run is updated under a row lock, SKIP LOCKED.
 */
export async function recoverRuns(
  database: Database,
  queue: JobQueue,
  options: { staleAfterSeconds: number; lostAfterSeconds?: number },
): Promise<RecoveryResult> {
  const stale = options.staleAfterSeconds;
  const outcome: RecoveryResult = { requeued: [], failed: [], resent: [] };

  const recovered = await withRunRecovery(database, async (tx) => {
    return queryRows<{
      id: string;
      tenant_id: string;
      job_id: string;
      status: string;
      old_job_id: string | null;
    }>(
      tx,
      sql`
      with stale as (
        select id, job_id as old_job_id
        from runs
        where status = 'running' and heartbeat_at < now() - make_interval(secs => ${stale})
        for update skip locked
      )
      update runs r set
        status = case when r.attempt >= r.max_attempts then 'failed'::run_status else 'queued'::run_status end,
        job_id = case when r.attempt >= r.max_attempts then r.job_id else gen_random_uuid() end,
        error = case when r.attempt >= r.max_attempts
          then 'The worker running this run stopped responding on each of its ' || r.attempt || ' attempts, so it was given up.'
          else null end,
        finished_at = case when r.attempt >= r.max_attempts then now() else null end,
        progress = case when r.attempt >= r.max_attempts then r.progress
          else '{"stage":"Waiting for a worker (the previous one stopped responding)","percent":0}'::jsonb end,
        heartbeat_at = null,
        worker_id = null,
        queued_at = case when r.attempt >= r.max_attempts then r.queued_at else now() end
      from stale
      where r.id = stale.id
      returning r.id, r.tenant_id, r.job_id, r.status, stale.old_job_id`,
    );
  });
  for (const row of recovered) {
    if (row.old_job_id) await queue.cancelRunJob(row.old_job_id).catch(() => undefined);
    if (row.status === "queued") {
      const priority = await withRunRecovery(database, (tx) =>
        runQueuePriority(tx, { id: row.id, tenantId: row.tenant_id }),
      );
      await queue.sendRun({ runId: row.id, tenantId: row.tenant_id }, row.job_id, { priority });
      outcome.requeued.push(row.id);
    } else {
      outcome.failed.push(row.id);
    }
  }

  // Queued runs whose job the queue does not hold any more (or never got).
  const lostAfter = options.lostAfterSeconds ?? 30;
  const waiting = await withRunRecovery(database, async (tx) => {
    return queryRows<{ id: string; tenant_id: string; job_id: string | null }>(
      tx,
      sql`
      select id, tenant_id, job_id from runs
      where status = 'queued' and queued_at < now() - make_interval(secs => ${lostAfter})
      order by queued_at limit 200`,
    );
  });
  if (waiting.length > 0) {
    await queue.start();
    const ids = waiting.map((r) => r.job_id).filter((id): id is string => id !== null);
    const live = new Set(
      (
        await database.query<{ id: string }>(
          `select id::text as id from ${QUEUE_SCHEMA}.job
           where name = $1 and id = any($2::uuid[]) and state in ('created', 'retry', 'active')`,
          [RUN_QUEUE, `{${ids.join(",")}}`],
        )
      ).rows.map((r) => r.id),
    );
    for (const run of waiting) {
      if (run.job_id && live.has(run.job_id)) continue;
      const jobId = randomUUID();
      const priority = await withRunRecovery(database, async (tx) => {
        const rows = await queryRows(
          tx,
          sql`
          update runs set job_id = ${jobId}, queued_at = now()
          where id = ${run.id} and status = 'queued'
            and job_id is not distinct from ${run.job_id}
          returning id`,
        );
        return rows.length > 0 ? runQueuePriority(tx, { id: run.id, tenantId: run.tenant_id }) : undefined;
      });
      if (priority === undefined) continue;
      await queue.sendRun({ runId: run.id, tenantId: run.tenant_id }, jobId, { priority });
      outcome.resent.push(run.id);
    }
  }
  return outcome;
}
