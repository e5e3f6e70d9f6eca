import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { queryRows } from "./run-data.js";

/**
 * Fair share of the shared run queue between workspaces. pg-boss hands out jobs by priority, then
 * by age; a workspace's k-th outstanding run (counting its runs queued or running ahead of it) is
 * sent with priority -k. So every workspace's first run comes before anyone's second, its second
 * before anyone's third: ten runs queued by one workspace do not make another's single run wait
 * behind all ten, and a workspace arriving later is served in the next round, not after the backlog.
 * (pg-boss 10 has no per-group concurrency; this and the running cap at claim time stand in for it.)
 */
export async function runQueuePriority(tx: Tx, run: { id: string; tenantId: string }): Promise<number> {
  const [row] = await queryRows<{ ahead: number | string }>(
    tx,
    sql`
    select count(*)::int as ahead
    from runs r, runs me
    where me.id = ${run.id} and r.tenant_id = ${run.tenantId} and me.tenant_id = r.tenant_id
      and r.status in ('queued', 'running') and r.id <> me.id
      and (r.status = 'running' or (r.queued_at, r.id) < (me.queued_at, me.id))`,
  );
  return -Number(row?.ahead ?? 0);
}

/** Runs of a workspace being worked right now (other than `exceptRunId`). */
export async function countRunningRuns(tx: Tx, tenantId: string, exceptRunId: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    tx,
    sql`select count(*)::int as n from runs
        where tenant_id = ${tenantId} and status = 'running' and id <> ${exceptRunId}`,
  );
  return Number(row?.n ?? 0);
}
