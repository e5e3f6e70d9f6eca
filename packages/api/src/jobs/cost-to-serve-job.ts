import type { Database, Tx } from "@strata/db";
import { rawClientOf } from "../services/import/raw-client.js";
import { type CostToServeJobData, getJobQueue, queryBossDb } from "./queue.js";

/**
 * Writes a cost-to-serve run's pg-boss job through the transaction's own connection, as
 * `sendImportJobInTransaction` does for imports (see there): the job exists exactly when the run row
 * that names it commits. If the queue is not installed yet the run stays queued without a job, and
 * the import consumer's recovery sweep sends one.
 */
export async function sendCostToServeJobInTransaction(
  tx: Tx,
  database: Database,
  data: CostToServeJobData,
  jobId: string,
): Promise<boolean> {
  const client = rawClientOf(tx);
  await client.query("savepoint strata_cost_to_serve_job");
  try {
    await client.query("reset role");
    const sent = await getJobQueue(database).sendCostToServe(data, jobId, { db: queryBossDb(client) });
    await client.query("release savepoint strata_cost_to_serve_job");
    return sent;
  } catch (error) {
    await client.query("rollback to savepoint strata_cost_to_serve_job");
    const message = (error as Error).message;
    if (!/does not exist/.test(message)) console.error(`[queue] cost-to-serve job not written: ${message}`);
    return false;
  } finally {
    await client.query("set local role strata_app");
  }
}
