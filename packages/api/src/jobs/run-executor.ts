import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { MessageChannel } from "node:worker_threads";
import { parseRunConfig, RUN_RESULT_VERSION, type RunConfig, type RunResultDoc } from "@strata/contract";
import {
  assignmentsOf,
  CancelledError,
  CoreInputError,
  type Executor,
  type PreparedMatrix,
  type RowAssignments,
  TaskFailedError,
  type TsneSample,
} from "@strata/core";
import { type Database, type RunProgress, type RunTimings, runs, withTenant } from "@strata/db";
import { and, eq, inArray, sql, TransactionRollbackError } from "drizzle-orm";
import type { Piscina } from "piscina";
import { listPersonalKeys } from "../services/privacy/personal-columns.js";
import { readQuotaEnv } from "../services/quota/env.js";
import { lockQuota } from "../services/quota/workspace-quotas.js";
import {
  type ClusterInput,
  type Clustering,
  kmeansOnExecutor,
  prepareMatrix,
  RunInputError,
} from "./cluster-run.js";
import type { ClusterTaskInput, ClusterTaskResult, ProgressMessage, TsneTaskInput } from "./cluster-task.js";
import type { CustomerIds } from "./customer-ids.js";
import { countRunningRuns, runQueuePriority } from "./fair-share.js";
import { getJobQueue, type RunJobData } from "./queue.js";
import { insertAssignments, listNumericFeatures, readFeatureMatrix } from "./run-data.js";

/** How often a running run's row gets its progress and heartbeat written (and cancellation read). */
export const HEARTBEAT_MS = 1_000;

/** The job's run is not visible yet (its transaction has not committed): retry the job shortly. */
export class RunNotVisibleError extends Error {
  override readonly name = "RunNotVisibleError";
}

export interface RunExecutorContext {
  database: Database;
  /** Core's executor (a Piscina pool over every core): k-means and the k sweep run on it. */
  executor: Executor;
  /** The whole-run task pool (cluster-task.js): algorithms without parallel tasks run there. */
  pool: Piscina;
  workerId: string;
  /** Aborted when the process is draining and the run must be handed back. */
  shutdown: AbortSignal;
  /** Takes work that goes on after the job (the t-SNE map); without it the job awaits that work. */
  background?: (work: Promise<void>) => void;
  heartbeatMs?: number;
  /** Runs of one workspace worked at once across all workers. Default STRATA_MAX_RUNNING_RUNS. */
  maxRunningRuns?: number;
  /** How long a run over its workspace's running cap waits before its job is offered again. */
  deferSeconds?: number;
}

/** A run over its workspace's running cap is offered again after this many seconds. */
export const RUN_DEFER_SECONDS = 5;

type StopReason = { kind: "cancelled" } | { kind: "timeout"; seconds: number } | { kind: "shutdown" };

const clamp = (v: number) => Math.max(0, Math.min(100, Math.round(v * 10) / 10));

/** Readable reason for a worker thread that died rather than returned. */
export function describeThreadFailure(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e?.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory/i.test(e?.message ?? "")) {
    return "The computation ran out of memory. Use fewer features, mini-batch k-means or a smaller k range.";
  }
  const message = e?.message ?? String(error);
  return `The computation stopped unexpectedly (${message}). The run can be retried.`;
}

/**
 * Executes one job: claim the run, stream its features, cluster on the pool, write the result in
 * one transaction. A failure of the run itself (bad input, a crashed thread, cancellation, timeout)
 * is recorded on the run and the job completes; only infrastructure errors (the database went away)
 * and shutdown throw, so the queue retries the job with backoff.
 */
