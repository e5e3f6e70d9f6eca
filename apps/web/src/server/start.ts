import "server-only";
import { DEFAULT_DEMO_PASSWORD, seedDemoWorkspace } from "@strata/api";
import { ensureAuthUrl, readWebEnv } from "@/env";
import { getReadyDatabase } from "./database";

/** Runs once when the server starts (from instrumentation.ts): auth URL, database, migrations, demo seed. */
export async function startServer(): Promise<void> {
  const env = readWebEnv();
  const authUrl = ensureAuthUrl();
  const database = await getReadyDatabase();
  if (env.STRATA_DEMO === "1") {
    await seedDemoWorkspace(database, { password: env.STRATA_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD });
  }
  console.log(`[strata] database ready (${database.driver}); sign-in URL ${authUrl}`);
}
