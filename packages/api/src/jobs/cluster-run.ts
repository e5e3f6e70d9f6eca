import {
  applyTransforms,
  assignToNearest,
  bootstrapStability,
  CancelledError,
  type ColumnTransform,
  CoreInputError,
  calinskiHarabasz,
  chooseK,
  chooseTransforms,
  cutToK,
  daviesBouldin,
  dbscan,
  type Executor,
  findOutliers,
  fitScaler,
  gaussianMixture,
  hierarchical,
  inertia as inertiaOf,
  kmeans,
  kmeansParallel,
  MAX_HIERARCHICAL_ROWS,
  type Matrix,
  miniBatchKMeans,
  pca,
  silhouette,
  silhouetteScores,
  suggestEps,
  sweepFit,
  sweepKParallel,
  toShared,
  transformScaler,
} from "@strata/core";
import type { RunConfig } from "../services/run/run-config.js";
import { type ExplanationOutput, explainResult } from "./explain-result.js";

/**
 * The computing half of a run: raw feature matrix in (NaN = missing), the whole result out. k-means
 * runs from the worker's main thread on core's executor (its heavy parts on pool threads); the other
 * algorithms run whole inside a Piscina task (cluster-task.ts). Either way a crash or an
 * out-of-memory takes down one thread and fails one run, never the process.
 */

export interface ClusterInput {
  /** n x d row-major raw feature values (NaN where a customer has no value); may be shared memory. */
  data: Float64Array;
  n: number;
  d: number;
  features: string[];
  config: RunConfig;
}

export interface ModelSelectionPoint {
  k: number;
  inertia: number;
  silhouette: number | null;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  /** Shares of the smallest and largest segment (of the customers clustered), 0..1. */
  minShare?: number | null;
  maxShare?: number | null;
  /** Mean adjusted Rand index of k-means over bootstrap resamples (1: the same segments every time). */
  stability?: number | null;
}

/** How one feature was reshaped before scaling (chosen per run unless the run says "none"). */
export interface FeatureTransform {
  feature: string;
  kind: ColumnTransform["kind"];
  lambda?: number;
  skewBefore: number | null;
  skewAfter: number | null;
}

/** Customers set aside while fitting (extreme on some feature), then given their nearest segment. */
export interface OutlierReport {
  count: number;
  share: number;
  /** Robust standard deviations from the median beyond which a customer counts as extreme. */
  threshold: number;
  /** How many were extreme on each feature (the feature where they were most extreme). */
  byFeature: Array<{ feature: string; count: number }>;
  /** Row indices (into `rows`) of the customers set aside, most extreme first. */
  rows: number[];
}

export interface ClusterOutput {
  /** Input row index of every row that was clustered (rows dropped for missing values are absent). */
  rows: Int32Array;
  /** Segment per clustered row (-1: DBSCAN noise). */
  labels: Int32Array;
  /** Distance to the own segment's centroid in scaled units (NaN for noise). */
  distances: Float64Array;
  k: number;
  sizes: number[];
  /** Features actually used (constant ones are left out) and the ones left out, with why. */
  features: string[];
  droppedFeatures: Array<{ feature: string; reason: string }>;
  scaler: { kind: string; center: number[]; scale: number[] };
  /** Segment centres in scaled units and in the features' own units (k x features). */
  centroids: number[][];
  centroidsOriginal: number[][];
  modelSelection: ModelSelectionPoint[];
  chosenK: { k: number; reason: string };
  metrics: {
    inertia: number | null;
    silhouette: number | null;
    calinskiHarabasz: number | null;
    daviesBouldin: number | null;
    noiseShare: number | null;
  };
  preparation: { rowsIn: number; rowsUsed: number; rowsDropped: number; valuesImputed: number };
  /** 2-D PCA coordinates of a seeded sample of the clustered rows (index into `rows`). */
  map: {
    method: "pca";
    explainedVarianceRatio: number[];
    /** [row, x, y, segment] and, with three or more features, z. */
    points: Array<[number, number, number, number, number?]>;
  };
  /** Algorithm-specific parts (see Clustering.extra). */
  algorithmDetails: Record<string, unknown>;
  /** Profiles, rules, names, correlations and the t-SNE map (explain-result.ts). */
  explanation?: ExplanationOutput;
  transforms: FeatureTransform[];
  outliers: OutlierReport;
  /** k-means stability of the chosen k over bootstrap resamples (null when not measured). */
  stability: number | null;
}

