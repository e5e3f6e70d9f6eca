import "server-only";
import { ensureAuthUrl, readWebEnv } from "@/env";
import { getReadyDatabase } from "./database";
import { api } from "./modules";

/** Runs once when the server starts (from instrumentation.ts): auth URL, database, migrations, demo seed. */
export async function startServer(): Promise<void> {
  const env = readWebEnv();
  const authUrl = ensureAuthUrl();
  const database = await getReadyDatabase();
  if (env.STRATA_DEMO === "1") {
    await api.seedDemoWorkspace(database, {
      password: env.STRATA_DEMO_PASSWORD ?? api.DEFAULT_DEMO_PASSWORD,
    });
  }
  // Segmentation runs are worked in this process (embedded PGlite allows no other; on PostgreSQL any
  // number of apps/worker processes may share the queue with it). See @strata/api/jobs.
  const jobs = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@strata/api/jobs");
  await jobs.startRunConsumer(database);
  console.log(`[strata] database ready (${database.driver}); sign-in URL ${authUrl}`);
}
