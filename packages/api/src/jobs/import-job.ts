import type { Database, Tx } from "@strata/db";
import { rawClientOf } from "../services/import/raw-client.js";
import { getJobQueue, queryBossDb } from "./queue.js";

/**
 * Writes an import's pg-boss job through the transaction's own connection. pg-boss's tables belong to
 * the connecting role, not to the app role tenant transactions switch to, so the insert runs as the
 * former (and the app role is restored right after). It runs under a savepoint: if the queue is not
 * installed yet (no process has started it on this database), the import stays queued without a job
 * and the import consumer's recovery sweep sends one when it starts.
 */
export async function sendImportJobInTransaction(
  tx: Tx,
  database: Database,
  data: { importId: string; tenantId: string },
  jobId: string,
): Promise<boolean> {
  const client = rawClientOf(tx);
  await client.query("savepoint strata_import_job");
  try {
    await client.query("reset role");
    const sent = await getJobQueue(database).sendImport(data, jobId, { db: queryBossDb(client) });
    await client.query("release savepoint strata_import_job");
    return sent;
  } catch (error) {
    await client.query("rollback to savepoint strata_import_job");
    // A queue not installed yet is expected (see above); anything else is worth a line in the log.
    const message = (error as Error).message;
    if (!/does not exist/.test(message)) console.error(`[queue] import job not written: ${message}`);
    return false;
  } finally {
    await client.query("set local role strata_app");
  }
}

/** Cancels an import's job if it is still waiting in the queue (a running one stops via its heartbeat). */
export function cancelImportJob(database: Database, jobId: string | null): void {
  if (!jobId) return;
  void getJobQueue(database)
    .cancelImportJob(jobId)
    .catch((error: Error) => console.error(`[queue] could not cancel job ${jobId}: ${error.message}`));
}