/** A problem with the run's input that the user can fix; its message is shown as is. */
export class RunInputError extends Error {
  override readonly name = "RunInputError";
}

export type Progress = (stage: string, percent: number) => void;

const round = (v: number, digits = 6) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

export interface Prepared {
  /** Every clustered row, transformed and scaled. */
  x: Matrix;
  /** The rows the segments are fitted on: `x` without the outliers set aside. */
  fitX: Matrix;
  /** Row of `x` for each row of `fitX`. */
  fitRows: Int32Array;
  /** The same rows in the features' own units (missing values filled), for profiles and centres. */
  original: Matrix;
  rows: Int32Array;
  features: string[];
  dropped: Array<{ feature: string; reason: string }>;
  transforms: ColumnTransform[];
  outliers: { mask: Uint8Array; count: number; score: Float64Array; feature: Int32Array; threshold: number };
  scaler: { kind: string; center: Float64Array; scale: Float64Array };
  valuesImputed: number;
}

function median(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Missing values, constant features, scaling; every refusal is a sentence for the user. */
export function prepareMatrix(input: ClusterInput): Prepared {
  const { data, n, d, features, config } = input;
  if (n === 0) {
    throw new RunInputError(
      "There are no customers with features in this workspace yet: import customers or order lines first.",
    );
  }
  const dropped: Array<{ feature: string; reason: string }> = [];
  const keptColumns: number[] = [];
  const medians = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const present: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j]!;
      if (Number.isFinite(v)) present.push(v);
    }
    if (present.length === 0) {
      dropped.push({ feature: features[j]!, reason: "no customer has a value" });
      continue;
    }
    const first = present[0]!;
    if (present.every((v) => v === first)) {
      dropped.push({ feature: features[j]!, reason: `every customer has the same value (${first})` });
      continue;
    }
    medians[j] = median(Float64Array.from(present));
    keptColumns.push(j);
  }
  if (keptColumns.length === 0) {
    const names = features.join(", ");
    throw new RunInputError(
      `Every selected feature (${names}) has the same value for all customers or no value at all, so there is nothing to tell customers apart by. Choose other features.`,
    );
  }
  const dk = keptColumns.length;
  const keepRow = new Uint8Array(n).fill(1);
  let valuesImputed = 0;
  if (config.missing === "drop") {
    for (let i = 0; i < n; i++) {
      for (const j of keptColumns) if (!Number.isFinite(data[i * d + j]!)) keepRow[i] = 0;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += keepRow[i]!;
  const rows = new Int32Array(m);
  const raw = new Float64Array(m * dk);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (!keepRow[i]) continue;
    rows[r] = i;
    for (let c = 0; c < dk; c++) {
      const j = keptColumns[c]!;
      let v = data[i * d + j]!;
      if (!Number.isFinite(v)) {
        v = medians[j]!;
        valuesImputed++;
      }
      raw[r * dk + c] = v;
    }
    r++;
  }
  const original: Matrix = { data: raw, n: m, d: dk };
  // Skewed features are reshaped first (log or Yeo-Johnson), then the customers still extreme on
  // some feature are set aside while fitting so that no segment is spent on a handful of them.
  // DBSCAN finds its own noise, so it sees everyone.
  const transforms =
    config.transform === "auto"
      ? chooseTransforms(original)
      : Array.from({ length: dk }, (): ColumnTransform => ({ kind: "none", skewBefore: 0, skewAfter: 0 }));
  const shaped = transforms.some((t) => t.kind !== "none") ? applyTransforms(original, transforms) : original;
  const setsAside = config.outliers === "set-aside" && config.algorithm !== "dbscan";
  const outliers = setsAside
    ? findOutliers(shaped, { maxShare: OUTLIER_MAX_SHARE })
    : {
        mask: new Uint8Array(m),
        count: 0,
        score: new Float64Array(m),
        feature: new Int32Array(m).fill(-1),
        threshold: 0,
      };
  const fitRows = new Int32Array(m - outliers.count);
  for (let i = 0, f = 0; i < m; i++) if (!outliers.mask[i]) fitRows[f++] = i;
  // The scale is learnt on the customers the segments are fitted on, so outliers do not stretch it.
  const scaler = fitScaler(pickRows(shaped, fitRows), config.scaler);
  const x = transformScaler(shaped, scaler);
  return {
    x,
    fitX: outliers.count > 0 ? pickRows(x, fitRows) : x,
    fitRows,
    original,
    rows,
    features: keptColumns.map((j) => features[j]!),
    dropped,
    transforms,
    outliers,
    scaler,
    valuesImputed,
  };
}

