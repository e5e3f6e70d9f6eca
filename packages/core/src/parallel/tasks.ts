import { driveInline, kmeansRun } from "../cluster/kmeans/engine.js";
import { CHUNK_ROWS, type ChunkOp, type KMeansRowState, runChunk } from "../cluster/kmeans/kernels.js";
import {
  createRowState,
  initialCentroids,
  type ResolvedKMeansOptions,
  runSettings,
} from "../cluster/kmeans/kmeans.js";
import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin } from "../metrics/cluster-indices.js";
import { silhouette, silhouetteBlockSums, silhouetteRange } from "../metrics/silhouette.js";
import { type SweepFitOptions, sweepFit } from "../model-selection/sweep-fit.js";
import type { ProgressCallback, TaskName } from "./executor.js";

/** One k-means restart (run index `run` of the resolved options), labels included. */
export interface KMeansRestartInput {
  x: Matrix;
  k: number;
  options: ResolvedKMeansOptions;
  run: number;
}
export interface KMeansRestartOutput {
  run: number;
  labels: Int32Array;
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
  inertiaHistory: number[];
}

/** One k-means step (a ChunkOp) over chunks [chunkStart, chunkEnd) of shared row state. */
export interface KMeansChunksInput {
  x: Matrix;
  k: number;
  weights: Float64Array | undefined;
  labels: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
  op: ChunkOp;
  chunkStart: number;
  chunkEnd: number;
}
/** The chunks' partials laid end to end (each partialLength(k, d) long). */
export type KMeansChunksOutput = Float64Array;

/** Block sums of silhouette values of rows [start, end) for several labellings (`silhouetteBlockSums`). */
export interface SilhouetteBlocksInput {
  x: Matrix;
  labelings: Int32Array[];
  start: number;
  end: number;
}

/** Silhouette value of rows [start, end) (Owner B's `silhouetteRange`). */
export interface SilhouetteRangeInput {
  x: Matrix;
  labels: Int32Array;
  start: number;
  end: number;
}

/** One k of a k sweep: k-means plus the indices model selection compares. */
export interface SweepKInput {
  x: Matrix;
  k: number;
  /** Fit options; nInit defaults to 3 and restarts run on a 20,000-row sample (see `sweepFit`). */
  options: Omit<SweepFitOptions, "onProgress">;
  silhouetteSampleSize: number;
  seed: number;
  /**
   * false: leave the silhouette to the caller (NaN here), who scores all k at once, as
   * `sweepKParallel` does. Default true.
   */
  silhouette?: boolean;
}
export interface SweepKOutput {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
  iterations: number;
  labels: Int32Array;
  centroids: Float64Array;
}

function kmeansRestart(
  input: KMeansRestartInput,
  progress: ProgressCallback | undefined,
): KMeansRestartOutput {
  const { x, k, options, run } = input;
  const state = createRowState(x, k, options);
  const init = initialCentroids(x, k, options, run);
  const onIteration =
    progress === undefined
      ? undefined
      : (iteration: number) => progress("kmeans", Math.min(1, iteration / options.maxIter));
  const outcome = driveInline(kmeansRun(x, state, init, runSettings(k, options, onIteration)), state, x.n);
  return { run, labels: state.labels, ...outcome };
}

function kmeansChunks(input: KMeansChunksInput): KMeansChunksOutput {
  const { x, k, op, chunkStart, chunkEnd } = input;
  const state: KMeansRowState = {
    x: x.data,
    d: x.d,
    k,
    weights: input.weights,
    labels: input.labels,
    upper: input.upper,
    lower: input.lower,
  };
  const parts: Float64Array[] = [];
  for (let c = chunkStart; c < chunkEnd; c++) parts.push(runChunk(state, op, c, x.n));
  const length = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float64Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function sweepK(input: SweepKInput, progress: ProgressCallback | undefined): SweepKOutput {
  const { x, k } = input;
  const result = sweepFit(x, k, {
    ...input.options,
    onProgress: progress === undefined ? undefined : (stage, f) => void progress(stage, f * 0.9),
  });
  const s =
    input.silhouette === false
      ? Number.NaN
      : silhouette(x, result.labels, { sampleSize: input.silhouetteSampleSize, seed: input.seed });
  progress?.("metrics", 1);
  return {
    k,
    inertia: result.inertia,
    silhouette: s,
    calinskiHarabasz: calinskiHarabasz(x, result.labels),
    daviesBouldin: daviesBouldin(x, result.labels),
    iterations: result.iterations,
    labels: result.labels,
    centroids: result.centroids,
  };
}

/** Runs a named task on this thread. Used by the inline executor and by the worker entry. */
export function runTask(task: TaskName, input: unknown, progress?: ProgressCallback): unknown {
  switch (task) {
    case "kmeans-restart":
      return kmeansRestart(input as KMeansRestartInput, progress);
    case "kmeans-chunks":
      return kmeansChunks(input as KMeansChunksInput);
    case "silhouette-range": {
      const { x, labels, start, end } = input as SilhouetteRangeInput;
      return silhouetteRange(x, labels, start, end);
    }
    case "silhouette-blocks": {
      const { x, labelings, start, end } = input as SilhouetteBlocksInput;
      return silhouetteBlockSums({ x, labelings }, start, end);
    }
    case "sweep-k":
      return sweepK(input as SweepKInput, progress);
    default:
      throw new CoreInputError(`unknown task ${String(task)}`, { field: "task" });
  }
}

/** An error as it crosses a thread: plain data, rebuilt on the other side by `reviveError`. */
export interface SerializedError {
  name: string;
  message: string;
  row?: number | undefined;
  column?: number | undefined;
  field?: string | undefined;
  stage?: string | undefined;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof CoreInputError) {
    return {
      name: error.name,
      message: error.message,
      row: error.row,
      column: error.column,
      field: error.field,
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

export function reviveError(e: SerializedError): Error {
  if (e.name === "CoreInputError") {
    return new CoreInputError(e.message, { row: e.row, column: e.column, field: e.field });
  }
  if (e.name === "CancelledError") {
    const error = new CancelledError("task");
    error.message = e.message;
    return error;
  }
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

export { CHUNK_ROWS };
