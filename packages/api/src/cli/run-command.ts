import { RUN_ALGORITHMS, type RunAlgorithm, type RunConfigInput, runConfigSchema } from "@strata/contract";
import { type Database, memberships, runs, tenants, withTenant } from "@strata/db";
import { TRPCError } from "@trpc/server";
import { and, asc, eq } from "drizzle-orm";
import { AppError } from "../errors.js";
import { closeJobQueue, getJobQueue } from "../jobs/queue.js";
import { type RunConsumer, type RunConsumerOptions, startRunConsumer } from "../jobs/run-consumer.js";
import { createCaller } from "../root.js";
import { createContext } from "../trpc.js";

/** A bad flag value: the message names the flag (the CLI prints it with the usage). */
export class RunFlagError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
}

export interface RunCommandOptions {
  workspace: string;
  algorithm?: RunAlgorithm;
  k?: number | "auto";
  /** Missing: the workspace's suggested features, as the new-run form preselects them. */
  features?: string[];
  wait: boolean;
  /**
   * Work the run in this process while waiting. The embedded database always does (no other
   * process may open it, so nobody else would); on PostgreSQL only when asked (workers do it).
   */
  work?: boolean;
  /** How often to read the run while waiting. Default 500 ms. */
  pollIntervalMs?: number;
  /** Passed to the in-process consumer (tests: fewer threads). */
  consumer?: Omit<RunConsumerOptions, "log">;
  /** Progress lines (the CLI writes them to stderr). */
  log?: (line: string) => void;
  /** Stops waiting (Ctrl-C); the run itself goes on, or goes back to the queue. */
  signal?: AbortSignal;
}

/** What `strata run --wait` prints: the run from queue to result. */
export interface RunSummary {
  id: string;
  status: string;
  k: number | null;
  sizes: number[] | null;
  metrics: Record<string, unknown> | null;
  timings: Record<string, unknown>;
}

export type RunCommandOutcome =
  | { waited: false; run: { id: string; status: string } }
  | { waited: true; run: RunSummary; error: string | null };

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/** `--algorithm`: one of the run form's algorithms. */
export function parseAlgorithm(value: string): RunAlgorithm {
  const found = RUN_ALGORITHMS.find((a) => a === value);
  if (!found) throw new RunFlagError("--algorithm", `"${value}" is not one of ${RUN_ALGORITHMS.join(", ")}`);
  return found;
}

/** `--k`: "auto" or a whole number in the range a run accepts. */
export function parseK(value: string): number | "auto" {
  const text = value.trim().toLowerCase();
  if (text === "auto") return "auto";
  const parsed = runConfigSchema.shape.k.safeParse(/^\d+$/.test(text) ? Number(text) : Number.NaN);
  if (!parsed.success || parsed.data === undefined) {
    throw new RunFlagError("--k", `"${value}" is not "auto" or a whole number from 2 to 50`);
  }
  return parsed.data;
}

/** `--features a,b,c`: names as the workspace's customer features spell them. */
export function parseFeatures(value: string): string[] {
  const names = value
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  if (names.length === 0) throw new RunFlagError("--features", "give at least one feature name (a,b,c)");
  return [...new Set(names)];
}

/**
 * `strata run`: queues a segmentation run through the same `run.create` procedure as the browser's
 * Start run, with the same config schema and defaults, and (no features given) the same suggested
 * features the form preselects. There is no login on the CLI: it acts as the workspace's owner.
 * With `wait`, follows the run to its end.
 */
