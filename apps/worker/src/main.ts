import { closeJobQueue, startRunConsumer } from "@strata/api/jobs";
import { createDatabase, migrate } from "@strata/db";
import { readWorkerEnv } from "./env.js";

/**
 * The worker process (PostgreSQL deployments): open the database, migrate, consume runs until
 * SIGTERM/SIGINT, then drain. Any number of these may run against one database.
 */
async function main(): Promise<void> {
  const env = readWorkerEnv();
  const database = await createDatabase({ url: env.DATABASE_URL });
  await migrate(database);
  const consumer = await startRunConsumer(database, {
    concurrency: env.STRATA_WORKER_CONCURRENCY,
    ...(env.STRATA_WORKER_THREADS ? { threads: env.STRATA_WORKER_THREADS } : {}),
    staleAfterSeconds: env.STRATA_RUN_STALE_SECONDS,
    sweepIntervalSeconds: env.STRATA_RUN_SWEEP_SECONDS,
  });
  console.log(`[worker] ready (pid ${process.pid})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: draining`);
    try {
      await consumer.stop({ drainTimeoutMs: env.STRATA_WORKER_DRAIN_SECONDS * 1000 });
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
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: Error) => {
  console.error(`[worker] ${error.message}`);
  process.exit(1);
});
