import { z } from "zod";

const count = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);

/**
 * Per-workspace quotas and job limits. Every workspace shares the same workers, queue and disk, so
 * none may hold more than its share of them; the defaults fit a SaaS where one workspace is one
 * company's team. Read on each use (cheap), so a test or an operator's restart picks up a change.
 */
const schema = z.object({
  /** Runs of one workspace worked at the same time; its further runs wait while others' go first. */
  STRATA_MAX_RUNNING_RUNS: count(2),
  /** Runs of one workspace waiting to start; past it run.create and run.retry are refused. */
  STRATA_MAX_QUEUED_RUNS: count(10),
  /** Imports of one workspace queued or running; past it import.start is refused. */
  STRATA_MAX_IMPORTS_IN_FLIGHT: count(3),
  /** Bytes of uploaded files one workspace keeps before importing them, in MB. */
  STRATA_MAX_UPLOAD_STORAGE_MB: z.coerce.number().positive().max(10_000_000).default(2048),
  /** Cost-to-serve runs of one workspace waiting to start; past it costToServe.run is refused. */
  STRATA_MAX_QUEUED_COST_TO_SERVE_RUNS: count(3),
  /** Workspaces one user may own; past it tenant.create is refused. */
  STRATA_MAX_OWNED_WORKSPACES: count(10),
  /**
   * Attempts one run or import may ever start, retries included (the count is never reset, so a
   * job that kills its worker cannot be retried forever).
   */
  STRATA_MAX_JOB_ATTEMPTS: count(10),
  /** Uploads not imported within this many hours are deleted (file and pending import). */
  STRATA_UPLOAD_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
});

export type QuotaEnv = z.infer<typeof schema>;

export interface Quotas {
  maxRunningRuns: number;
  maxQueuedRuns: number;
  maxImportsInFlight: number;
  maxUploadStorageBytes: number;
  maxQueuedCostToServeRuns: number;
  maxOwnedWorkspaces: number;
  maxJobAttempts: number;
  uploadRetentionHours: number;
}

/** Quotas from the environment; a bad value fails with the variable's name. */
export function readQuotaEnv(source: Record<string, string | undefined> = process.env): Quotas {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) input[key] = source[key] || undefined;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const env = parsed.data;
  return {
    maxRunningRuns: env.STRATA_MAX_RUNNING_RUNS,
    maxQueuedRuns: env.STRATA_MAX_QUEUED_RUNS,
    maxImportsInFlight: env.STRATA_MAX_IMPORTS_IN_FLIGHT,
    maxUploadStorageBytes: Math.round(env.STRATA_MAX_UPLOAD_STORAGE_MB * 1024 * 1024),
    maxQueuedCostToServeRuns: env.STRATA_MAX_QUEUED_COST_TO_SERVE_RUNS,
    maxOwnedWorkspaces: env.STRATA_MAX_OWNED_WORKSPACES,
    maxJobAttempts: env.STRATA_MAX_JOB_ATTEMPTS,
    uploadRetentionHours: env.STRATA_UPLOAD_RETENTION_HOURS,
  };
}
