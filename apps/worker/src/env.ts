import { z } from "zod";

// The one place the worker reads process.env. A bad value fails at start, naming the variable.
const positiveInt = (fallback: number) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.int().positive().default(fallback),
  );

const workerEnvSchema = z.object({
  DATABASE_URL: z
    .string({
      error: "is required: the worker runs against PostgreSQL (postgres://user:password@host:5432/db)",
    })
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL"),
  /** Runs worked at once by this process (each uses every core already). */
  STRATA_WORKER_CONCURRENCY: positiveInt(1),
  /** Imports worked at once by this process (each is mostly one core's work). */
  STRATA_WORKER_IMPORT_CONCURRENCY: positiveInt(1),
  /** Threads of the clustering pool (default: the machine's cores). */
  STRATA_WORKER_THREADS: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.int().positive().optional(),
  ),
  /** Seconds without a heartbeat after which a running run (or import) counts as abandoned. */
  STRATA_RUN_STALE_SECONDS: positiveInt(30),
  /** Seconds between sweeps for abandoned runs and imports. */
  STRATA_RUN_SWEEP_SECONDS: positiveInt(10),
  /** Seconds SIGTERM waits for runs and imports in hand before handing them back to the queue. */
  STRATA_WORKER_DRAIN_SECONDS: positiveInt(25),
  /**
   * CPU niceness of the worker's threads (0 = as the web server, 19 = lowest): on a machine shared
   * with a web server, background work gives way to the requests people wait on.
   */
  STRATA_WORKER_NICE: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.int().min(0).max(19).default(10),
  ),
});

export type WorkerEnv = z.output<typeof workerEnvSchema>;

export function readWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return parsed.data;
}
