import { z } from "zod";

// The one place the web app reads process.env (the database variables are read by @strata/db).
// A bad value fails at start with the variable's name.
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const webEnvSchema = z.object({
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65_535).default(3000)),
  NEXTAUTH_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  AUTH_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  // 1 seeds the demo login (demo@strata.local) and workspace `demo` on start (npm run demo sets it).
  STRATA_DEMO: z.preprocess(emptyAsUnset, z.enum(["0", "1"]).default("0")),
  // The demo login's password. Unset: the well-known default the start banner prints, which only the
  // embedded start accepts (see productionStartProblems).
  STRATA_DEMO_PASSWORD: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
  NODE_ENV: z.preprocess(emptyAsUnset, z.string().optional()),
  // "off": leave segmentation runs to apps/worker processes (PostgreSQL only: with the embedded
  // database no other process can reach the queue, so the web server always works them).
  STRATA_WEB_RUNS: z.preprocess(emptyAsUnset, z.enum(["on", "off"]).default("on")),
});

export type WebEnv = z.infer<typeof webEnvSchema>;

export function readWebEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  const parsed = webEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Whether this server works segmentation runs: always on the embedded database, else unless turned off. */
export function workRunsHere(setting: "on" | "off", driver: string): boolean {
  if (setting === "on") return true;
  if (driver === "pglite") {
    console.warn(
      "[strata] STRATA_WEB_RUNS=off ignored: the embedded database has no other process to work runs (set DATABASE_URL)",
    );
    return true;
  }
  return false;
}

/**
 * next-auth v4 builds its redirect and callback URLs from NEXTAUTH_URL and assumes port 3000 when it
 * is unset, which sends the browser to the wrong server on any other port. When neither NEXTAUTH_URL
 * nor AUTH_URL is given, derive it from PORT before the first request.
 */
export function ensureAuthUrl(source: Record<string, string | undefined> = process.env): string {
  const env = readWebEnv(source);
  const url = env.NEXTAUTH_URL ?? env.AUTH_URL ?? `http://localhost:${env.PORT}`;
  source.NEXTAUTH_URL = url;
  return url;
}

/**
 * Why a production server must not start, as sentences naming the variable (empty: it may start).
 *
 * A production deployment is NODE_ENV=production with DATABASE_URL set: a PostgreSQL server that
 * several web and worker processes share, usually reachable by more people than its operator. The
 * embedded start (no DATABASE_URL, e.g. `npm run demo` on a fresh machine) is one process on one
 * machine whose data folder holds the database and the generated secret alike, so it keeps
 * generating AUTH_SECRET there and keeps the default demo password the start banner prints.
 *
 * In a production deployment:
 * - AUTH_SECRET must be set: a secret generated into one container's data folder differs per
 *   process and is lost with the container, and sessions signed with it cannot be checked elsewhere.
 *   The exception is the demo start (`npm run demo`, STRATA_DEMO=1, one web process): with
 *   DATABASE_URL too it keeps the secret it generates in its data folder, as shared/CONTRACT.md
 *   promises for an unset AUTH_SECRET; a shared deployment sets it (docker/compose.yml requires it).
 * - STRATA_DEMO=1 needs STRATA_DEMO_PASSWORD set to something else than the published default,
 *   or anyone could sign in as demo@strata.local.
 * (The third refusal, the demo seed joining a `demo` workspace it did not create, needs the
 * database and is checked in server/start.ts for every start.)
 */
export function productionStartProblems(input: {
  nodeEnv: string | undefined;
  databaseUrl: string | undefined;
  authSecret: string | undefined;
  demo: "0" | "1";
  demoPassword: string | undefined;
  defaultDemoPassword: string;
}): string[] {
  if (input.nodeEnv !== "production" || !input.databaseUrl) return [];
  const problems: string[] = [];
  if (!input.authSecret && input.demo !== "1") {
    problems.push(
      "AUTH_SECRET is required in production with DATABASE_URL: set it to a random string of at least 32 characters (e.g. `openssl rand -base64 32`), the same in every web process.",
    );
  }
  if (input.demo === "1" && (!input.demoPassword || input.demoPassword === input.defaultDemoPassword)) {
    problems.push(
      "STRATA_DEMO=1 in production with DATABASE_URL needs STRATA_DEMO_PASSWORD set to a password of your own: the default one is published.",
    );
  }
  return problems;
}

/** The app version (package.json), inlined at build time by next.config.ts. */
export const APP_VERSION: string = process.env.STRATA_VERSION ?? "0.0.0";
