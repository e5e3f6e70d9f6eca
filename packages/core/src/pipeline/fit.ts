import { dbscan } from "../cluster/dbscan/dbscan.js";
import { suggestEps } from "../cluster/dbscan/suggest-eps.js";
import { gaussianMixture } from "../cluster/gmm/gmm.js";
import { cutToK, hierarchical, MAX_HIERARCHICAL_ROWS } from "../cluster/hierarchical/hierarchical.js";
import { kmeans } from "../cluster/kmeans/kmeans.js";
import { miniBatchKMeans } from "../cluster/kmeans/mini-batch.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin, inertia as inertiaOf } from "../metrics/cluster-indices.js";
import { silhouetteScores } from "../metrics/silhouette.js";
import { sweepFit } from "../model-selection/sweep-fit.js";
import type { Executor } from "../parallel/executor.js";
import { kmeansParallel } from "../parallel/kmeans-parallel.js";
import { toShared } from "../parallel/shared.js";
import { sweepKParallel } from "../parallel/sweep-parallel.js";
import { chooseKFromSweep, SWEEP_SILHOUETTE_SAMPLE, segmentShares, stabilityOf } from "./choose.js";
import { centroidsOf, metricOrNull, requireRows, round } from "./shared.js";
import {
  type ModelSelectionPoint,
  type Progress,
  type SegmentationInput,
  SegmentationInputError,
} from "./types.js";

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
  /** A Gaussian mixture's components, for the fitted model (assign by posterior, not by distance). */
  mixture?: MixtureParts;
  /** Iterations of the chosen fit, where the algorithm iterates. */
  iterations?: number;
}

export interface MixtureParts {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  covariance: "full" | "diag";
}

function kRange(input: SegmentationInput, x: Matrix) {
  const { options: config } = input;
  const kMin = config.k === "auto" ? config.kMin : config.k;
  const kMax = config.k === "auto" ? config.kMax : config.k;
  requireRows(x.n, kMax + 1, kMin === kMax ? `k = ${kMax} segments` : `trying up to ${kMax} segments`);
  return { kMin, kMax };
}

/** Picks the chosen k's labelling out of a sweep (one result per k from kMin). */
function fromSweep<T extends { k: number; labels: Int32Array; centroids: Float64Array; inertia: number }>(
  input: SegmentationInput,
  x: Matrix,
  results: T[],
  silhouettes: ArrayLike<number>,
  extra: (r: T) => { calinskiHarabasz: number | null; daviesBouldin: number | null },
): Clustering {
  const { algorithm, seed, minSegmentShare } = input.options;
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
    ...("mixture" in chosen && chosen.mixture ? { mixture: chosen.mixture as MixtureParts } : {}),
    ...("iterations" in chosen && typeof chosen.iterations === "number"
      ? { iterations: chosen.iterations }
      : {}),
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
  mixture?: MixtureParts;
  iterations?: number;
}

/**
 * One fit for a fixed k, or a fit per k of kMin..kMax scored on one shared silhouette sample and
 * chosen by core's chooseK.
 */
function fitOrSweep(
  input: SegmentationInput,
  x: Matrix,
  progress: Progress,
  fitK: (k: number, onProgress: CoreProgress, sweeping: boolean) => Fit,
): Clustering {
  const { seed } = input.options;
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
function dbscanInline(input: SegmentationInput, x: Matrix, progress: Progress): Clustering {
  const { minSamples } = input.options;
  requireRows(x.n, minSamples + 1, `DBSCAN with at least ${minSamples} customers per dense group`);
  progress("Choosing the neighbourhood radius", 5);
  const eps = input.options.eps ?? suggestEps(x, minSamples);
  const result = dbscan(x, {
    eps,
    minSamples,
    onProgress: band(progress, 10, 80, "Finding dense groups (DBSCAN)"),
  });
  if (result.nClusters === 0) {
    throw new SegmentationInputError(
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
      reason: `DBSCAN found ${result.nClusters} dense group${result.nClusters === 1 ? "" : "s"} with a radius of ${eps.toPrecision(3)}${input.options.eps === undefined ? " (suggested from the knee of the k-distance curve)" : ""}; ${result.noise} customer${result.noise === 1 ? " is" : "s are"} noise.`,
    },
    extra: { eps: round(eps), minSamples, noise: result.noise },
  };
}

/** Ward (or other linkage) tree built once; each k is a cut of the same tree. */
function hierarchicalInline(input: SegmentationInput, x: Matrix, progress: Progress): Clustering {
  if (x.n > MAX_HIERARCHICAL_ROWS) {
    throw new SegmentationInputError(
      `Hierarchical clustering handles at most ${MAX_HIERARCHICAL_ROWS.toLocaleString("en")} customers and this run has ${x.n.toLocaleString("en")}. Use k-means or mini-batch k-means for this many.`,
    );
  }
  const { kMin } = kRange(input, x);
  const tree = hierarchical(x, {
    k: kMin,
    linkage: input.options.linkage,
    onProgress: band(progress, 5, 60, `Building the ${input.options.linkage} linkage tree`),
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
    extra: { linkage: input.options.linkage, dendrogram: { rows: x.n, lastMerges: merges } },
  };
}

/** The CLI's fitting knobs that were given (undefined ones leave each algorithm's defaults). */
function knobs(input: SegmentationInput): { nInit?: number; maxIter?: number; tol?: number } {
  const f = input.options.fitting ?? {};
  return {
    ...(f.nInit !== undefined ? { nInit: f.nInit } : {}),
    ...(f.maxIter !== undefined ? { maxIter: f.maxIter } : {}),
    ...(f.tol !== undefined ? { tol: f.tol } : {}),
  };
}

export function clusterInline(input: SegmentationInput, x: Matrix, progress: Progress): Clustering {
  const { seed, algorithm, covariance } = input.options;
  const given = knobs(input);
  const batchSize = input.options.fitting?.batchSize;
  switch (algorithm) {
    case "kmeans":
      return fitOrSweep(input, x, progress, (k, onProgress, sweeping) =>
        // A sweep fits each k on a sample and refines on all rows (core's sweepFit), as the pool path does.
        sweeping
          ? sweepFit(x, k, { seed, onProgress, ...given })
          : kmeans(x, k, { seed, nInit: 10, onProgress, ...given }),
      );
    case "minibatch":
      return fitOrSweep(input, x, progress, (k, onProgress) =>
        miniBatchKMeans(x, k, {
          seed,
          onProgress,
          ...(given.nInit !== undefined ? { nInit: given.nInit } : {}),
          ...(given.maxIter !== undefined ? { maxIter: given.maxIter } : {}),
          ...(batchSize !== undefined ? { batchSize } : {}),
        }),
      );
    case "gmm":
      return fitOrSweep(input, x, progress, (k, onProgress) => {
        const r = gaussianMixture(x, k, { covariance, seed, onProgress, ...given });
        const mixture = { weights: r.weights, means: r.means, covariances: r.covariances, covariance };
        const inertia = inertiaOf(x, r.labels, r.means);
        return { labels: r.labels, k, centroids: r.means, inertia, mixture, iterations: r.iterations };
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
  input: SegmentationInput,
  x: Matrix,
  progress: Progress,
  signal: AbortSignal,
): Promise<Clustering> {
  const { seed } = input.options;
  const { kMin, kMax } = kRange(input, x);
  const shared = toShared(x);
  if (kMin === kMax) {
    const result = await kmeansParallel(executor, shared, kMin, {
      seed,
      nInit: 10,
      ...knobs(input),
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
      iterations: result.iterations,
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
