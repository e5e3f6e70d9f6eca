import { rm } from "node:fs/promises";
import type { Tx } from "@strata/db";
import { AppError } from "../../errors.js";
import { QUEUE_SCHEMA } from "../../jobs/queue.js";
import { importFolder } from "../import/paths.js";
import { rawClientOf } from "../import/raw-client.js";
import { clearScenarioBases } from "../policy/scenario-base.js";

export interface DeleteWorkspaceParams {
  tenantId: string;
  slug: string;
  /** What the owner typed to confirm: the workspace's slug. */
  confirmSlug: string;
  /** Tests and the CLI: the data folder the workspace's files are in (default: the server's). */
  dataDir?: string;
}

/**
 * Deletes a workspace and everything in it: every row (the tenant row's foreign keys cascade to
 * members, datasets, customers and through them their order lines and events, runs, segments,
 * policies, comments, the audit trail), its queued jobs (pg-boss rows whose data names the tenant)
 * and its folder of uploads, staged rows and rejected-rows reports. The owner confirms by typing the
 * slug; a wrong one changes nothing.
 */
export async function deleteWorkspace(tx: Tx, params: DeleteWorkspaceParams) {
  if (params.confirmSlug.trim() !== params.slug)
    throw new AppError(
      "BAD_REQUEST",
      `Type the workspace's slug "${params.slug}" to confirm.`,
      "confirmSlug",
    );
  const client = rawClientOf(tx);
  const jobs = await deleteQueuedJobs(tx, params.tenantId);
  const deleted = await client.query<{ id: string }>("delete from tenants where id = $1 returning id", [
    params.tenantId,
  ]);
  if (deleted.rows.length === 0) throw new AppError("NOT_FOUND", "Workspace not found");
  // Last: a failure above leaves the files with the rows they belong to.
  await rm(importFolder(params.tenantId, params.dataDir), { recursive: true, force: true });
  clearScenarioBases(params.tenantId);
  return { deleted: true as const, slug: params.slug, jobsRemoved: jobs };
}

/**
 * Removes the workspace's jobs from the queue. pg-boss's tables belong to the connecting role, not to
 * the app role tenant transactions switch to (as in import-job.ts); a queue not installed yet has no
 * jobs to remove.
 */
async function deleteQueuedJobs(tx: Tx, tenantId: string): Promise<number> {
  const client = rawClientOf(tx);
  await client.query("savepoint strata_delete_jobs");
  try {
    await client.query("reset role");
    const removed = await client.query<{ id: string }>(
      `delete from ${QUEUE_SCHEMA}.job where data ->> 'tenantId' = $1 returning id`,
      [tenantId],
    );
    await client.query("release savepoint strata_delete_jobs");
    return removed.rows.length;
  } catch (error) {
    await client.query("rollback to savepoint strata_delete_jobs");
    if (!/does not exist/.test((error as Error).message)) throw error;
    return 0;
  } finally {
    await client.query("set local role strata_app");
  }
}
