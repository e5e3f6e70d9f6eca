import { type Database, runs, withTenant } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { runQueuePriority } from "./fair-share.js";
import { getJobQueue } from "./queue.js";

/**
 * Sends a run's job once the transaction that queued the run has committed. Called from a request
 * whose tenant transaction is still open, so it must not wait on it: on PGlite (one connection) any
 * query outside that transaction blocks until it ends, and on PostgreSQL the worker would not see
 * the uncommitted run yet. So it waits in the background for the run to become visible, then sends.
 * If this process dies first, the consumer's recovery sweep finds the queued run without a job.
 * The job's priority is the workspace's fair share of the queue (fair-share.ts).
 */
export function dispatchRunJob(
  database: Database,
  run: { id: string; tenantId: string; jobId: string | null },
): void {
  const jobId = run.jobId;
  if (!jobId) return;
  void (async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const priority = await withTenant(database.db, run.tenantId, async (tx) => {
        const visible = await tx
          .select({ id: runs.id })
          .from(runs)
          .where(and(eq(runs.id, run.id), eq(runs.jobId, jobId)));
        return visible.length > 0 ? runQueuePriority(tx, run) : undefined;
      });
      if (priority !== undefined) {
        await getJobQueue(database).sendRun({ runId: run.id, tenantId: run.tenantId }, jobId, { priority });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Rolled back (or replaced by a retry): nothing to send.
  })().catch((error: Error) =>
    console.error(`[queue] could not send the job of run ${run.id}: ${error.message}`),
  );
}

/** Cancels a run's job if it is still waiting in the queue (a running one stops via its heartbeat). */
export function cancelRunJob(database: Database, jobId: string | null): void {
  if (!jobId) return;
  void getJobQueue(database)
    .cancelRunJob(jobId)
    .catch((error: Error) => console.error(`[queue] could not cancel job ${jobId}: ${error.message}`));
}
