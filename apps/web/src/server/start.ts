import "server-only";
import { ensureAuthUrl, readWebEnv, workRunsHere } from "@/env";
import { getReadyDatabase } from "./database";
import { api } from "./modules";

const RETRY_MS = 5_000;

const shared = globalThis as { __strataStartup?: "starting" | "ready" };

/** "ready" once the database is migrated, the demo login seeded and the run and import consumers started. */
export function startupState(): "starting" | "ready" {
  return shared.__strataStartup ?? "starting";
}

/**
 * Runs once when the server starts (from instrumentation.ts): auth URL, database, migrations, demo
 * seed, run and import consumers. A bad environment variable stops the server with its name. An unreachable
 * database does not: the server keeps answering (pages show an error, /api/health a 503 with the
 * reason) and retries until the database is there, e.g. PostgreSQL still starting beside it.
 */
export async function startServer(): Promise<void> {
  const env = readWebEnv();
  const authUrl = ensureAuthUrl();
  const attempt = async (): Promise<void> => {
    try {
      const database = await getReadyDatabase();
      if (env.STRATA_DEMO === "1") {
        await api.seedDemoWorkspace(database, {
          password: env.STRATA_DEMO_PASSWORD ?? api.DEFAULT_DEMO_PASSWORD,
        });
      }
      // Segmentation runs are worked in this process (embedded PGlite allows no other; on PostgreSQL any
      // number of apps/worker processes may share the queue with it, or take it over with
      // STRATA_WEB_RUNS=off). See @strata/api/jobs.
      if (workRunsHere(env.STRATA_WEB_RUNS, database.driver)) {
        const jobs = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@strata/api/jobs");
        await jobs.startRunConsumer(database);
        // Imports take the same road: queued jobs, worked here or by apps/worker (see import-consumer).
        await jobs.startImportConsumer(database);
      } else {
        console.log(
          "[strata] STRATA_WEB_RUNS=off: segmentation runs and imports are left to apps/worker processes",
        );
      }
      shared.__strataStartup = "ready";
      console.log(`[strata] database ready (${database.driver}); sign-in URL ${authUrl}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`[strata] database not ready: ${reason}. Retrying in ${RETRY_MS / 1000} s.`);
      setTimeout(attempt, RETRY_MS).unref();
    }
  };
  await attempt();
}