/** At most this share of customers is set aside as outliers while fitting. */
export const OUTLIER_MAX_SHARE = 0.02;

function pickRows(x: Matrix, rows: Int32Array): Matrix {
  if (rows.length === x.n) return x;
  const data = new Float64Array(rows.length * x.d);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d);
  });
  return { data, n: rows.length, d: x.d };
}

function requireRows(n: number, needed: number, what: string): void {
  if (n < needed) {
    throw new RunInputError(
      `Only ${n} customer${n === 1 ? " has" : "s have"} usable features, but ${what} needs at least ${needed}. Import more customers or ask for fewer segments.`,
    );
  }
}

function segmentSizes(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) if (l >= 0) sizes[l]!++;
  return sizes;
}

function centroidsOf(x: Matrix, labels: Int32Array, k: number): Float64Array {
  const { n, d, data } = x;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    counts[l]!++;
    for (let j = 0; j < d; j++) sums[l * d + j]! += data[i * d + j]!;
  }
  for (let l = 0; l < k; l++) for (let j = 0; j < d; j++) sums[l * d + j]! /= Math.max(1, counts[l]!);
  return sums;
}

function distancesTo(x: Matrix, labels: Int32Array, centroids: Float64Array): Float64Array {
  const { n, d, data } = x;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) {
      out[i] = Number.NaN;
      continue;
    }
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = data[i * d + j]! - centroids[l * d + j]!;
      s += diff * diff;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Scaled centroids back in the features' own units (every scaler is affine per column). */
function toOriginal(centroids: Float64Array, k: number, scaler: Prepared["scaler"]): number[][] {
  const d = scaler.center.length;
  return Array.from({ length: k }, (_, l) =>
    Array.from(
      { length: d },
      (_, j) => round(centroids[l * d + j]! * scaler.scale[j]! + scaler.center[j]!) ?? 0,
    ),
  );
}

function toRows(centroids: Float64Array, k: number, d: number): number[][] {
  return Array.from({ length: k }, (_, l) =>
    Array.from(centroids.subarray(l * d, l * d + d), (v) => round(v) ?? 0),
  );
}

/**
 * Core's chooseK over a sweep: k's with a segment under the run's minimum share, one segment
 * holding most customers or unstable segments are ruled out, then the criteria vote.
 */
export function chooseKFromSweep(
  sweep: ModelSelectionPoint[],
  options: { minSegmentShare?: number } = {},
): { k: number; reason: string } {
  const scored = sweep.filter(
    (p) => p.silhouette !== null && p.calinskiHarabasz !== null && p.daviesBouldin !== null,
  );
  if (scored.length === 0) {
    const first = sweep[0]!;
    return { k: first.k, reason: `k = ${first.k}: no k of the sweep could be scored.` };
  }
  const choice = chooseK(
    scored.map((p) => ({
      k: p.k,
      inertia: p.inertia,
      silhouette: p.silhouette!,
      calinskiHarabasz: p.calinskiHarabasz!,
      daviesBouldin: p.daviesBouldin!,
      ...(p.minShare == null ? {} : { minShare: p.minShare }),
      ...(p.maxShare == null ? {} : { maxShare: p.maxShare }),
      ...(p.stability == null ? {} : { stability: p.stability }),
    })),
    options.minSegmentShare === undefined ? {} : { minSegmentShare: options.minSegmentShare },
  );
  return { k: choice.k, reason: choice.reason };
}

