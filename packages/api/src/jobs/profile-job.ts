import type { Database, Tx } from "@strata/db";
import { datasets, rawRows, withTenant } from "@strata/db";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { AppError } from "../errors.js";
import { rawClientOf } from "../services/import/raw-client.js";
import { PROFILE_VERSION, profileDataset } from "../services/profile/profile-dataset.js";
import { getJobQueue, type JobQueue, type ProfileJobData, queryBossDb } from "./queue.js";

/**
 * Queues a dataset's profile job through the transaction's own connection, so that it exists exactly
 * when the change it describes commits. As for import jobs (see import-job.ts): written as the
 * connecting role (pg-boss's tables are not the app role's), under a savepoint; when the queue is not
 * installed yet nothing is written and the consumer's sweep queues the profile when it starts.
 */
export async function sendProfileJobInTransaction(
  tx: Tx,
  database: Database,
  data: ProfileJobData,
): Promise<boolean> {
  const client = rawClientOf(tx);
  await client.query("savepoint strata_profile_job");
  try {
    await client.query("reset role");
    const sent = await getJobQueue(database).sendProfile(data, { db: queryBossDb(client) });
    await client.query("release savepoint strata_profile_job");
    return sent;
  } catch (error) {
    await client.query("rollback to savepoint strata_profile_job");
    const message = (error as Error).message;
    if (!/does not exist/.test(message)) console.error(`[queue] profile job not written: ${message}`);
    return false;
  } finally {
    await client.query("set local role strata_app");
  }
}

/** Works one profile job: the dataset's profile, computed and stored. A deleted dataset needs none. */
export async function executeProfile(database: Database, data: ProfileJobData): Promise<"profiled" | "gone"> {
  try {
    await withTenant(database.db, data.tenantId, (tx) =>
      profileDataset(tx, { tenantId: data.tenantId, datasetId: data.datasetId }),
    );
    return "profiled";
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return "gone";
    throw error;
  }
}

/**
 * A dataset whose profile is missing, of an older PROFILE_VERSION, or older than the dataset's last
 * change (an import that could not queue its job, a job that was lost) needs a profile job.
 */
export const needsProfile = () =>
  or(
    isNull(datasets.profile),
    isNull(datasets.profiledAt),
    lt(datasets.profiledAt, datasets.updatedAt),
    sql`coalesce((${datasets.profile}->>'version')::int, 0) <> ${PROFILE_VERSION}`,
  )!;

/**
 * Queues a profile job for every dataset that needs one (see needsProfile), tenant by tenant (each
 * tenant's datasets are read in its own tenant transaction). Returns the dataset ids queued.
 */
export async function queueMissingProfiles(database: Database, queue: JobQueue): Promise<string[]> {
  const ids = await rawRows<{ id: string }>(database.db, sql`select id from tenants`);
  const queued: string[] = [];
  for (const { id: tenantId } of ids) {
    const stale = await withTenant(database.db, tenantId, (tx) =>
      tx
        .select({ id: datasets.id })
        .from(datasets)
        .where(and(eq(datasets.tenantId, tenantId), needsProfile())),
    );
    for (const d of stale) if (await queue.sendProfile({ tenantId, datasetId: d.id })) queued.push(d.id);
  }
  return queued;
}

/**
 * Profiles, here and now, every dataset that needs it (see needsProfile): what the queued jobs do,
 * for a process without a consumer (scripts, the CLI, tests). Returns the datasets profiled.
 */
export async function profileStaleDatasets(database: Database): Promise<number> {
  const ids = await rawRows<{ id: string }>(database.db, sql`select id from tenants`);
  let profiled = 0;
  for (const { id: tenantId } of ids) {
    const stale = await withTenant(database.db, tenantId, (tx) =>
      tx
        .select({ id: datasets.id })
        .from(datasets)
        .where(and(eq(datasets.tenantId, tenantId), needsProfile())),
    );
    for (const d of stale)
      if ((await executeProfile(database, { tenantId, datasetId: d.id })) === "profiled") profiled++;
  }
  return profiled;
}
