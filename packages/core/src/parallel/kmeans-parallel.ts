import { kmeansRun, type RunOutcome } from "../cluster/kmeans/engine.js";
import { chunkCount, partialLength } from "../cluster/kmeans/kernels.js";
import {
  createRowState,
  initialCentroids,
  iterationProgress,
  type KMeansOptions,
  type KMeansResult,
  resolveKMeansOptions,
  runSettings,
  toResult,
} from "../cluster/kmeans/kmeans.js";
import { CancelledError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import type { Executor } from "./executor.js";
import { isShared, toShared } from "./shared.js";
import type { KMeansChunksInput, KMeansRestartInput, KMeansRestartOutput } from "./tasks.js";

export interface KMeansParallelOptions extends KMeansOptions {
  /**
   * How to spread the work: "restarts" runs whole restarts on different threads, "chunks" runs
   * each iteration's row chunks on all threads (one restart at a time), "auto" picks restarts
   * when there are at least as many restarts as threads.
   */
  parallel?: "auto" | "restarts" | "chunks";
  /** Aborts the fit: in-flight tasks are cancelled and the promise rejects with CancelledError. */
  signal?: AbortSignal;
}

/**
 * `kmeans` spread over an executor's threads, with the same result as `kmeans` for the same
 * seed and options: restart r uses the same derived seed, and chunk partials are combined in
 * the same fixed chunk order whichever thread computed them. Pass a `toShared` matrix to avoid
 * a copy.
 */
export async function kmeansParallel(
  executor: Executor,
  x: Matrix,
  k: number,
  options: KMeansParallelOptions = {},
): Promise<KMeansResult> {
  const opts = resolveKMeansOptions(x, k, options);
  const shared = toShared(x);
  const sampleWeight =
    opts.sampleWeight === undefined || isShared(opts.sampleWeight)
      ? opts.sampleWeight
      : toShared({ data: opts.sampleWeight, n: opts.sampleWeight.length, d: 1 }).data;
  const resolved = { ...opts, sampleWeight };
  const mode = options.parallel ?? "auto";
  const useRestarts =
    mode === "restarts" || (mode === "auto" && opts.nInit >= executor.threads && opts.nInit > 1);

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort);
  try {
    if (options.signal?.aborted) throw new CancelledError("kmeans");
    const result = useRestarts
      ? await byRestarts(executor, shared, k, resolved, options, controller)
      : await byChunks(executor, shared, k, resolved, options, controller);
    // Asked to stop (onProgress returned false, or the caller aborted) while the last tasks were
    // finishing anyway: the caller said it does not want this result.
    if (controller.signal.aborted) throw new CancelledError("kmeans");
    return result;
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof CancelledError)) throw new CancelledError("kmeans");
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

async function byRestarts(
  executor: Executor,
  x: Matrix,
  k: number,
  opts: ReturnType<typeof resolveKMeansOptions>,
  options: KMeansParallelOptions,
  controller: AbortController,
): Promise<KMeansResult> {
  const fractions = new Float64Array(opts.nInit);
  const report = () => {
    if (options.onProgress === undefined) return;
    let sum = 0;
    for (const f of fractions) sum += f;
    if (options.onProgress("kmeans", sum / opts.nInit) === false) controller.abort();
  };
  // Asked once before any work, so a stop is honoured even when every restart finishes before its
  // first progress message arrives.
  report();
  const runs = Array.from({ length: opts.nInit }, (_, run) =>
    executor
      .run<KMeansRestartInput, KMeansRestartOutput>(
        "kmeans-restart",
        { x, k, options: opts, run },
        {
          signal: controller.signal,
          onProgress: (_stage, f) => {
            fractions[run] = f;
            report();
          },
        },
      )
      .catch((error: unknown) => {
        controller.abort();
        throw error;
      }),
  );
  const outcomes = await Promise.all(runs);
  // Lowest inertia wins; ties go to the earlier restart, as in the sequential loop.
  let best = outcomes[0]!;
  for (const o of outcomes) if (o.inertia < best.inertia) best = o;
  return toResult(k, x.d, opts.nInit, opts.algorithm, best.labels, best);
}

async function byChunks(
  executor: Executor,
  x: Matrix,
  k: number,
  opts: ReturnType<typeof resolveKMeansOptions>,
  options: KMeansParallelOptions,
  controller: AbortController,
): Promise<KMeansResult> {
  const state = createRowState(x, k, opts, (bytes) => new SharedArrayBuffer(bytes));
  const chunks = chunkCount(x.n);
  const groups = Math.min(executor.threads, chunks);
  const bounds = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * chunks) / groups));
  const plen = partialLength(k, x.d);
  let best: RunOutcome | undefined;
  let bestLabels = state.labels;
  for (let run = 0; run < opts.nInit; run++) {
    const init = initialCentroids(x, k, opts, run);
    state.labels.fill(0);
    const progress = iterationProgress(options.onProgress, run, opts.nInit, opts.maxIter);
    const gen = kmeansRun(x, state, init, runSettings(k, opts, progress));
    let step = gen.next(undefined as unknown as Float64Array[]);
    while (!step.done) {
      if (controller.signal.aborted) throw new CancelledError("kmeans");
      const op = step.value;
      const replies = await Promise.all(
        Array.from({ length: groups }, (_, g) =>
          executor.run<KMeansChunksInput, Float64Array>(
            "kmeans-chunks",
            {
              x,
              k,
              weights: opts.sampleWeight,
              labels: state.labels,
              upper: state.upper,
              lower: state.lower,
              op,
              chunkStart: bounds[g]!,
              chunkEnd: bounds[g + 1]!,
            },
            { signal: controller.signal },
          ),
        ),
      );
      const partials: Float64Array[] = [];
      for (const reply of replies) {
        for (let o = 0; o < reply.length; o += plen) partials.push(reply.subarray(o, o + plen));
      }
      step = gen.next(partials);
    }
    const outcome = step.value;
    if (best === undefined || outcome.inertia < best.inertia) {
      best = outcome;
      bestLabels = run === opts.nInit - 1 ? state.labels : Int32Array.from(state.labels);
    }
  }
  // Hand back plain (non-shared) labels like kmeans does.
  const labels = bestLabels.buffer instanceof SharedArrayBuffer ? Int32Array.from(bestLabels) : bestLabels;
  return toResult(k, x.d, opts.nInit, opts.algorithm, labels, best!);
}
