import { randomUUID } from "node:crypto";
import { type Database, type Tx, withRecovery } from "@strata/db";
import { sql } from "drizzle-orm";
import { COST_TO_SERVE_QUEUE, type JobQueue, QUEUE_SCHEMA } from "./queue.js";
import { queryRows } from "./run-data.js";

/** A transaction that may see every tenant's cost-to-serve runs (and nothing else across tenants): see `withRecovery`. */
function withCostToServeRecovery<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRecovery(database.db, fn);
}

export interface CostToServeRecoveryResult {
  requeued: string[];
  failed: string[];
  resent: string[];
}

/**
 * Cost-to-serve runs are never left stuck, as imports (import-recovery.ts): a `running` run whose
 * heartbeat is older than `staleAfterSeconds` lost its worker and gets a new job (its result is
 * written in one transaction, so a dead worker left nothing), or fails once its attempts are spent;
 * a `queued` run without a live job gets one. `exceptJobs`: jobs this process is working right now.
 */
export async function recoverCostToServeRuns(
  database: Database,
  queue: JobQueue,
  options: { staleAfterSeconds: number; lostAfterSeconds?: number; exceptJobs?: readonly string[] },
): Promise<CostToServeRecoveryResult> {
  const outcome: CostToServeRecoveryResult = { requeued: [], failed: [], resent: [] };
  const except = `{${(options.exceptJobs ?? []).join(",")}}`;
  const recovered = await withCostToServeRecovery(database, (tx) =>
    queryRows<{ id: string; tenant_id: string; job_id: string; status: string }>(
      tx,
      sql`
      with stale as (
        select id from cost_to_serve_runs
        where status = 'running' and heartbeat_at < now() - make_interval(secs => ${options.staleAfterSeconds})
          and not (job_id = any(${except}::uuid[]))
        for update skip locked
      )
      update cost_to_serve_runs r set
        status = case when r.attempt >= r.max_attempts then 'failed'::cost_to_serve_run_status
          else 'queued'::cost_to_serve_run_status end,
        job_id = case when r.attempt >= r.max_attempts then r.job_id else gen_random_uuid() end,
        error = case when r.attempt >= r.max_attempts
          then 'The worker computing cost-to-serve stopped responding on each of its ' || r.attempt || ' attempts, so the computation was given up. Try again.'
          else null end,
        finished_at = case when r.attempt >= r.max_attempts then now() else null end,
        progress = case when r.attempt >= r.max_attempts then r.progress
          else '{"stage":"Queued","percent":0}'::jsonb end,
        heartbeat_at = null,
        queued_at = case when r.attempt >= r.max_attempts then r.queued_at else now() end
      from stale where r.id = stale.id
      returning r.id, r.tenant_id, r.job_id, r.status::text as status`,
    ),
  );
  for (const row of recovered) {
    if (row.status === "queued") {
      await queue.sendCostToServe({ runId: row.id, tenantId: row.tenant_id }, row.job_id);
      outcome.requeued.push(row.id);
    } else outcome.failed.push(row.id);
  }

  const lostAfter = options.lostAfterSeconds ?? 2;
  const waiting = await withCostToServeRecovery(database, (tx) =>
    queryRows<{ id: string; tenant_id: string; job_id: string | null }>(
      tx,
      sql`
      select id, tenant_id, job_id from cost_to_serve_runs
      where status = 'queued' and queued_at < now() - make_interval(secs => ${lostAfter})
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
        [COST_TO_SERVE_QUEUE, `{${ids.join(",")}}`],
      )
    ).rows.map((r) => r.id),
  );
  for (const row of waiting) {
    if (row.job_id && live.has(row.job_id)) continue;
    const jobId = randomUUID();
    const claimed = await withCostToServeRecovery(database, async (tx) => {
      const rows = await queryRows(
        tx,
        sql`
        update cost_to_serve_runs set job_id = ${jobId}, queued_at = now()
        where id = ${row.id} and status = 'queued' and job_id is not distinct from ${row.job_id}
        returning id`,
      );
      return rows.length > 0;
    });
    if (!claimed) continue;
    await queue.sendCostToServe({ runId: row.id, tenantId: row.tenant_id }, jobId);
    outcome.resent.push(row.id);
  }
  return outcome;
}