export async function executeRun(context: RunExecutorContext, jobId: string, job: RunJobData): Promise<void> {
  const { database, executor, pool, workerId, shutdown } = context;
  const { runId, tenantId } = job;
  const startedAt = Date.now();

  const maxRunning = context.maxRunningRuns ?? readQuotaEnv().maxRunningRuns;
  let deferredTo: { jobId: string; priority: number } | undefined;
  const claimed = await withTenant(database.db, tenantId, async (tx) => {
    // The workspace's running cap, checked and claimed under its quota lock so that two workers
    // taking two of its jobs at once cannot both pass. Over the cap the run stays queued under a
    // new, later job: this worker takes another workspace's run instead.
    await lockQuota(tx, tenantId);
    const [current] = await tx
      .select({ status: runs.status, jobId: runs.jobId })
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.tenantId, tenantId)));
    if (!current) throw new RunNotVisibleError(`run ${runId} is not visible yet`);
    if (
      current.status === "queued" &&
      current.jobId === jobId &&
      (await countRunningRuns(tx, tenantId, runId)) >= maxRunning
    ) {
      const nextJobId = randomUUID();
      await tx
        .update(runs)
        .set({
          jobId: nextJobId,
          progress: {
            stage: `Waiting: this workspace already has ${maxRunning} run${maxRunning === 1 ? "" : "s"} running`,
            percent: 0,
          },
        })
        .where(and(eq(runs.id, runId), eq(runs.jobId, jobId)));
      deferredTo = { jobId: nextJobId, priority: await runQueuePriority(tx, { id: runId, tenantId }) };
      return undefined;
    }
    const [row] = await tx
      .update(runs)
      .set({
        status: "running",
        attempt: sql`${runs.attempt} + 1`,
        startedAt: new Date(),
        heartbeatAt: new Date(),
        workerId,
        error: null,
        progress: { stage: "Starting", percent: 0 },
      })
      .where(
        and(
          eq(runs.id, runId),
          eq(runs.tenantId, tenantId),
          eq(runs.jobId, jobId),
          inArray(runs.status, ["queued", "running"]),
        ),
      )
      .returning();
    if (row) return row;
    const [existing] = await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, runId));
    if (!existing) throw new RunNotVisibleError(`run ${runId} is not visible yet`);
    return undefined;
  });
  if (deferredTo) {
    // After the commit (on PGlite pg-boss shares the one connection). If this process dies first,
    // the recovery sweep finds the queued run without a live job and sends one.
    await getJobQueue(database).sendRun({ runId, tenantId }, deferredTo.jobId, {
      priority: deferredTo.priority,
      startAfter: context.deferSeconds ?? RUN_DEFER_SECONDS,
    });
    return;
  }
  // Another job owns the run now, or it finished or was cancelled: nothing to do.
  if (!claimed) return;

  const queuedMs =
    claimed.startedAt && claimed.queuedAt ? Date.now() - claimed.queuedAt.getTime() : undefined;
  if (claimed.attempt > claimed.maxAttempts) {
    await finishRun(database, job, jobId, {
      status: "failed",
      error: `The run was started ${claimed.maxAttempts} times and its worker stopped each time, so it was given up. Try fewer customers or features.`,
    });
    return;
  }

  let config: RunConfig;
  try {
    config = parseRunConfig(claimed.config);
  } catch {
    await finishRun(database, job, jobId, { status: "failed", error: "The run's settings are not valid." });
    return;
  }

  // Progress and the stop signal. The heartbeat writes the latest progress once a second and reads
  // back the status: a run cancelled through the api (or taken over after a stall) stops here.
  let progress: RunProgress = { stage: "Starting", percent: 0 };
  let stopReason: StopReason | undefined;
  const controller = new AbortController();
  // Every task of a k sweep listens on it (one per k).
  setMaxListeners(200, controller.signal);
  const stop = (reason: StopReason) => {
    if (stopReason) return;
    stopReason = reason;
    controller.abort(reason);
  };
  let deferredMap: { sample: TsneSample; seed: number; customerIdOf: (row: number) => string } | undefined;
  let write: ResultWrite | undefined;
  let earlyAssignments: RowAssignments | undefined;
  const onShutdown = () => stop({ kind: "shutdown" });
  if (shutdown.aborted) onShutdown();
  shutdown.addEventListener("abort", onShutdown, { once: true });
  const timeout = setTimeout(
    () => stop({ kind: "timeout", seconds: config.timeoutSeconds }),
    config.timeoutSeconds * 1000,
  );

  let beating: Promise<void> | undefined;
  const beat = async () => {
    const snapshot = progress;
    const still = await withTenant(database.db, tenantId, (tx) =>
      tx
        .update(runs)
        .set({ progress: snapshot, heartbeatAt: new Date() })
        .where(and(eq(runs.id, runId), eq(runs.jobId, jobId), eq(runs.status, "running")))
        .returning({ id: runs.id }),
    );
    if (still.length === 0) stop({ kind: "cancelled" });
  };
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = beat()
      .catch((error: Error) => console.error(`[worker] heartbeat of run ${runId} failed: ${error.message}`))
      .finally(() => {
        beating = undefined;
      });
  }, context.heartbeatMs ?? HEARTBEAT_MS);

  const timings: RunTimings = { queuedMs };
  try {
    // 1. Features out of Postgres (0-20 %).
    progress = { stage: "Reading customer features", percent: 1 };
    let t = Date.now();
    const features =
      config.features.length > 0
        ? config.features
        : await withTenant(database.db, tenantId, async (tx) => {
            // No features chosen: every numeric one except personal columns (chosen explicitly only).
            const personal = await listPersonalKeys(tx, tenantId);
            return (await listNumericFeatures(tx, tenantId)).filter((f) => !personal.has(f));
          });
    if (features.length === 0) {
      await finishRun(database, job, jobId, {
        status: "failed",
        error: "This workspace has no numeric customer features yet: import customers or order lines first.",
      });
      return;
    }
    const matrix = await readFeatureMatrix(database, tenantId, features, {
      signal: controller.signal,
      onChunk: (read, total) => {
        progress = {
          stage: `Reading customer features (${read.toLocaleString("en")} of ${total.toLocaleString("en")})`,
          percent: clamp(1 + (19 * read) / total),
        };
      },
    });
    timings.readMs = Date.now() - t;

    // 2. Clustering (20-90 %): k-means on core's executor from here, other algorithms as one task.
    t = Date.now();
    // Never backwards: the bar only moves forward even when a later phase restarts its own count.
    const report = (stage: string, percent: number) => {
      progress = { stage, percent: Math.max(progress.percent, clamp(20 + 0.7 * percent)) };
    };
    // The t-SNE map is drawn after the segments are stored: the user waits for segments, not for it.
    const input: ClusterInput = {
      data: matrix.data,
      n: matrix.n,
      d: matrix.d,
      features,
      config,
      deferMap: true,
    };
    // 3. Result and memberships in one transaction. k-means knows the memberships before its
    // segments are measured and explained (on a pool thread): on PostgreSQL the transaction starts
    // writing them then and commits once the rest of the result is there, so the two overlap. Not
    // on PGlite: its one connection is the web server's too (embedded mode), and a transaction held
    // open while the segments are described would stall every page meanwhile.
    const startWrite = (assigned: RowAssignments) => {
      earlyAssignments = assigned;
      write = startResultWrite(
        database,
        job,
        jobId,
        matrix.customerIds,
        assigned,
        timings,
        controller.signal,
      );
    };
    const result =
      config.algorithm === "kmeans"
        ? await clusterOnExecutor(
            executor,
            pool,
            input,
            report,
            controller.signal,
            () => stopReason !== undefined,
            timings,
            database.driver === "postgres" ? startWrite : undefined,
          )
        : await clusterOnPool(pool, input, report, controller.signal, () => stopReason !== undefined);
    timings.clusterMs = Date.now() - t;
    if (!result.ok) {
      await write?.finish(null);
      await finishRun(database, job, jobId, { status: "failed", error: result.message });
      return;
    }
    controller.signal.throwIfAborted();

    // The heartbeat goes on while saving (a long write must not look like a dead worker); the
    // result transaction touches the run row only in its last statement.
    progress = { stage: "Saving the segments", percent: 92 };
    const computedAt = Date.now();
    const { output } = result;
    if (earlyAssignments && !sameAssignments(earlyAssignments, output)) {
      throw new Error("the memberships written differ from the described result");
    }
    if (!write) startWrite(output);
    // Rows of the output (outliers, map points) are positions in output.rows.
    const customerIdOf = (row: number) => matrix.customerIds.at(output.rows[row]!);
    const resultDoc = {
      version: RUN_RESULT_VERSION,
      algorithm: config.algorithm,
      algorithmDetails: output.algorithmDetails,
      k: output.k,
      sizes: output.sizes,
      features: output.features,
      droppedFeatures: output.droppedFeatures,
      scaler: output.scaler,
      centroids: output.centroids,
      centroidsOriginal: output.centroidsOriginal,
      modelSelection: output.modelSelection,
      chosenK: output.chosenK,
      preparation: { ...output.preparation, customersInWorkspace: matrix.customersInWorkspace },
      transforms: output.transforms,
      outliers: {
        count: output.outliers.count,
        share: output.outliers.share,
        threshold: output.outliers.threshold,
        byFeature: output.outliers.byFeature,
        // The most extreme first; enough to look at, not a second membership list.
        customers: Array.from(output.outliers.rows.slice(0, OUTLIERS_LISTED), customerIdOf),
      },
      stability: output.stability,
      map: {
        method: output.map.method,
        explainedVarianceRatio: output.map.explainedVarianceRatio,
        points: output.map.points.map(([row, x, y, segment, z]) => ({
          customerId: customerIdOf(row),
          x,
          y,
          ...(z === undefined ? {} : { z }),
          segment,
        })),
      },
      // Issue 6's explanation of the segments and the non-linear map (see explain-result.ts).
      explanation: output.explanation?.explanation ?? null,
      tsne: (output.explanation?.tsne ?? []).map(([row, x, y, segment]) => ({
        customerId: customerIdOf(row),
        x,
        y,
        segment,
      })),
      tsnePending: (output.tsneSample?.rows.length ?? 0) >= 4,
      model: output.model as unknown as Record<string, unknown>,
    } satisfies RunResultDoc;
    const metrics = {
      ...output.metrics,
      k: output.k,
      rows: output.preparation.rowsUsed,
      features: output.features.length,
    };
    const written = await write!.finish({ result: resultDoc, metrics, startedAt, computedAt });
    if (!written) return;
    if (resultDoc.tsnePending) deferredMap = { sample: output.tsneSample!, seed: config.seed, customerIdOf };
  } catch (error) {
    const reason = stopReason;
    if (reason?.kind === "cancelled") return; // the api already marked it cancelled
    if (reason?.kind === "timeout") {
      await finishRun(database, job, jobId, {
        status: "failed",
        error: `The run took longer than its limit of ${formatSeconds(reason.seconds)} and was stopped.`,
      });
      return;
    }
    if (reason?.kind === "shutdown") {
      // Handed back under a new job (this one completes): another worker takes it right away.
      await handBackAfterShutdown(database, job, jobId);
      return;
    }
    throw error;
  } finally {
    // Stopped or failed after the memberships started: roll them back (a no-op once committed).
    await write?.finish(null).catch(() => false);
    clearInterval(heartbeat);
    clearTimeout(timeout);
    shutdown.removeEventListener("abort", onShutdown);
    await beating;
  }
  if (deferredMap) {
    const drawing = drawDeferredMap(context, job, deferredMap);
    if (context.background) context.background(drawing);
    else await drawing;
  }
}

