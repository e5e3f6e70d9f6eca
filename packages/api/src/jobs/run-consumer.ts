import { existsSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { createPiscinaExecutor } from "@strata/core/parallel/piscina";
import { type Database, runs, withTenant } from "@strata/db";
import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { Piscina } from "piscina";
import { getJobQueue, RUN_DEAD_LETTER_QUEUE, RUN_QUEUE, type RunJobData } from "./queue.js";
import { executeRun, RunNotVisibleError } from "./run-executor.js";
import { recoverRuns } from "./run-recovery.js";

export interface RunConsumerOptions {
  /** Runs worked at the same time by this process. Default 1: one run already uses every core. */
  concurrency?: number;
  /** Threads of the clustering pool. Default: the machine's cores. */
  threads?: number;
  /** Heap limit of each clustering thread: past it the thread dies and only its run fails. */
  maxThreadMemoryMb?: number;
  /** A running run without a heartbeat for this long lost its worker. Default 30 s. */
  staleAfterSeconds?: number;
  /** How often to look for such runs (and for queued runs whose job went missing). Default 10 s. */
  sweepIntervalSeconds?: number;
  /** How often an idle consumer asks the queue for work. Default 0.5 s (pg-boss's minimum): a user waits for a run. */
  pollingIntervalSeconds?: number;
  workerId?: string;
  /** Another Piscina task file with the same contract as cluster-task.js (tests use one that crashes). */
  clusterTaskFile?: string;
  /** Another task file for core's executor, same contract as @strata/core/parallel/task (tests). */
  executorTaskFile?: string;
  log?: (message: string) => void;
}

export interface RunConsumer {
  readonly workerId: string;
  /** Runs being worked on right now. */
  readonly active: number;
  /**
   * Stops taking jobs and waits up to `drainTimeoutMs` for the runs in hand to finish; runs still
   * going then are stopped and handed back to the queue (another worker retries them).
   */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/**
 * The built task file, CommonJS that imports cluster-task.js (see cluster-task-entry.cts for why);
 * from src/ (vitest) fall back to the package's dist/.
 */
function clusterTaskFile(): string {
  const here = fileURLToPath(new URL("./cluster-task-entry.cjs", import.meta.url));
  if (existsSync(here)) return here;
  const built = fileURLToPath(new URL("../../dist/jobs/cluster-task-entry.cjs", import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`cluster task not found at ${here} or ${built}: build @strata/api first`);
}

/**
 * Starts consuming segmentation runs from the database's queue: in `apps/worker` on PostgreSQL (any
 * number of processes, each job to exactly one of them: pg-boss fetches with FOR UPDATE SKIP LOCKED),
 * or inside the web server process in embedded mode (PGlite allows one process only).
 * Call after `migrate(database)`.
 */
export async function startRunConsumer(
  database: Database,
  options: RunConsumerOptions = {},
): Promise<RunConsumer> {
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const staleAfterSeconds = options.staleAfterSeconds ?? 30;
  const queue = getJobQueue(database);
  await queue.start();

  const threads = options.threads ?? availableParallelism();
  const resourceLimits = { maxOldGenerationSizeMb: options.maxThreadMemoryMb ?? 4096 };
  // Two pools, never busy at once for one run: core's executor (k-means restarts, row chunks, the k
  // sweep: one run over every core) and whole-run tasks for algorithms without parallel tasks.
  const executor = createPiscinaExecutor({
    threads,
    resourceLimits,
    ...(options.executorTaskFile ? { filename: options.executorTaskFile } : {}),
  });
  const pool = new Piscina({
    filename: options.clusterTaskFile ?? clusterTaskFile(),
    maxThreads: threads,
    minThreads: 0,
    idleTimeout: 30_000,
    resourceLimits,
  });
  // A thread that dies is replaced by Piscina; its task rejects and fails only that run.
  pool.on("error", (error: Error) => log(`clustering thread error: ${error.message}`));

  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  // Maps drawn after their runs' results: they do not hold up the next run.
  const maps = new Set<Promise<void>>();
  const background = (work: Promise<void>) => {
    maps.add(work);
    void work.finally(() => maps.delete(work));
  };
  let stopping = false;

  const handle = async ([job]: PgBoss.Job<RunJobData>[]) => {
    if (!job) return;
    const work = executeRun(
      { database, executor, pool, workerId, shutdown: shutdown.signal, background },
      job.id,
      job.data,
    ).catch((error: Error) => {
      if (!(error instanceof RunNotVisibleError)) log(`run ${job.data.runId}: ${error.message}`);
      throw error;
    });
    const tracked = work.catch(() => undefined);
    inFlight.add(tracked);
    try {
      await work;
    } finally {
      inFlight.delete(tracked);
    }
  };

  const workerIds: string[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 1);
  for (let i = 0; i < concurrency; i++) {
    workerIds.push(
      await queue.boss.work<RunJobData>(
        RUN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
        handle,
      ),
    );
  }
  // Retries spent (e.g. the database kept failing): the run fails with the last error, readably.
  workerIds.push(
    await queue.boss.work<RunJobData>(
      RUN_DEAD_LETTER_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 5 },
      async ([job]) => {
        if (!job) return;
        await withTenant(database.db, job.data.tenantId, (tx) =>
          tx
            .update(runs)
            .set({
              status: "failed",
              error:
                "The run could not be completed: the worker kept failing to reach the database. Retry it later.",
              finishedAt: new Date(),
              heartbeatAt: null,
            })
            .where(
              and(
                eq(runs.id, job.data.runId),
                eq(runs.jobId, job.data.jobId ?? job.id),
                inArray(runs.status, ["queued", "running"]),
              ),
            ),
        );
      },
    ),
  );

  // A queued run is taken at once, not at the next poll (half a second of every run's wait).
  const runWorkerIds = workerIds.slice(0, concurrency);
  const stopListening = await queue.onRunQueued(runWorkerIds).catch((error: Error) => {
    log(`runs are found by polling only: ${error.message}`);
    return async () => {};
  });

  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    if (sweeping || stopping) return;
    sweeping = recoverRuns(database, queue, { staleAfterSeconds })
      .then((r) => {
        for (const id of r.requeued) log(`run ${id} lost its worker: queued again`);
        for (const id of r.failed) log(`run ${id} lost its worker too often: failed`);
        for (const id of r.resent) log(`run ${id} had no job: sent again`);
      })
      .catch((error: Error) => log(`recovery sweep failed: ${error.message}`))
      .finally(() => {
        sweeping = undefined;
      });
  };
  sweep();
  const sweeper = setInterval(sweep, (options.sweepIntervalSeconds ?? 10) * 1000);
  sweeper.unref();
  log(`consuming runs as ${workerId} (${pool.maxThreads} clustering threads, ${database.driver})`);

  return {
    workerId,
    get active() {
      return inFlight.size;
    },
    async stop({ drainTimeoutMs = 25_000 } = {}) {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeper);
      await stopListening();
      for (const id of workerIds) await queue.boss.offWork({ id });
      if (inFlight.size + maps.size > 0) {
        log(
          `draining ${inFlight.size} run(s) and ${maps.size} map(s) (up to ${Math.round(drainTimeoutMs / 1000)} s)`,
        );
        // A run started meanwhile may add its map: wait until both sets are empty.
        const drained = (async () => {
          while (inFlight.size + maps.size > 0) await Promise.all([...inFlight, ...maps]);
          return true;
        })();
        const timedOut = new Promise<boolean>((resolve) =>
          setTimeout(() => resolve(false), drainTimeoutMs).unref(),
        );
        if (!(await Promise.race([drained, timedOut]))) {
          shutdown.abort();
          // Runs hand back at once; maps already drawing finish (they are not aborted).
          await Promise.all([...inFlight, ...maps]);
        }
      }
      await sweeping;
      await Promise.all([pool.destroy(), executor.destroy()]);
    },
  };
}
