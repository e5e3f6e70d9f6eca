import { CancelledError, CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { createRandom, deriveSeed } from "../../random/index.js";
import { driveInline, kmeansRun, type RunOutcome, type RunSettings } from "./engine.js";
import { kmeansPlusPlus, randomInit } from "./init.js";
import { halfNorms, type KMeansRowState } from "./kernels.js";

export type KMeansAlgorithm = "auto" | "lloyd" | "hamerly" | "elkan";

export interface KMeansOptions {
  /** Restarts from different seeds; the run with the lowest inertia wins. Default 10 (1 with an explicit init). */
  nInit?: number;
  /** Iterations per run. Default 300. */
  maxIter?: number;
  /**
   * Convergence tolerance, scikit-learn semantics: a run stops when the summed squared centroid
   * shift is at most tol x the mean per-feature variance of x. Default 1e-4; 0 runs until labels
   * stop changing or maxIter.
   */
  tol?: number;
  /** Seed of the run; restart r uses `deriveSeed(seed, r)`. Default 0. */
  seed?: number;
  /** "k-means++" (default), "random" (k distinct rows) or explicit k*d centroids. */
  init?: "k-means++" | "random" | Float64Array;
  /**
   * "lloyd" (plain), "hamerly" (bound-based, same result, skips most distance computations once
   * centroids settle), "auto" (hamerly) or "elkan" (accepted for scikit-learn familiarity; runs
   * Hamerly's algorithm, which needs one lower bound per row instead of k).
   */
  algorithm?: KMeansAlgorithm;
  /** Per-row non-negative weights (length n). */
  sampleWeight?: Float64Array;
  /** Called after every iteration with stage "kmeans"; return false to stop (throws CancelledError). */
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

export interface KMeansResult {
  labels: Int32Array;
  /** k*d row-major. */
  centroids: Float64Array;
  k: number;
  d: number;
  /** Weighted sum of squared distances from each row to its centroid. */
  inertia: number;
  /** Iterations of the winning run. */
  iterations: number;
  /** Whether the winning run met tol (or stopped changing labels) before maxIter. */
  converged: boolean;
  /** Runs made. */
  nInit: number;
  /** Algorithm actually run. */
  algorithm: "lloyd" | "hamerly" | "minibatch";
  /** Inertia at each Lloyd assignment step of the winning run (Lloyd only): never rises. */
  inertiaHistory?: number[];
}

export interface ResolvedKMeansOptions {
  nInit: number;
  maxIter: number;
  tolAbs: number;
  seed: number;
  init: "k-means++" | "random" | Float64Array;
  algorithm: "lloyd" | "hamerly";
  sampleWeight: Float64Array | undefined;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new CoreInputError(`${field} must be a positive integer, got ${value}`, { field });
  }
  return value;
}

/** Number of distinct rows, counting only up to `limit` (stops early). */
function distinctRowsUpTo(x: Matrix, limit: number): number {
  const seen = new Set<string>();
  const { data, n, d } = x;
  for (let i = 0; i < n && seen.size < limit; i++) {
    let key = "";
    for (let t = 0; t < d; t++) key += `${data[i * d + t]},`;
    seen.add(key);
  }
  return seen.size;
}

/** Mean over features of the population variance (scikit-learn's tolerance scale). */
export function meanVariance(x: Matrix): number {
  const { data, n, d } = x;
  if (n === 0) return 0;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
  for (let t = 0; t < d; t++) mean[t]! /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t]! - mean[t]!;
      total += v * v;
    }
  }
  return total / n / d;
}

/** Checks x, k and options; throws CoreInputError naming the field, row or column. */
export function resolveKMeansOptions(
  x: Matrix,
  k: number,
  options: KMeansOptions = {},
): ResolvedKMeansOptions {
  const { n, d } = x;
  if (n < 1 || d < 1) {
    throw new CoreInputError(`k-means needs at least one row and one column, got ${n} x ${d}`, {
      field: "x",
    });
  }
  positiveInteger(k, "k");
  assertFinite(x);
  const maxIter = positiveInteger(options.maxIter ?? 300, "maxIter");
  const tol = options.tol ?? 1e-4;
  if (!(tol >= 0) || !Number.isFinite(tol)) {
    throw new CoreInputError(`tol must be a finite number >= 0, got ${tol}`, { field: "tol" });
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed))
    throw new CoreInputError(`seed must be a finite number, got ${seed}`, { field: "seed" });
  const init = options.init ?? "k-means++";
  if (init instanceof Float64Array) {
    if (init.length !== k * d) {
      throw new CoreInputError(`init has ${init.length} values, expected k x d = ${k * d}`, {
        field: "init",
      });
    }
    for (let i = 0; i < init.length; i++) {
      if (!Number.isFinite(init[i]!)) {
        throw new CoreInputError(`init centroid ${Math.floor(i / d)} has a non-finite value`, {
          field: "init",
        });
      }
    }
  } else if (init !== "k-means++" && init !== "random") {
    throw new CoreInputError(`init must be "k-means++", "random" or a Float64Array, got ${String(init)}`, {
      field: "init",
    });
  }
  const nInit = init instanceof Float64Array ? 1 : positiveInteger(options.nInit ?? 10, "nInit");
  const algorithmOption = options.algorithm ?? "auto";
  if (!["auto", "lloyd", "hamerly", "elkan"].includes(algorithmOption)) {
    throw new CoreInputError(`algorithm must be auto, lloyd, hamerly or elkan, got ${algorithmOption}`, {
      field: "algorithm",
    });
  }
  const algorithm = algorithmOption === "lloyd" || k === 1 ? "lloyd" : "hamerly";
  const sampleWeight = options.sampleWeight;
  if (sampleWeight !== undefined) {
    if (sampleWeight.length !== n) {
      throw new CoreInputError(`sampleWeight has ${sampleWeight.length} values, expected ${n}`, {
        field: "sampleWeight",
      });
    }
    let positive = 0;
    for (let i = 0; i < n; i++) {
      const w = sampleWeight[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new CoreInputError(`sampleWeight at row ${i} is ${w}, expected a finite number >= 0`, {
          row: i,
          field: "sampleWeight",
        });
      }
      if (w > 0) positive++;
    }
    if (positive < k) {
      throw new CoreInputError(`only ${positive} rows have a positive sampleWeight, fewer than k = ${k}`, {
        field: "sampleWeight",
      });
    }
  }
  if (k > n) throw new CoreInputError(`k = ${k} is larger than the number of rows (${n})`, { field: "k" });
  const distinct = distinctRowsUpTo(x, k);
  if (distinct < k) {
    throw new CoreInputError(`k = ${k} is larger than the number of distinct rows (${distinct})`, {
      field: "k",
    });
  }
  // tol 0 (run to maxIter or a fixed point) needs no scale: skip a pass over the data.
  const tolAbs = tol === 0 ? 0 : tol * meanVariance(x);
  return { nInit, maxIter, tolAbs, seed, init, algorithm, sampleWeight };
}