/**
 * Draws a succeeded run's t-SNE map on the pool and adds it to the stored result. Never fails the
 * run: a map that cannot be drawn (or a worker shutting down) leaves the result without one. Points
 * of customers erased meanwhile are left out.
 */
async function drawDeferredMap(
  context: RunExecutorContext,
  job: RunJobData,
  map: { sample: TsneSample; seed: number; customerIdOf: (row: number) => string },
): Promise<void> {
  const { database, pool, shutdown } = context;
  const started = Date.now();
  let points: RunResultDoc["tsne"] = [];
  // A worker stopping draws no new map. One being drawn is not aborted: terminating a pool thread
  // that is still loading its task module can bring the whole process down (Node 20's require of
  // an ES module), and a map takes seconds; stopping waits for it.
  if (!shutdown.aborted)
    try {
      const drawn: Array<[number, number, number, number]> = await pool.run(
        { sample: map.sample, seed: map.seed } satisfies TsneTaskInput,
        { name: "tsneTask" },
      );
      points = drawn.map(([row, x, y, segment]) => ({ customerId: map.customerIdOf(row), x, y, segment }));
    } catch (error) {
      console.error(`run ${job.runId}: the t-SNE map could not be drawn`, error);
    }
  await withTenant(database.db, job.tenantId, (tx) =>
    tx.execute(sql`
      update runs set
        result = jsonb_set(jsonb_set(result, '{tsne}', coalesce((
            select jsonb_agg(p) from jsonb_array_elements(${JSON.stringify(points)}::jsonb) p
            where exists (select 1 from customers c
                          where c.tenant_id = runs.tenant_id and c.id = (p ->> 'customerId')::uuid)
          ), '[]'::jsonb)), '{tsnePending}', 'false'::jsonb),
        timings = timings || jsonb_build_object('mapMs', ${Date.now() - started}::int)
      where id = ${job.runId} and status = 'succeeded' and result is not null`),
  ).catch((error: unknown) => console.error(`run ${job.runId}: the t-SNE map was not stored`, error));
}

