import { assignToNearest, type KMeansOptions, kmeans } from "../cluster/kmeans/index.js";
import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { adjustedRandIndex } from "../metrics/agreement.js";
import { createRandom, deriveSeed } from "../random/index.js";

export interface BootstrapStabilityOptions
  extends Omit<KMeansOptions, "onProgress" | "init" | "sampleWeight"> {
  /** Bootstrap resamples, each fitted once. Default 10. */
  resamples?: number;
  /** Rows drawn (with replacement) per resample. Default n. */
  sampleSize?: number;
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

export interface BootstrapStability {
  k: number;
  /** Mean adjusted Rand index over all pairs of resamples: near 1 means k finds the same segments every time. */
  mean: number;
  /** Smallest pairwise ARI. */
  min: number;
  /** ARI of every pair (i, j), i < j, in the order (0,1), (0,2), ..., (1,2), ... */
  pairs: Float64Array;
  resamples: number;
}

/**
 * Stability of k-means with k clusters under resampling (in the spirit of Lange et al. 2004,
 * Hennig 2007): fit k-means on bootstrap resamples of the rows, assign every original row to
 * each fit's nearest centroid, and compare the assignments pairwise by adjusted Rand index.
 * k-means defaults to nInit 3 per resample here.
 */
export function bootstrapStability(
  x: Matrix,
  k: number,
  options: BootstrapStabilityOptions = {},
): BootstrapStability {
  const { resamples = 10, sampleSize = x.n, onProgress, seed = 0, ...kmeansOptions } = options;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new CoreInputError(`resamples must be an integer of at least 2, got ${resamples}`, {
      field: "resamples",
    });
  }
  if (!Number.isInteger(sampleSize) || sampleSize < k || sampleSize < 1) {
    throw new CoreInputError(`sampleSize must be an integer of at least k (${k}), got ${sampleSize}`, {
      field: "sampleSize",
    });
  }
  if (!Number.isInteger(k) || k < 1 || k > x.n) {
    throw new CoreInputError(`k must be an integer between 1 and ${x.n}, got ${k}`, { field: "k" });
  }
  const { n, d, data } = x;
  const assignments: Int32Array[] = [];
  const sample = new Float64Array(sampleSize * d);
  for (let r = 0; r < resamples; r++) {
    const random = createRandom(deriveSeed(seed, r));
    for (let i = 0; i < sampleSize; i++) {
      const row = random.int(n);
      sample.set(data.subarray(row * d, row * d + d), i * d);
    }
    const fit = kmeans({ data: sample, n: sampleSize, d }, k, {
      nInit: 3,
      ...kmeansOptions,
      seed: deriveSeed(seed, resamples + r),
    });
    assignments.push(assignToNearest(x, fit.centroids, k).labels);
    if (onProgress !== undefined && onProgress("stability", (r + 1) / resamples) === false) {
      throw new CancelledError("stability");
    }
  }
  const pairs = new Float64Array((resamples * (resamples - 1)) / 2);
  let p = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < resamples; i++) {
    for (let j = i + 1; j < resamples; j++) {
      const ari = adjustedRandIndex(assignments[i]!, assignments[j]!);
      pairs[p++] = ari;
      sum += ari;
      if (ari < min) min = ari;
    }
  }
  return { k, mean: sum / pairs.length, min, pairs, resamples };
}
