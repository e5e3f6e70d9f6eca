import "server-only";
import { ensureAuthUrl, productionStartProblems, readWebEnv, workRunsHere } from "@/env";
import { captureClientAddresses } from "./auth";
import { getReadyDatabase } from "./database";
import { api, auth, db } from "./modules";

const RETRY_MS = 5_000;

const shared = globalThis as {
  __strataStartup?: "starting" | "ready";
  __strataRejectionListener?: (reason: unknown) => void;
};

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
  // Refusals first: a production deployment that is not safe to run does not start at all.
  const problems = productionStartProblems({
    nodeEnv: env.NODE_ENV,
    databaseUrl: db.readDbEnv().DATABASE_URL,
    authSecret: auth.readAuthEnv().AUTH_SECRET,
    demo: env.STRATA_DEMO,
    demoPassword: env.STRATA_DEMO_PASSWORD,
    defaultDemoPassword: api.DEFAULT_DEMO_PASSWORD,
  });
  if (problems.length > 0) refuseToStart(problems);
  captureClientAddresses();
  handleLostConnections();
  const attempt = async (): Promise<void> => {
    try {
      const database = await getReadyDatabase();
      if (env.STRATA_DEMO === "1") {
        const demo = { email: api.DEMO_EMAIL, slug: api.DEMO_WORKSPACE_SLUG };
        if ((await auth.demoWorkspaceOwnership(database, demo)) === "foreign") {
          refuseToStart([
            `STRATA_DEMO=1, but a workspace with the slug "${demo.slug}" exists that the demo seed did not create: seeding would make ${demo.email} (whose password is printed at start) an owner of it. Unset STRATA_DEMO, or give that workspace another slug.`,
          ]);
        }
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

/**
 * This process works the job queue too (embedded mode always; on PostgreSQL unless STRATA_WEB_RUNS=off),
 * and pg-boss 10 neither awaits nor catches marking a job complete or failed (manager.js, onFetch): a
 * database restarting at that instant is an unhandled rejection here, as in apps/worker (main.ts). The
 * job is retried when the run's or import's heartbeat goes stale, so it is logged in one line and the
 * server goes on. Other rejections are left to Next, which logs them and keeps serving; where no Next
 * listener is there (another server around the app) they are logged here, never swallowed.
 */
function handleLostConnections(): void {
  if (shared.__strataRejectionListener) return;
  const nextListener = Symbol.for("next.unhandledRejectionListener");
  shared.__strataRejectionListener = (reason: unknown) => {
    if (db.isConnectionLost(reason)) {
      const message = reason instanceof Error ? reason.message : String(reason);
      console.error(`[strata] database connection lost (the job is taken up again): ${message}`);
      return;
    }
    const next = (globalThis as Record<symbol, unknown>)[nextListener];
    if (!process.listeners("unhandledRejection").some((listener) => listener === next))
      console.error("[strata] unhandled rejection:", reason);
  };
  process.on("unhandledRejection", shared.__strataRejectionListener);
}

/** Stops the process with the reasons: these are settings to fix, not a database to wait for. */
function refuseToStart(problems: string[]): never {
  for (const problem of problems) console.error(`[strata] refusing to start: ${problem}`);
  process.exit(1);
}