/** Customers set aside as outliers that a run's result lists by id. */
const OUTLIERS_LISTED = 200;

type Outcome = ClusterTaskResult;
type Report = (stage: string, percent: number) => void;

/**
 * A failure of the computation is the run's own, never retried by the queue (it would fail the same
 * way): bad input becomes a sentence for the user, anything else a crashed computation. Note that
 * core's kmeansParallel reports a failed task of its restarts as a CancelledError (it aborts the
 * others), so when we did not ask to stop, a "cancellation" is a thread failure too.
 */
function runFailure(error: unknown): string {
  if (error instanceof RunInputError) return error.message;
  if (error instanceof CoreInputError) return `The features cannot be clustered: ${error.message}.`;
  if (error instanceof TaskFailedError) return describeThreadFailure(error.cause ?? error);
  if (error instanceof CancelledError) return describeThreadFailure(new Error("a clustering thread failed"));
  return describeThreadFailure(error);
}

async function clusterOnExecutor(
  executor: Executor,
  pool: Piscina,
  input: ClusterInput,
  report: Report,
  signal: AbortSignal,
  isStopping: () => boolean,
  timings: RunTimings,
  onAssigned?: (assigned: RowAssignments) => void,
): Promise<Outcome> {
  let clustering: Clustering;
  let prepared: PreparedMatrix;
  const t = Date.now();
  try {
    report("Preparing features", 2);
    prepared = prepareMatrix(input);
    clustering = await kmeansOnExecutor(executor, input, prepared.fitX, report, signal);
    onAssigned?.(assignmentsOf(prepared, clustering));
  } catch (error) {
    if (isStopping()) throw error;
    return { ok: false, message: runFailure(error) };
  }
  timings.fitMs = Date.now() - t;
  // Measuring, the map and the explanations run on a pool thread as well, so this event loop stays
  // free for heartbeats and cancellation however long they take. The thread is given the prepared
  // matrix rather than preparing it again, and its big buffers move there instead of being copied:
  // at 1,000,000 x 8 that was about 250 MB held twice at the run's peak.
  const described = Date.now();
  const outcome = await clusterOnPool(
    pool,
    { ...input, clustering, prepared },
    report,
    signal,
    isStopping,
    movableBuffersOf(prepared),
  );
  timings.describeMs = Date.now() - described;
  return outcome;
}

