import { z } from "zod";

// The one place the web app reads process.env (the database variables are read by @strata/db).
// A bad value fails at start with the variable's name.
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const webEnvSchema = z.object({
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65_535).default(3000)),
  NEXTAUTH_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  AUTH_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  STRATA_DEMO: z.preprocess(emptyAsUnset, z.enum(["0", "1"]).default("0")),
  STRATA_DEMO_PASSWORD: z.preprocess(emptyAsUnset, z.string().min(1).optional()),
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

/** The app version (package.json), inlined at build time by next.config.ts. */
export const APP_VERSION: string = process.env.STRATA_VERSION ?? "0.0.0";
