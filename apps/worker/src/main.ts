import { setPriority } from "node:os";
import { closeJobQueue, startImportConsumer, startRunConsumer } from "@strata/api/jobs";
import { createDatabase, isConnectionLost, migrate } from "@strata/db";
import { readWorkerEnv } from "./env.js";

/**
 * The worker process (PostgreSQL deployments): open the database, migrate, consume runs and imports
 * until SIGTERM/SIGINT, then drain both. Any number of these may run against one database; imports
 * need the import folder (STRATA_IMPORT_DIR) shared with the web server.
 */
async function main(): Promise<void> {
  const env = readWorkerEnv();
  // Before any thread is started: on Linux the niceness is per thread and new threads (the clustering
  // pool's, libuv's) inherit it from the one that creates them.
  setPriority(env.STRATA_WORKER_NICE);
  const database = await createDatabase({ url: env.DATABASE_URL });
  await migrate(database);
  const consumer = await startRunConsumer(database, {
    concurrency: env.STRATA_WORKER_CONCURRENCY,
    ...(env.STRATA_WORKER_THREADS ? { threads: env.STRATA_WORKER_THREADS } : {}),
    staleAfterSeconds: env.STRATA_RUN_STALE_SECONDS,
    sweepIntervalSeconds: env.STRATA_RUN_SWEEP_SECONDS,
  });
  const importConsumer = await startImportConsumer(database, {
    concurrency: env.STRATA_WORKER_IMPORT_CONCURRENCY,
    staleAfterSeconds: env.STRATA_RUN_STALE_SECONDS,
    sweepIntervalSeconds: env.STRATA_RUN_SWEEP_SECONDS,
  });
  console.log(`[worker] ready (pid ${process.pid}, nice ${env.STRATA_WORKER_NICE})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: draining`);
    try {
      const drainTimeoutMs = env.STRATA_WORKER_DRAIN_SECONDS * 1000;
      await Promise.all([consumer.stop({ drainTimeoutMs }), importConsumer.stop({ drainTimeoutMs })]);
      await closeJobQueue(database);
      await database.close();
      console.log("[worker] stopped");
      process.exit(0);
    } catch (error) {
      console.error("[worker] failed to stop cleanly:", error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // pg-boss 10 neither awaits nor catches marking a job complete or failed (manager.js, onFetch): a
  // connection lost at that instant (restart, failover) would end the process. The job is retried
  // when it expires and the run or import recovered by the sweep, so log it and go on; any other
  // unhandled rejection still ends the process.
  process.on("unhandledRejection", (reason) => {
    if (isConnectionLost(reason)) {
      console.error(`[worker] database connection lost: ${(reason as Error).message}`);
      return;
    }
    console.error("[worker] unhandled rejection:", reason);
    process.exit(1);
  });
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: Error) => {
  console.error(`[worker] ${error.message}`);
  process.exit(1);
});