/**
 * The prepared matrix's own large buffers, which can move to the describing thread: shared memory
 * (the features as read) is seen there anyway, and the row numbers stay here, where the memberships
 * being written still read them.
 */
function movableBuffersOf(prepared: PreparedMatrix): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of [
    prepared.x.data,
    prepared.fitX.data,
    prepared.original.data,
    prepared.outliers.score,
  ]) {
    if (array.buffer instanceof ArrayBuffer && array.buffer !== prepared.rows.buffer)
      buffers.add(array.buffer);
  }
  return [...buffers];
}

async function clusterOnPool(
  pool: Piscina,
  input: ClusterInput & { clustering?: Clustering; prepared?: PreparedMatrix },
  report: Report,
  signal: AbortSignal,
  isStopping: () => boolean,
  moved: ArrayBuffer[] = [],
): Promise<Outcome> {
  const channel = new MessageChannel();
  channel.port2.on("message", (m: ProgressMessage) => report(m.stage, m.percent));
  channel.port2.unref();
  const task: ClusterTaskInput = { ...input, port: channel.port1 };
  try {
    return await pool.run(task, { transferList: [channel.port1, ...moved], signal });
  } catch (error) {
    if (isStopping()) throw error;
    return { ok: false, message: describeThreadFailure(error) };
  } finally {
    channel.port2.close();
  }
}

/** The rest of a run's result, given to a result write already under way. */
interface ResultParts {
  result: RunResultDoc;
  metrics: Record<string, unknown>;
  startedAt: number;
  /** When the result was complete: the time from here to the commit is the run's saveMs. */
  computedAt: number;
}

interface ResultWrite {
  /**
   * Ends the write: with the result, commits it with the memberships (true), unless the run is no
   * longer this job's (cancelled or taken over: rolled back, false); with null, rolls it back.
   */
  finish(parts: ResultParts | null): Promise<boolean>;
}

/**
 * Opens the run's result transaction and writes its memberships at once; the run row is updated,
 * and everything committed, when `finish` gives the rest of the result. Until then nothing of the
 * run's new memberships is visible, and a failure or a stop rolls all of it back.
 */
