import { hostname } from "node:os";
import { costToServeRuns, type Database, imports, withTenant } from "@strata/db";
import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { applyRetention } from "../services/privacy/apply-retention.js";
import { executeCostToServe } from "./cost-to-serve-executor.js";
import { recoverCostToServeRuns } from "./cost-to-serve-recovery.js";
import { executeImport, type ImportExecutorContext } from "./import-executor.js";
import { recoverImports } from "./import-recovery.js";
import { executeProfile, queueMissingProfiles } from "./profile-job.js";
import {
  COST_TO_SERVE_DEAD_LETTER_QUEUE,
  COST_TO_SERVE_QUEUE,
  type CostToServeJobData,
  getJobQueue,
  IMPORT_DEAD_LETTER_QUEUE,
  IMPORT_QUEUE,
  type ImportJobData,
  PROFILE_QUEUE,
  type ProfileJobData,
} from "./queue.js";
import { expireUploads } from "./upload-expiry.js";

export interface ImportConsumerOptions {
  /** Imports worked at the same time by this process. Default 1 (an import is mostly one core's work). */
  concurrency?: number;
  /** A running import without a heartbeat for this long lost its worker. Default 30 s. */
  staleAfterSeconds?: number;
  /** How often to look for such imports (and for queued imports without a job). Default 10 s. */
  sweepIntervalSeconds?: number;
  /** How often to look for datasets whose profile is missing or out of date. Default 60 s. */
  profileSweepIntervalSeconds?: number;
  /** How often an idle consumer asks the queue for work. Default 1 s. */
  pollingIntervalSeconds?: number;
  /** How often to delete uploads never imported (see expireUploads). Default 1 h. */
  uploadSweepIntervalSeconds?: number;
  /** How often to delete order lines past their workspace's retention (see applyRetention). Default 1 h. */
  retentionSweepIntervalSeconds?: number;
  workerId?: string;
  /** Test hook, called after each batch of rows an import reads. */
  onBatch?: ImportExecutorContext["onBatch"];
  log?: (message: string) => void;
}

