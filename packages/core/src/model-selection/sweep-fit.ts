import { type KMeansOptions, type KMeansResult, kmeans } from "../cluster/kmeans/index.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";

/** Restarts per k in a k sweep when the caller gives no nInit (a single fit uses 10). */
export const SWEEP_DEFAULT_N_INIT = 3;
/** Rows the restarts of a sweep fit run on; above this, the best restart is refined on all rows. */
export const SWEEP_DEFAULT_FIT_SAMPLE_SIZE = 20_000;

export interface SweepFitOptions extends KMeansOptions {
  /**
   * Rows the nInit restarts run on (a seeded sample, the same rows for every k); the winning
   * centroids then seed one run on all rows. 0 or Infinity fits on all rows. Default 20,000.
   */
  fitSampleSize?: number;
}

/**
 * The k-means fit of one k in a sweep. Defaults (used by sweepK, sweepKParallel, the sweep-k task
 * and so the CLI and the run executor): nInit = 3 restarts, and when the data has more rows
 * than `fitSampleSize` (20,000) the restarts run on a seeded sample of that many rows and only
 * the best one is refined on all rows (one run seeded with its centroids). Labels, inertia and
 * centroids are those of the all-rows run. An explicit `init` array fits all rows once.
 */
export function sweepFit(x: Matrix, k: number, options: SweepFitOptions = {}): KMeansResult {
  const { fitSampleSize = SWEEP_DEFAULT_FIT_SAMPLE_SIZE, onProgress, ...rest } = options;
  const nInit = rest.nInit ?? SWEEP_DEFAULT_N_INIT;
  const sampleSize = fitSampleSize > 0 ? Math.max(fitSampleSize, 20 * k) : Number.POSITIVE_INFINITY;
  if (rest.init instanceof Float64Array || x.n <= sampleSize) {
    return kmeans(x, k, { ...rest, nInit, ...(onProgress === undefined ? {} : { onProgress }) });
  }
  const rows = sampleRows(x.n, sampleSize, (rest.seed ?? 0) + 7919);
  const sample = takeRows(x, rows);
  const weights = rest.sampleWeight === undefined ? undefined : takeWeights(rest.sampleWeight, rows);
  const scaled = (from: number, span: number) =>
    onProgress === undefined ? undefined : (stage: string, f: number) => onProgress(stage, from + span * f);
  const sampleOptions: KMeansOptions = { ...rest, nInit };
  if (weights === undefined) delete sampleOptions.sampleWeight;
  else sampleOptions.sampleWeight = weights;
  const onSample = scaled(0, 0.4);
  if (onSample !== undefined) sampleOptions.onProgress = onSample;
  const seedFit = kmeans(sample, k, sampleOptions);
  const fullOptions: KMeansOptions = { ...rest, init: seedFit.centroids, nInit: 1 };
  const onFull = scaled(0.4, 0.6);
  if (onFull !== undefined) fullOptions.onProgress = onFull;
  const fit = kmeans(x, k, fullOptions);
  return { ...fit, nInit };
}

/** `size` distinct row indices of [0, n), seeded, in increasing order. */
export function sampleRows(n: number, size: number, seed: number): Int32Array {
  const random = createRandom(seed);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + random.int(n - i);
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, size).sort();
}

function takeRows(x: Matrix, rows: Int32Array): Matrix {
  const { d } = x;
  const data = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) data.set(x.data.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
  return { data, n: rows.length, d };
}

function takeWeights(w: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = w[rows[r]!]!;
  return out;
}