function startResultWrite(
  database: Database,
  job: RunJobData,
  jobId: string,
  customerIds: CustomerIds,
  assigned: RowAssignments,
  timings: RunTimings,
  signal: AbortSignal,
): ResultWrite {
  const { runId, tenantId } = job;
  let give!: (parts: ResultParts | null) => void;
  const parts = new Promise<ResultParts | null>((resolve) => {
    give = resolve;
  });
  const t = Date.now();
  const written = withTenant(database.db, tenantId, async (tx) => {
    await tx.execute(sql`delete from run_assignments where run_id = ${runId}`);
    // A stop cancels the write under way (on PostgreSQL the COPY) rather than waiting for its end.
    await insertAssignments(tx, runId, tenantId, customerIds, assigned, { driver: database.driver, signal });
    timings.writeMs = Date.now() - t;
    const rest = await parts;
    if (!rest) tx.rollback();
    timings.saveMs = Date.now() - rest!.computedAt;
    timings.totalMs = Date.now() - rest!.startedAt;
    const rows = await tx
      .update(runs)
      .set({
        status: "succeeded",
        result: rest!.result,
        metrics: rest!.metrics,
        timings,
        progress: { stage: "Done", percent: 100 },
        finishedAt: new Date(),
        heartbeatAt: null,
      })
      .where(and(eq(runs.id, runId), eq(runs.jobId, jobId), eq(runs.status, "running")))
      .returning({ id: runs.id });
    // Cancelled (or taken over) while the result was being computed: keep nothing of it.
    if (rows.length === 0) tx.rollback();
    return rows.length > 0;
  }).catch((error: unknown) => {
    // (Its name is DrizzleError: only the class tells a rollback apart.)
    if (error instanceof TransactionRollbackError) return false;
    throw error;
  });
  // A failed write is reported by `finish`, not as an unhandled rejection while the result is computed.
  written.catch(() => {});
  return {
    finish(rest) {
      give(rest);
      return written;
    },
  };
}

/** The memberships written early are the described result's (same rows, segments and distances). */
function sameAssignments(a: RowAssignments, b: RowAssignments): boolean {
  if (a.rows.length !== b.rows.length || a.labels.length !== b.labels.length) return false;
  for (let i = 0; i < a.labels.length; i++) {
    if (a.rows[i] !== b.rows[i] || a.labels[i] !== b.labels[i]) return false;
    const da = a.distances[i]!;
    const db = b.distances[i]!;
    if (da !== db && !(Number.isNaN(da) && Number.isNaN(db))) return false;
  }
  return true;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} seconds`;
}

/** Records the end of a run this job owns (no effect if the run moved on, e.g. was cancelled). */
export async function finishRun(
  database: Database,
  job: RunJobData,
  jobId: string,
  outcome: { status: "failed" | "succeeded"; error?: string },
): Promise<void> {
  await withTenant(database.db, job.tenantId, (tx) =>
    tx
      .update(runs)
      .set({
        status: outcome.status,
        error: outcome.error ?? null,
        finishedAt: new Date(),
        heartbeatAt: null,
      })
      .where(and(eq(runs.id, job.runId), eq(runs.jobId, jobId), inArray(runs.status, ["queued", "running"]))),
  );
}

/**
 * Shutdown mid-run: the run goes back to `queued` with a new job, sent at once, so another worker
 * (or this one after a restart) picks it up; the old job simply completes. The attempt stays counted.
 */
async function handBackAfterShutdown(database: Database, job: RunJobData, jobId: string): Promise<void> {
  const newJobId = randomUUID();
  try {
    const handed = await withTenant(database.db, job.tenantId, (tx) =>
      tx
        .update(runs)
        .set({
          status: "queued",
          jobId: newJobId,
          // The attempt stays counted (issue 20: retries never reset the count). A run that brings its
          // worker down every time (out of memory, a crash-looping deployment) must end failed after
          // max_attempts, not be handed back forever; an ordinary deploy costs one of its attempts.
          heartbeatAt: null,
          workerId: null,
          queuedAt: new Date(),
          progress: { stage: "Waiting for a worker (the previous one shut down)", percent: 0 },
        })
        .where(and(eq(runs.id, job.runId), eq(runs.jobId, jobId), eq(runs.status, "running")))
        .returning({ id: runs.id }),
    );
    if (handed.length > 0)
      await getJobQueue(database).sendRun({ runId: job.runId, tenantId: job.tenantId }, newJobId);
  } catch (error) {
    // The recovery sweep of any worker finds the run (stale heartbeat or missing job) and requeues it.
    console.error(`[worker] could not hand run ${job.runId} back: ${(error as Error).message}`);
  }
}
