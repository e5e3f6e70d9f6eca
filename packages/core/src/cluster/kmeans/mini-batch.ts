import { CancelledError, CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { createRandom, deriveSeed, type Random } from "../../random/index.js";
import { kmeansPlusPlus } from "./init.js";
import { halfNorms } from "./kernels.js";
import type { KMeansResult } from "./kmeans.js";

export interface MiniBatchKMeansOptions {
  /** Rows per update step. Default 1024 (scikit-learn's default). */
  batchSize?: number;
  /** Passes over the data (epochs) for `miniBatchKMeans`. Default 100. */
  maxIter?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia. Default 10. */
  maxNoImprovement?: number;
  /** Candidate k-means++ initialisations; the one with the lowest inertia on the init sample wins. Default 3. */
  nInit?: number;
  /** Rows used to choose the initial centroids. Default 3 x batchSize (at least k). */
  initSize?: number;
  seed?: number;
  /** Explicit k*d initial centroids instead of k-means++. */
  init?: Float64Array;
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

/**
 * Streaming mini-batch k-means (Sculley 2010, with scikit-learn's per-centre learning rate):
 * each batch moves a centroid towards the mean of its assigned rows by a step that shrinks as
 * the centroid accumulates rows. Feed chunks with `partialFit` (e.g. pages read from a
 * database, several passes if you like); the first chunk seeds the centroids with k-means++.
 * Then `assign` chunks to get labels and `inertia` back.
 */
export interface MiniBatchKMeans {
  readonly k: number;
  readonly d: number;
  /** Current k*d centroids (undefined until the first partialFit). */
  readonly centroids: Float64Array | undefined;
  /** Rows (weight) absorbed by each centroid so far. */
  readonly counts: Float64Array;
  /** Update steps made. */
  readonly steps: number;
  /** Updates the centroids with one chunk of rows (split into batches of batchSize). Returns the chunk's inertia before the update. */
  partialFit(chunk: Matrix): number;
  /** Labels of a chunk under the current centroids, and their summed squared distance. */
  assign(chunk: Matrix): { labels: Int32Array; inertia: number };
}

function checkChunk(chunk: Matrix, d: number): void {
  if (chunk.d !== d) {
    throw new CoreInputError(`chunk has ${chunk.d} columns, expected ${d}`, { field: "d" });
  }
  assertFinite(chunk);
}

/** Nearest centroid of rows [start, end) of `data`; returns squared distance sum, fills labels. */
function nearestRows(
  data: Float64Array,
  rows: Int32Array | undefined,
  count: number,
  d: number,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
): number {
  const hn = halfNorms(centroids, k, d);
  let inertia = 0;
  for (let r = 0; r < count; r++) {
    const o = (rows === undefined ? r : rows[r]!) * d;
    let best = 0;
    let bestV = Number.POSITIVE_INFINITY;
    for (let j = 0, c = 0; j < k; j++, c += d) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[o + t]! * centroids[c + t]!;
      const v = hn[j]! - dot;
      if (v < bestV) {
        bestV = v;
        best = j;
      }
    }
    let xx = 0;
    for (let t = 0; t < d; t++) xx += data[o + t]! * data[o + t]!;
    const dist = xx + 2 * bestV;
    inertia += Math.max(dist, 0);
    labels[r] = best;
  }
  return inertia;
}

export function createMiniBatchKMeans(
  k: number,
  d: number,
  options: MiniBatchKMeansOptions = {},
): MiniBatchKMeans {
  return createModel(k, d, options).model;
}

interface ModelInternals {
  model: MiniBatchKMeans;
  /** One update step with the rows `rows` of data; returns their inertia before the update. */
  stepRows(data: Float64Array, rows: Int32Array, count: number): number;
}

function createModel(k: number, d: number, options: MiniBatchKMeansOptions): ModelInternals {
  if (!Number.isInteger(k) || k < 1)
    throw new CoreInputError(`k must be a positive integer, got ${k}`, { field: "k" });
  if (!Number.isInteger(d) || d < 1)
    throw new CoreInputError(`d must be a positive integer, got ${d}`, { field: "d" });
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CoreInputError(`batchSize must be a positive integer, got ${batchSize}`, {
      field: "batchSize",
    });
  }
  const nInit = options.nInit ?? 3;
  if (!Number.isInteger(nInit) || nInit < 1) {
    throw new CoreInputError(`nInit must be a positive integer, got ${nInit}`, { field: "nInit" });
  }
  if (options.init !== undefined && options.init.length !== k * d) {
    throw new CoreInputError(`init has ${options.init.length} values, expected k x d = ${k * d}`, {
      field: "init",
    });
  }
  const seed = options.seed ?? 0;
  let centroids: Float64Array | undefined =
    options.init === undefined ? undefined : Float64Array.from(options.init);
  const counts = new Float64Array(k);
  let steps = 0;
  let labels = new Int32Array(batchSize);
  const sums = new Float64Array(k * d);
  const batchCounts = new Float64Array(k);

  function initialise(chunk: Matrix): Float64Array {
    if (chunk.n < k) {
      throw new CoreInputError(`the first chunk has ${chunk.n} rows, k-means++ needs at least k = ${k}`, {
        field: "k",
      });
    }
    return chooseInit(chunk, k, seed, nInit);
  }

  /** One update with rows `rows` (indices into data) or the first `count` rows. */
  function step(data: Float64Array, rows: Int32Array | undefined, count: number): number {
    const c = centroids!;
    if (labels.length < count) labels = new Int32Array(count);
    const inertia = nearestRows(data, rows, count, d, c, k, labels);
    sums.fill(0);
    batchCounts.fill(0);
    for (let r = 0; r < count; r++) {
      const o = (rows === undefined ? r : rows[r]!) * d;
      const j = labels[r]!;
      for (let t = 0; t < d; t++) sums[j * d + t]! += data[o + t]!;
      batchCounts[j]!++;
    }
    for (let j = 0; j < k; j++) {
      const b = batchCounts[j]!;
      if (b === 0) continue;
      const total = counts[j]! + b;
      // new centroid = (old * count + batch sum) / (count + batch count)
      for (let t = 0; t < d; t++) c[j * d + t] = (c[j * d + t]! * counts[j]! + sums[j * d + t]!) / total;
      counts[j] = total;
    }
    steps++;
    return inertia;
  }

  const model: MiniBatchKMeans = {
    k,
    d,
    get centroids() {
      return centroids;
    },
    counts,
    get steps() {
      return steps;
    },
    partialFit(chunk: Matrix): number {
      checkChunk(chunk, d);
      if (centroids === undefined) centroids = initialise(chunk);
      let inertia = 0;
      for (let start = 0; start < chunk.n; start += batchSize) {
        const count = Math.min(batchSize, chunk.n - start);
        inertia += step(chunk.data.subarray(start * d, (start + count) * d), undefined, count);
      }
      return inertia;
    },
    assign(chunk: Matrix) {
      checkChunk(chunk, d);
      if (centroids === undefined) {
        throw new CoreInputError("assign called before any partialFit", { field: "centroids" });
      }
      const out = new Int32Array(chunk.n);
      const inertia = nearestRows(chunk.data, undefined, chunk.n, d, centroids, k, out);
      return { labels: out, inertia };
    },
  };
  return { model, stepRows: step };
}