/** Shares of the smallest and the largest segment among the labelled rows (noise left out). */
export function segmentShares(labels: Int32Array, k: number): { minShare: number; maxShare: number } {
  const sizes = segmentSizes(labels, k);
  const total = sizes.reduce((a, b) => a + b, 0) || 1;
  return { minShare: Math.min(...sizes) / total, maxShare: Math.max(...sizes) / total };
}

/** Rows and resamples of the stability check: enough to see unstable segments, cheap next to the sweep. */
export const STABILITY_SAMPLE = 2_000;
export const STABILITY_RESAMPLES = 6;

/**
 * k-means stability of k on bootstrap resamples of a seeded sample of the rows (core's
 * bootstrapStability: mean adjusted Rand index between the resamples' assignments).
 */
export function stabilityOf(x: Matrix, k: number, seed: number): number | null {
  const m = Math.min(x.n, STABILITY_SAMPLE);
  if (m < 2 * k) return null;
  const step = x.n / m;
  const rows = Int32Array.from({ length: m }, (_, i) => Math.floor(i * step));
  const sample = pickRows(x, rows);
  try {
    return round(bootstrapStability(sample, k, { seed, resamples: STABILITY_RESAMPLES, nInit: 2 }).mean, 4);
  } catch (error) {
    if (error instanceof CoreInputError) return null;
    throw error;
  }
}

const metricOrNull = (fn: () => number) => {
  try {
    return round(fn());
  } catch (error) {
    if (error instanceof CoreInputError) return null;
    throw error;
  }
};

/**
 * Rows the silhouette of each k in a sweep is computed on. Its cost grows with the square of the
 * sample (10,000 rows take seconds per k on one core); 4,000 rows rank the k's the same way on any
 * data with clear segments, and the sample is seeded, so the choice is reproducible.
 */
export const SWEEP_SILHOUETTE_SAMPLE = 4_000;

/** What an algorithm produced, before the common measuring and drawing. */
export interface Clustering {
  labels: Int32Array;
  k: number;
  centroids: Float64Array;
  inertia: number | null;
  modelSelection: ModelSelectionPoint[];
  chosenK: { k: number; reason: string };
  /** Algorithm-specific parts of the result (DBSCAN's eps and noise, the dendrogram, ...). */
  extra?: Record<string, unknown>;
}

function kRange(input: ClusterInput, x: Matrix) {
  const { config } = input;
  const kMin = config.k === "auto" ? config.kMin : config.k;
  const kMax = config.k === "auto" ? config.kMax : config.k;
  requireRows(x.n, kMax + 1, kMin === kMax ? `k = ${kMax} segments` : `trying up to ${kMax} segments`);
  return { kMin, kMax };
}

/** Picks the chosen k's labelling out of a sweep (one result per k from kMin). */
function fromSweep<T extends { k: number; labels: Int32Array; centroids: Float64Array; inertia: number }>(
  input: ClusterInput,
  x: Matrix,
  results: T[],
  silhouettes: ArrayLike<number>,
  extra: (r: T) => { calinskiHarabasz: number | null; daviesBouldin: number | null },
): Clustering {
  const { algorithm, seed, minSegmentShare } = input.config;
  // Stability is measured with k-means, so it speaks for the k-means family only.
  const measuresStability = algorithm === "kmeans" || algorithm === "minibatch";
  const modelSelection = results.map((r, i) => {
    const shares = segmentShares(r.labels, r.k);
    return {
      k: r.k,
      inertia: round(r.inertia) ?? 0,
      silhouette: round(silhouettes[i]!),
      ...extra(r),
      minShare: round(shares.minShare, 4),
      maxShare: round(shares.maxShare, 4),
      stability: measuresStability ? stabilityOf(x, r.k, seed) : null,
    };
  });
  const chosenK = chooseKFromSweep(modelSelection, { minSegmentShare });
  const chosen = results.find((r) => r.k === chosenK.k)!;
  return {
    labels: chosen.labels,
    k: chosen.k,
    centroids: chosen.centroids,
    inertia: chosen.inertia,
    modelSelection,
    chosenK,
  };
}