/** Initial centroids of restart `run` (deterministic for a seed). */
export function initialCentroids(
  x: Matrix,
  k: number,
  opts: ResolvedKMeansOptions,
  run: number,
): Float64Array {
  if (opts.init instanceof Float64Array) return opts.init;
  const random = createRandom(deriveSeed(opts.seed, run));
  return opts.init === "random"
    ? randomInit(x, k, random)
    : kmeansPlusPlus(x, k, random, { sampleWeight: opts.sampleWeight });
}

export function createRowState(
  x: Matrix,
  k: number,
  opts: ResolvedKMeansOptions,
  alloc: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes),
): KMeansRowState {
  const boundsLength = opts.algorithm === "hamerly" ? x.n : 0;
  return {
    x: x.data,
    d: x.d,
    k,
    weights: opts.sampleWeight,
    labels: new Int32Array(alloc(4 * x.n)),
    upper: new Float64Array(alloc(8 * boundsLength)),
    lower: new Float64Array(alloc(8 * boundsLength)),
  };
}

export function runSettings(
  k: number,
  opts: ResolvedKMeansOptions,
  onIteration?: (iteration: number) => void,
): RunSettings {
  return { k, maxIter: opts.maxIter, tolAbs: opts.tolAbs, algorithm: opts.algorithm, onIteration };
}

/** Progress reporter for run `run` of `nInit`; throws CancelledError when the callback says stop. */
export function iterationProgress(
  onProgress: KMeansOptions["onProgress"],
  run: number,
  nInit: number,
  maxIter: number,
): ((iteration: number) => void) | undefined {
  if (onProgress === undefined) return undefined;
  return (iteration) => {
    if (onProgress("kmeans", Math.min(1, (run + iteration / maxIter) / nInit)) === false) {
      throw new CancelledError("kmeans");
    }
  };
}

export function toResult(
  k: number,
  d: number,
  nInit: number,
  algorithm: "lloyd" | "hamerly",
  labels: Int32Array,
  best: RunOutcome,
): KMeansResult {
  const result: KMeansResult = {
    labels,
    centroids: best.centroids,
    k,
    d,
    inertia: best.inertia,
    iterations: best.iterations,
    converged: best.converged,
    nInit,
    algorithm,
  };
  if (algorithm === "lloyd") result.inertiaHistory = best.inertiaHistory;
  return result;
}

/**
 * k-means clustering of the rows of x (Lloyd's algorithm accelerated with Hamerly's bounds by
 * default), k-means++ initialisation, nInit restarts keeping the lowest inertia. Deterministic
 * for a seed; matches scikit-learn's KMeans semantics for tol, init and empty clusters.
 */
export function kmeans(x: Matrix, k: number, options: KMeansOptions = {}): KMeansResult {
  const opts = resolveKMeansOptions(x, k, options);
  const state = createRowState(x, k, opts);
  let best: RunOutcome | undefined;
  let bestLabels = state.labels;
  for (let run = 0; run < opts.nInit; run++) {
    const init = initialCentroids(x, k, opts, run);
    state.labels.fill(0);
    const progress = iterationProgress(options.onProgress, run, opts.nInit, opts.maxIter);
    const outcome = driveInline(kmeansRun(x, state, init, runSettings(k, opts, progress)), state, x.n);
    if (best === undefined || outcome.inertia < best.inertia) {
      best = outcome;
      bestLabels = run === opts.nInit - 1 ? state.labels : Int32Array.from(state.labels);
    }
  }
  return toResult(k, x.d, opts.nInit, opts.algorithm, bestLabels, best!);
}

/**
 * Nearest centroid of every row: `labels` and the Euclidean `distances` to it
 * (square them for inertia).
 */
export function assignToNearest(
  x: Matrix,
  centroids: Float64Array,
  k: number,
): { labels: Int32Array; distances: Float64Array } {
  const { data, n, d } = x;
  if (centroids.length !== k * d) {
    throw new CoreInputError(`centroids have ${centroids.length} values, expected k x d = ${k * d}`, {
      field: "centroids",
    });
  }
  assertFinite(x);
  const hn = halfNorms(centroids, k, d);
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let best = 0;
    let bestV = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[o + t]! * centroids[j * d + t]!;
      const v = hn[j]! - dot;
      if (v < bestV) {
        bestV = v;
        best = j;
      }
    }
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = data[o + t]! - centroids[best * d + t]!;
      s += v * v;
    }
    labels[i] = best;
    distances[i] = Math.sqrt(s);
  }
  return { labels, distances };
}