export async function runCommand(database: Database, options: RunCommandOptions): Promise<RunCommandOutcome> {
  const log = options.log ?? (() => {});
  const slug = options.workspace.trim().toLowerCase();
  const [tenant] = await database.db
    .select({ id: tenants.id, slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.slug, slug))
    .limit(1);
  if (!tenant)
    throw new AppError("NOT_FOUND", `No workspace with the slug "${options.workspace}".`, "workspace");
  const [owner] = await withTenant(database.db, tenant.id, (tx) =>
    tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.role, "owner")))
      .orderBy(asc(memberships.createdAt))
      .limit(1),
  );
  if (!owner)
    throw new AppError("NOT_FOUND", `Workspace "${tenant.slug}" has no owner to act as.`, "workspace");
  const caller = createCaller(createContext({ database, userId: owner.userId }));

  const described = await caller.segment.features({ workspace: tenant.slug });
  if (options.features) {
    const available = described.features.map((f) => f.name);
    const unknown = options.features.filter((f) => !available.includes(f));
    if (unknown.length > 0) {
      throw new RunFlagError(
        "--features",
        `unknown or non-numeric feature${unknown.length > 1 ? "s" : ""} ${unknown.map((f) => `"${f}"`).join(", ")}; ` +
          (available.length > 0
            ? `this workspace has ${available.join(", ")}`
            : "this workspace has no customer features yet (import customers or orders first)"),
      );
    }
  }
  const config: RunConfigInput = {
    features: options.features ?? described.defaults,
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    ...(options.k !== undefined ? { k: options.k } : {}),
  };
  const created = await caller.run.create({ workspace: tenant.slug, config }).catch((error: unknown) => {
    throw toFlagError(error);
  });
  log(`run ${created.id}: queued (${describeConfig(created.config)})`);

  if (!options.wait) {
    await untilJobSent(database, tenant.id, created.id);
    return { waited: false, run: { id: created.id, status: created.status } };
  }

  const work = database.driver === "pglite" || options.work === true;
  let consumer: RunConsumer | undefined;
  try {
    if (work) {
      consumer = await startRunConsumer(database, {
        pollingIntervalSeconds: 0.5,
        ...options.consumer,
        log: (m) => log(`[worker] ${m}`),
      });
    } else {
      log("waiting for a worker (apps/worker) to take it; --work works it in this process");
    }
    const interval = options.pollIntervalMs ?? 500;
    let last = "";
    for (;;) {
      const run = await caller.run.get({ workspace: tenant.slug, id: created.id });
      const line = `${run.status}: ${run.progress.stage} (${Math.round(run.progress.percent)}%)`;
      if (line !== last) log(`run ${run.id}: ${line}`);
      last = line;
      if (FINAL.has(run.status)) {
        const result = (run.result ?? {}) as { k?: unknown; sizes?: unknown };
        const metrics = run.metrics ?? null;
        const k = typeof result.k === "number" ? result.k : typeof metrics?.k === "number" ? metrics.k : null;
        return {
          waited: true,
          error: run.status === "succeeded" ? null : (run.error ?? `the run was ${run.status}`),
          run: {
            id: run.id,
            status: run.status,
            k,
            sizes: Array.isArray(result.sizes) ? (result.sizes as number[]) : null,
            metrics,
            timings: run.timings as Record<string, unknown>,
          },
        };
      }
      if (options.signal?.aborted) {
        throw new AppError(
          "BAD_REQUEST",
          `Stopped waiting: run ${run.id} is ${run.status}${work ? " (it goes back to the queue)" : ""}.`,
        );
      }
      await sleep(interval, options.signal);
    }
  } finally {
    // The run is over (or we stop waiting): a run this process still holds is handed back.
    await consumer?.stop({ drainTimeoutMs: 1_000 });
  }
}

/** Closes what the command opened on the database (the job queue's connections). */
export function closeRunCommand(database: Database): Promise<void> {
  return closeJobQueue(database);
}

/**
 * `run.create` sends the run's job once its transaction has committed, in the background; a CLI
 * that exits right away would close the database under it. Wait until the job is on the queue
 * (if it never gets there, a consumer's recovery sweep sends it later).
 */
async function untilJobSent(database: Database, tenantId: string, runId: string): Promise<void> {
  const [row] = await withTenant(database.db, tenantId, (tx) =>
    tx
      .select({ jobId: runs.jobId })
      .from(runs)
      .where(and(eq(runs.tenantId, tenantId), eq(runs.id, runId))),
  );
  if (!row?.jobId) return;
  const queue = getJobQueue(database);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await queue.getRunJob(row.jobId)) return;
    await sleep(100);
  }
}

/** The run form's field errors, said with the CLI's flag names. */
function toFlagError(error: unknown): unknown {
  if (!(error instanceof TRPCError)) return error;
  const cause = error.cause;
  const field = cause instanceof AppError ? cause.field : undefined;
  const flags: Record<string, string> = {
    "config.features": "--features",
    "config.k": "--k",
    "config.algorithm": "--algorithm",
  };
  if (field && flags[field]) return new RunFlagError(flags[field], cause?.message ?? error.message);
  if (cause instanceof AppError) return cause;
  return error;
}

function describeConfig(config: Record<string, unknown>): string {
  const features = Array.isArray(config.features) ? config.features.join(", ") : "";
  return `${String(config.algorithm)}, k ${String(config.k)}, features ${features || "all numeric"}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