type CoreProgress = (stage: string, fraction: number) => undefined;

/** Core's onProgress (0..1 per call) mapped onto a band [from, to] of the run's percent. */
function band(progress: Progress, from: number, to: number, stage: string): CoreProgress {
  return (_stage, fraction) => {
    progress(stage, from + (to - from) * Math.min(1, Math.max(0, fraction)));
    return undefined;
  };
}

interface Fit {
  labels: Int32Array;
  k: number;
  centroids: Float64Array;
  inertia: number;
}

/**
 * One fit for a fixed k, or a fit per k of kMin..kMax scored on one shared silhouette sample and
 * chosen by core's chooseK.
 */
function fitOrSweep(
  input: ClusterInput,
  x: Matrix,
  progress: Progress,
  fitK: (k: number, onProgress: CoreProgress, sweeping: boolean) => Fit,
): Clustering {
  const { seed } = input.config;
  const { kMin, kMax } = kRange(input, x);
  if (kMin === kMax) {
    const fit = fitK(kMin, band(progress, 5, 80, `Clustering (k = ${kMin})`), false);
    return {
      ...fit,
      modelSelection: [],
      chosenK: {
        k: fit.k,
        reason:
          fit.k === kMin
            ? `k = ${kMin} was chosen in the run's settings.`
            : `k = ${kMin} was asked for, but the data only splits into ${fit.k} distinct segments.`,
      },
    };
  }
  const results: Fit[] = [];
  const span = kMax - kMin + 1;
  for (let k = kMin; k <= kMax; k++) {
    const from = 5 + (65 * (k - kMin)) / span;
    results.push(
      fitK(k, band(progress, from, from + 65 / span, `Trying k = ${k} of ${kMin}..${kMax}`), true),
    );
  }
  progress("Scoring each k (silhouette)", 72);
  // A cut of a hierarchical tree with tied merge heights can yield the same clustering for two k:
  // keep one row per distinct number of segments.
  const seen = new Set<number>();
  const distinct = results.filter((r) => !seen.has(r.k) && seen.add(r.k) !== undefined);
  const sil = silhouetteScores(
    x,
    distinct.map((r) => r.labels),
    { seed, sampleSize: SWEEP_SILHOUETTE_SAMPLE },
  );
  return fromSweep(input, x, distinct, sil, (r) => ({
    calinskiHarabasz: metricOrNull(() => calinskiHarabasz(x, r.labels)),
    daviesBouldin: metricOrNull(() => daviesBouldin(x, r.labels)),
  }));
}

/** Density-based: k is what DBSCAN finds; eps from the settings or the knee of the k-distance curve. */
function dbscanInline(input: ClusterInput, x: Matrix, progress: Progress): Clustering {
  const { minSamples } = input.config;
  requireRows(x.n, minSamples + 1, `DBSCAN with at least ${minSamples} customers per dense group`);
  progress("Choosing the neighbourhood radius", 5);
  const eps = input.config.eps ?? suggestEps(x, minSamples);
  const result = dbscan(x, {
    eps,
    minSamples,
    onProgress: band(progress, 10, 80, "Finding dense groups (DBSCAN)"),
  });
  if (result.nClusters === 0) {
    throw new RunInputError(
      `DBSCAN found no dense group: with a radius of ${eps.toPrecision(3)} and at least ${minSamples} customers per neighbourhood every customer is noise. Increase the radius (eps) or lower the minimum.`,
    );
  }
  const centroids = centroidsOf(x, result.labels, result.nClusters);
  return {
    labels: result.labels,
    k: result.nClusters,
    centroids,
    inertia: null,
    modelSelection: [],
    chosenK: {
      k: result.nClusters,
      reason: `DBSCAN found ${result.nClusters} dense group${result.nClusters === 1 ? "" : "s"} with a radius of ${eps.toPrecision(3)}${input.config.eps === undefined ? " (suggested from the knee of the k-distance curve)" : ""}; ${result.noise} customer${result.noise === 1 ? " is" : "s are"} noise.`,
    },
    extra: { eps: round(eps), minSamples, noise: result.noise },
  };
}