/** Best of nInit k-means++ initialisations on a sample, judged by the sample's inertia. */
function chooseInit(sample: Matrix, k: number, seed: number, nInit: number): Float64Array {
  const labels = new Int32Array(sample.n);
  let best: Float64Array | undefined;
  let bestInertia = Number.POSITIVE_INFINITY;
  for (let r = 0; r < nInit; r++) {
    const c = kmeansPlusPlus(sample, k, createRandom(deriveSeed(seed, r)));
    const inertia = nearestRows(sample.data, undefined, sample.n, sample.d, c, k, labels);
    if (inertia < bestInertia) {
      bestInertia = inertia;
      best = c;
    }
  }
  return best!;
}

function sampleRows(random: Random, n: number, count: number, out: Int32Array): void {
  for (let r = 0; r < count; r++) out[r] = random.int(n);
}

/**
 * Mini-batch k-means over an in-memory matrix: random batches of batchSize rows (with
 * replacement, like scikit-learn) for up to maxIter epochs, stopping early when the smoothed
 * batch inertia has not improved for maxNoImprovement steps. Labels and inertia come from a
 * final full assignment pass.
 */
export function miniBatchKMeans(x: Matrix, k: number, options: MiniBatchKMeansOptions = {}): KMeansResult {
  const { n, d } = x;
  if (n < 1 || d < 1) {
    throw new CoreInputError(`mini-batch k-means needs at least one row and one column, got ${n} x ${d}`, {
      field: "x",
    });
  }
  assertFinite(x);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new CoreInputError(`k must be an integer in 1..${n}, got ${k}`, { field: "k" });
  }
  const batchSize = Math.min(options.batchSize ?? 1024, n);
  const maxIter = options.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new CoreInputError(`maxIter must be a positive integer, got ${maxIter}`, { field: "maxIter" });
  }
  const maxNoImprovement = options.maxNoImprovement ?? 10;
  const seed = options.seed ?? 0;
  const nInit = options.nInit ?? 3;
  const random = createRandom(deriveSeed(seed, 1_000_003));
  let init = options.init;
  if (init === undefined) {
    const initSize = Math.min(n, Math.max(k, options.initSize ?? 3 * batchSize));
    const rows = new Int32Array(initSize);
    if (initSize === n) for (let i = 0; i < n; i++) rows[i] = i;
    else sampleRows(random, n, initSize, rows);
    const sample = new Float64Array(initSize * d);
    for (let r = 0; r < initSize; r++) sample.set(x.data.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
    init = chooseInit({ data: sample, n: initSize, d }, k, seed, nInit);
  }
  const { model, stepRows } = createModel(k, d, { ...options, batchSize, init });

  const rows = new Int32Array(batchSize);
  const totalSteps = Math.ceil((maxIter * n) / batchSize);
  let ewa = Number.NaN;
  let bestEwa = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  let converged = false;
  let steps = 0;
  // scikit-learn's smoothing of the per-row batch inertia
  const alpha = Math.min(1, (2 * batchSize) / (n + 1));
  for (let s = 0; s < totalSteps; s++) {
    sampleRows(random, n, batchSize, rows);
    const inertia = stepRows(x.data, rows, batchSize) / batchSize;
    steps = s + 1;
    ewa = Number.isNaN(ewa) ? inertia : ewa * (1 - alpha) + inertia * alpha;
    if (ewa < bestEwa) {
      bestEwa = ewa;
      noImprovement = 0;
    } else if (++noImprovement >= maxNoImprovement) {
      converged = true;
      break;
    }
    if (options.onProgress !== undefined && (s & 15) === 15) {
      if (options.onProgress("minibatch", steps / totalSteps) === false)
        throw new CancelledError("minibatch");
    }
  }
  const { labels, inertia } = model.assign(x);
  return {
    labels,
    centroids: Float64Array.from(model.centroids!),
    k,
    d,
    inertia,
    iterations: steps,
    converged,
    nInit: options.init === undefined ? nInit : 1,
    algorithm: "minibatch",
  };
}