export interface ImportConsumer {
  readonly workerId: string;
  /** Imports (and dataset profiles) being worked on right now. */
  readonly active: number;
  /**
   * Stops taking jobs and waits up to `drainTimeoutMs` for the imports in hand to finish; imports
   * still reading their file then are stopped and handed back to the queue. An import whose rows are
   * being loaded is always let finish (its load is one transaction).
   */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/**
 * Starts consuming imports from the database's queue, beside the run consumer: in the web server
 * process in embedded mode, and in `apps/worker` (and the web server unless STRATA_WEB_RUNS=off) on
 * PostgreSQL. Each job goes to exactly one process. Call after `migrate(database)`.
 *
 * It also works the `dataset-profile` jobs imports queue when their rows are in (a profile is SQL
 * aggregates over one dataset, the tail of an import), and sweeps for datasets whose profile is
 * missing or out of date (an older PROFILE_VERSION, a job that could not be written).
 *
 * And it works cost-to-serve runs (`cost-to-serve` jobs): reading the workspace's order lines and
 * events, computing with core and storing the result, with the same heartbeat and recovery sweep.
 */
export async function startImportConsumer(
  database: Database,
  options: ImportConsumerOptions = {},
): Promise<ImportConsumer> {
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const staleAfterSeconds = options.staleAfterSeconds ?? 30;
  const queue = getJobQueue(database);
  await queue.start();

  const shutdown = new AbortController();
  /** Job id -> the work in hand (settled promise, never rejects). */
  const inFlight = new Map<string, Promise<void>>();
  let stopping = false;

  const handle = async ([job]: PgBoss.Job<ImportJobData>[]) => {
    if (!job) return;
    const work = executeImport(
      {
        database,
        workerId,
        shutdown: shutdown.signal,
        ...(options.onBatch ? { onBatch: options.onBatch } : {}),
      },
      job.id,
      job.data,
    ).then(
      (outcome) => {
        if (outcome) log(`import ${job.data.importId}: ${outcome.status}`);
      },
      (error: Error) => {
        log(`import ${job.data.importId}: ${error.message}`);
        throw error;
      },
    );
    inFlight.set(
      job.id,
      work.catch(() => undefined),
    );
    try {
      await work;
    } finally {
      inFlight.delete(job.id);
    }
  };

  const workerIds: string[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 1);
  for (let i = 0; i < concurrency; i++) {
    workerIds.push(
      await queue.boss.work<ImportJobData>(
        IMPORT_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
        handle,
      ),
    );
  }
  workerIds.push(
    await queue.boss.work<ProfileJobData>(
      PROFILE_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
      async ([job]) => {
        if (!job) return;
        const work = executeProfile(database, job.data);
        inFlight.set(
          job.id,
          work.then(
            () => undefined,
            () => undefined,
          ),
        );
        try {
          await work;
        } catch (error) {
          log(`profile of dataset ${job.data.datasetId}: ${(error as Error).message}`);
          throw error;
        } finally {
          inFlight.delete(job.id);
        }
      },
    ),
  );
  workerIds.push(
    await queue.boss.work<CostToServeJobData>(
      COST_TO_SERVE_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
      async ([job]) => {
        if (!job) return;
        const work = executeCostToServe({ database }, job.id, job.data);
        inFlight.set(
          job.id,
          work.then(
            () => undefined,
            () => undefined,
          ),
        );
        try {
          const status = await work;
          if (status) log(`cost-to-serve run ${job.data.runId}: ${status}`);
        } catch (error) {
          log(`cost-to-serve run ${job.data.runId}: ${(error as Error).message}`);
          throw error;
        } finally {
          inFlight.delete(job.id);
        }
      },
    ),
  );
  workerIds.push(
    await queue.boss.work<CostToServeJobData>(
      COST_TO_SERVE_DEAD_LETTER_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 5 },
      async ([job]) => {
        if (!job) return;
        await withTenant(database.db, job.data.tenantId, (tx) =>
          tx
            .update(costToServeRuns)
            .set({
              status: "failed",
              error:
                "The computation could not be completed: the worker kept failing to reach the database. Try again later.",
              finishedAt: new Date(),
              heartbeatAt: null,
            })
            .where(
              and(
                eq(costToServeRuns.id, job.data.runId),
                eq(costToServeRuns.jobId, job.data.jobId ?? job.id),
                inArray(costToServeRuns.status, ["queued", "running"]),
              ),
            ),
        );
      },
    ),
  );
  // Retries spent (the database kept failing): the import fails, readably.
  workerIds.push(
    await queue.boss.work<ImportJobData>(
      IMPORT_DEAD_LETTER_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 5 },
      async ([job]) => {
        if (!job) return;
        await withTenant(database.db, job.data.tenantId, (tx) =>
          tx
            .update(imports)
            .set({
              status: "failed",
              stage: "done",
              error:
                "The import could not be completed: the worker kept failing to reach the database. Start it again later.",
              finishedAt: new Date(),
              heartbeatAt: null,
            })
            .where(
              and(
                eq(imports.id, job.data.importId),
                eq(imports.jobId, job.data.jobId ?? job.id),
                inArray(imports.status, ["queued", "running"]),
              ),
            ),
        );
      },
    ),
  );

  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    if (sweeping || stopping) return;
    sweeping = recoverImports(database, queue, { staleAfterSeconds, exceptJobs: [...inFlight.keys()] })
      .then((r) => {
        for (const id of r.requeued) log(`import ${id} lost its worker: queued again`);
        for (const id of r.failed) log(`import ${id} lost its worker too often: given up`);
        for (const id of r.resent) log(`import ${id} had no job: sent again`);
      })
      .then(() =>
        recoverCostToServeRuns(database, queue, { staleAfterSeconds, exceptJobs: [...inFlight.keys()] }),
      )
      .then((r) => {
        for (const id of r.requeued) log(`cost-to-serve run ${id} lost its worker: queued again`);
        for (const id of r.failed) log(`cost-to-serve run ${id} lost its worker too often: given up`);
        for (const id of r.resent) log(`cost-to-serve run ${id} had no job: sent again`);
      })
      .catch((error: Error) => log(`import recovery sweep failed: ${error.message}`))
      .finally(() => {
        sweeping = undefined;
      });
  };
  sweep();
  const sweeper = setInterval(sweep, (options.sweepIntervalSeconds ?? 10) * 1000);
  sweeper.unref();
  let sweepingProfiles: Promise<unknown> | undefined;
  const sweepProfiles = () => {
    if (sweepingProfiles || stopping) return;
    sweepingProfiles = queueMissingProfiles(database, queue)
      .then((ids) => {
        if (ids.length > 0) log(`queued the profile of ${ids.length} dataset(s)`);
      })
      .catch((error: Error) => log(`profile sweep failed: ${error.message}`))
      .finally(() => {
        sweepingProfiles = undefined;
      });
  };
  sweepProfiles();
  const profileSweeper = setInterval(sweepProfiles, (options.profileSweepIntervalSeconds ?? 60) * 1000);
  profileSweeper.unref();
  let sweepingUploads: Promise<unknown> | undefined;
  const sweepUploads = () => {
    if (sweepingUploads || stopping) return;
    sweepingUploads = expireUploads(database)
      .then((expired) => {
        if (expired.length > 0) log(`deleted ${expired.length} upload(s) never imported`);
      })
      .catch((error: Error) => log(`upload sweep failed: ${error.message}`))
      .finally(() => {
        sweepingUploads = undefined;
      });
  };
  sweepUploads();
  const uploadSweeper = setInterval(sweepUploads, (options.uploadSweepIntervalSeconds ?? 3600) * 1000);
  uploadSweeper.unref();
  // Retention: the same kind of sweep, for order lines older than a workspace keeps them.
  let sweepingRetention: Promise<unknown> | undefined;
  const sweepRetention = () => {
    if (sweepingRetention || stopping) return;
    sweepingRetention = applyRetention(database)
      .then((outcomes) => {
        const deleted = outcomes.reduce((n, o) => n + o.deleted, 0);
        if (deleted > 0) log(`deleted ${deleted} order line(s) past their workspace's retention`);
      })
      .catch((error: Error) => log(`retention sweep failed: ${error.message}`))
      .finally(() => {
        sweepingRetention = undefined;
      });
  };
  sweepRetention();
  const retentionSweeper = setInterval(
    sweepRetention,
    (options.retentionSweepIntervalSeconds ?? 3600) * 1000,
  );
  retentionSweeper.unref();
  log(`consuming imports as ${workerId} (${database.driver})`);

  return {
    workerId,
    get active() {
      return inFlight.size;
    },
    async stop({ drainTimeoutMs = 25_000 } = {}) {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeper);
      clearInterval(profileSweeper);
      clearInterval(uploadSweeper);
      clearInterval(retentionSweeper);
      for (const id of workerIds) await queue.boss.offWork({ id });
      if (inFlight.size > 0) {
        log(`draining ${inFlight.size} import(s) (up to ${Math.round(drainTimeoutMs / 1000)} s)`);
        const drained = Promise.all(inFlight.values()).then(() => true);
        const timedOut = new Promise<boolean>((resolve) =>
          setTimeout(() => resolve(false), drainTimeoutMs).unref(),
        );
        if (!(await Promise.race([drained, timedOut]))) {
          shutdown.abort();
          await Promise.all(inFlight.values());
        }
      }
      await sweeping;
      await sweepingProfiles;
      await sweepingUploads;
    },
  };
}