/** Ward (or other linkage) tree built once; each k is a cut of the same tree. */
function hierarchicalInline(input: ClusterInput, x: Matrix, progress: Progress): Clustering {
  if (x.n > MAX_HIERARCHICAL_ROWS) {
    throw new RunInputError(
      `Hierarchical clustering handles at most ${MAX_HIERARCHICAL_ROWS.toLocaleString("en")} customers and this run has ${x.n.toLocaleString("en")}. Use k-means or mini-batch k-means for this many.`,
    );
  }
  const { kMin } = kRange(input, x);
  const tree = hierarchical(x, {
    k: kMin,
    linkage: input.config.linkage,
    onProgress: band(progress, 5, 60, `Building the ${input.config.linkage} linkage tree`),
  });
  const clustering = fitOrSweep(
    input,
    x,
    (stage, percent) => progress(stage, Math.max(60, percent)),
    (k) => {
      const cut = cutToK(tree.merges, x.n, k);
      const centroids = centroidsOf(x, cut.labels, cut.k);
      return { labels: cut.labels, k: cut.k, centroids, inertia: inertiaOf(x, cut.labels, centroids) };
    },
  );
  // The top of the tree is what a dendrogram shows (SciPy's truncate_mode="lastp").
  const top = Math.min(x.n - 1, 100);
  const merges = Array.from(tree.merges.subarray((x.n - 1 - top) * 4), (v) => round(v) ?? 0);
  return {
    ...clustering,
    extra: { linkage: input.config.linkage, dendrogram: { rows: x.n, lastMerges: merges } },
  };
}

function clusterInline(input: ClusterInput, x: Matrix, progress: Progress): Clustering {
  const { seed, algorithm, covariance } = input.config;
  switch (algorithm) {
    case "kmeans":
      return fitOrSweep(input, x, progress, (k, onProgress, sweeping) =>
        // A sweep fits each k on a sample and refines on all rows (core's sweepFit), as the pool path does.
        sweeping ? sweepFit(x, k, { seed, onProgress }) : kmeans(x, k, { seed, nInit: 10, onProgress }),
      );
    case "minibatch":
      return fitOrSweep(input, x, progress, (k, onProgress) => miniBatchKMeans(x, k, { seed, onProgress }));
    case "gmm":
      return fitOrSweep(input, x, progress, (k, onProgress) => {
        const r = gaussianMixture(x, k, { covariance, seed, onProgress });
        return { labels: r.labels, k, centroids: r.means, inertia: inertiaOf(x, r.labels, r.means) };
      });
    case "dbscan":
      return dbscanInline(input, x, progress);
    case "hierarchical":
      return hierarchicalInline(input, x, progress);
  }
}

/**
 * k-means on core's executor (a Piscina pool over every core): a fixed k spreads its restarts or row
 * chunks over the threads; auto-k runs one k of the sweep per thread, then splits the silhouettes
 * rows between them. Aborting `signal` terminates
 * the threads at once.
 */
export async function kmeansOnExecutor(
  executor: Executor,
  input: ClusterInput,
  x: Matrix,
  progress: Progress,
  signal: AbortSignal,
): Promise<Clustering> {
  const { seed } = input.config;
  const { kMin, kMax } = kRange(input, x);
  const shared = toShared(x);
  if (kMin === kMax) {
    const result = await kmeansParallel(executor, shared, kMin, {
      seed,
      signal,
      onProgress: (_stage, fraction) => {
        progress(`Clustering (k = ${kMin})`, 5 + 75 * fraction);
        return undefined;
      },
    });
    return {
      labels: result.labels,
      k: kMin,
      centroids: result.centroids,
      inertia: result.inertia,
      modelSelection: [],
      chosenK: { k: kMin, reason: `k = ${kMin} was chosen in the run's settings.` },
    };
  }
  // One k per thread, then the silhouettes of all k scored together with their rows split over the
  // threads (core's sweepKParallel: the same numbers as the inline sweep).
  const results = await sweepKParallel(executor, shared, {
    kMin,
    kMax,
    seed,
    nInit: 3,
    silhouetteSampleSize: SWEEP_SILHOUETTE_SAMPLE,
    signal,
    onProgress: (stage, fraction) =>
      progress(
        stage === "silhouette" ? "Scoring each k (silhouette)" : `Trying k = ${kMin}..${kMax}`,
        5 + 75 * fraction,
      ),
  });
  return fromSweep(
    input,
    x,
    results,
    results.map((r) => r.silhouette),
    (r) => ({ calinskiHarabasz: round(r.calinskiHarabasz), daviesBouldin: round(r.daviesBouldin) }),
  );
}

/**
 * Labels for every prepared row: the fitted rows keep theirs, the outliers set aside take the
 * nearest segment centre (DBSCAN never sets any aside).
 */
function labelAllRows(prepared: Prepared, clustering: Clustering): Int32Array {
  const { x, fitRows, outliers } = prepared;
  if (outliers.count === 0) return clustering.labels;
  const labels = new Int32Array(x.n);
  fitRows.forEach((r, i) => {
    labels[r] = clustering.labels[i]!;
  });
  const outlierRows = Int32Array.from({ length: x.n }, (_, i) => i).filter((i) => outliers.mask[i] === 1);
  const nearest = assignToNearest(pickRows(x, outlierRows), clustering.centroids, clustering.k).labels;
  outlierRows.forEach((r, i) => {
    labels[r] = nearest[i]!;
  });
  return labels;
}

/** Segment means in the features' own units. */
function originalCentres(original: Matrix, labels: Int32Array, k: number): number[][] {
  const means = centroidsOf(original, labels, k);
  return toRows(means, k, original.d);
}

function outlierReport(prepared: Prepared): OutlierReport {
  const { outliers, features, x } = prepared;
  const rows: number[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < x.n; i++) {
    if (!outliers.mask[i]) continue;
    rows.push(i);
    const j = outliers.feature[i]!;
    counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  rows.sort((a, b) => outliers.score[b]! - outliers.score[a]!);
  return {
    count: outliers.count,
    share: round(outliers.count / Math.max(1, x.n), 4) ?? 0,
    threshold: outliers.threshold,
    byFeature: [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([j, count]) => ({ feature: features[j] ?? String(j), count })),
    rows,
  };
}

/** Distances, sizes, metrics and the map: the same for every algorithm. */
export function describeClustering(
  input: ClusterInput,
  prepared: Prepared,
  clustering: Clustering,
  progress: Progress,
): ClusterOutput {
  const { x } = prepared;
  const { k, centroids, inertia, modelSelection } = clustering;
  let { chosenK } = clustering;
  const seed = input.config.seed;
  progress("Measuring the segments", 85);
  const labels = labelAllRows(prepared, clustering);
  const distances = distancesTo(x, labels, centroids);
  const sizes = segmentSizes(labels, k);
  let noise = 0;
  for (const l of labels) if (l < 0) noise++;
  const swept = modelSelection.find((p) => p.k === k);
  const metrics = {
    inertia: inertia === null ? null : round(inertia),
    silhouette: swept?.silhouette ?? metricOrNull(() => silhouette(x, labels, { seed })),
    calinskiHarabasz: swept?.calinskiHarabasz ?? metricOrNull(() => calinskiHarabasz(x, labels)),
    daviesBouldin: swept?.daviesBouldin ?? metricOrNull(() => daviesBouldin(x, labels)),
    noiseShare: input.config.algorithm === "dbscan" ? round(noise / x.n) : null,
  };
  const { algorithm } = input.config;
  const stability =
    swept?.stability ??
    (algorithm === "kmeans" || algorithm === "minibatch" ? stabilityOf(prepared.fitX, k, seed) : null);
  if (modelSelection.length === 0 && algorithm !== "dbscan") {
    // A k set by hand is kept, but the user hears when it makes a segment too small to act on.
    const clustered = sizes.reduce((a, b) => a + b, 0) || 1;
    const small = sizes.flatMap((size, s) =>
      size / clustered < input.config.minSegmentShare
        ? [`segment ${s + 1} (${((100 * size) / clustered).toFixed(1)}%)`]
        : [],
    );
    if (small.length > 0) {
      chosenK = {
        k: chosenK.k,
        reason: `${chosenK.reason} ${small.join(", ")} ${small.length === 1 ? "is" : "are"} under the minimum segment share of ${(100 * input.config.minSegmentShare).toFixed(0)}%: consider fewer segments.`,
      };
    }
  }

  progress("Drawing the map", 92);
  const map = mapSample(x, labels, input.config.mapSampleSize);
  progress("Explaining the segments", 94);
  const explanation = explainResult(
    x,
    labels,
    prepared.features,
    prepared.original,
    map.points.map((p) => p[0]),
    seed,
  );

  return {
    rows: prepared.rows,
    labels,
    distances,
    k,
    sizes,
    features: prepared.features,
    droppedFeatures: prepared.dropped,
    scaler: {
      kind: prepared.scaler.kind,
      center: Array.from(prepared.scaler.center),
      scale: Array.from(prepared.scaler.scale),
    },
    centroids: toRows(centroids, k, x.d),
    centroidsOriginal: originalCentres(prepared.original, labels, k),
    modelSelection,
    chosenK,
    metrics,
    preparation: {
      rowsIn: input.n,
      rowsUsed: x.n,
      rowsDropped: input.n - x.n,
      valuesImputed: prepared.valuesImputed,
    },
    map,
    algorithmDetails: clustering.extra ?? {},
    explanation,
    transforms: prepared.transforms.map((t, j) => ({
      feature: prepared.features[j]!,
      kind: t.kind,
      ...(t.lambda === undefined ? {} : { lambda: round(t.lambda, 4) ?? 0 }),
      skewBefore: round(t.skewBefore, 4),
      skewAfter: round(t.skewAfter, 4),
    })),
    outliers: outlierReport(prepared),
    stability,
  };
}

/** Runs one segmentation end to end on this thread. `progress` is called often; it may throw to stop. */
export function clusterRun(
  input: ClusterInput,
  progress: Progress = () => {},
  given?: Clustering,
): ClusterOutput {
  if (!given) progress("Preparing features", 2);
  const prepared = prepareMatrix(input);
  // `given`: clustered already (k-means on core's executor); only measure, map and explain here.
  const clustering = given ?? clusterInline(input, prepared.fitX, progress);
  return describeClustering(input, prepared, clustering, progress);
}

/**
 * PCA of an evenly spread sample of rows: [row index into `rows`, x, y, segment, z] per point (z,
 * the third component, when there are at least three features, for the 3-D view).
 */
function mapSample(x: Matrix, labels: Int32Array, size: number): ClusterOutput["map"] {
  const m = Math.min(size, x.n);
  if (m < 2 || x.d < 1) return { method: "pca", explainedVarianceRatio: [], points: [] };
  const step = x.n / m;
  const picked = new Int32Array(m);
  const data = new Float64Array(m * x.d);
  for (let i = 0; i < m; i++) {
    const r = Math.floor(i * step);
    picked[i] = r;
    data.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d);
  }
  const fit = pca({ data, n: m, d: x.d }, Math.min(3, x.d));
  const k = fit.nComponents;
  const score = (i: number, c: number) => (c < k ? (round(fit.scores.data[i * k + c]!, 4) ?? 0) : 0);
  const points: ClusterOutput["map"]["points"] = [];
  for (let i = 0; i < m; i++) {
    const point: ClusterOutput["map"]["points"][number] = [
      picked[i]!,
      score(i, 0),
      score(i, 1),
      labels[picked[i]!]!,
    ];
    if (k >= 3) point.push(score(i, 2));
    points.push(point);
  }
  return {
    method: "pca",
    explainedVarianceRatio: Array.from(fit.explainedVarianceRatio, (r) => round(r) ?? 0),
    points,
  };
}

export { CancelledError };
