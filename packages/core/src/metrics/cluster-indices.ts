import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { denseLabels } from "./labels.js";

/**
 * Sum of squared euclidean distances from each row to the centroid of its label
 * (`centroids` is k * d row-major, indexed by the label itself). Noise rows (label < 0) are skipped.
 */
export function inertia(x: Matrix, labels: ArrayLike<number>, centroids: Float64Array): number {
  const { data, n, d } = x;
  if (labels.length !== n) {
    throw new CoreInputError(`labels has ${labels.length} entries, expected one per row (${n})`, {
      field: "labels",
    });
  }
  if (d === 0 || centroids.length % d !== 0) {
    throw new CoreInputError(`centroids has ${centroids.length} values, not a multiple of d = ${d}`, {
      field: "centroids",
    });
  }
  const k = centroids.length / d;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label < 0) continue;
    if (label >= k || !Number.isInteger(label)) {
      throw new CoreInputError(`label ${label} at row ${i} has no centroid (k = ${k})`, {
        row: i,
        field: "labels",
      });
    }
    const io = i * d;
    const co = label * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = data[io + t]! - centroids[co + t]!;
      s += diff * diff;
    }
    total += s;
  }
  return total;
}

interface Centred {
  readonly labels: Int32Array;
  readonly k: number;
  readonly sizes: Int32Array;
  readonly n: number;
  /** k * d means of the clusters. */
  readonly centroids: Float64Array;
}

/** Cluster means over the non-noise rows; needs 2 <= k <= n - 1 like scikit-learn. */
function centre(x: Matrix, labels: ArrayLike<number>, metric: string): Centred {
  const dense = denseLabels(labels, x.n);
  const { k, sizes } = dense;
  const n = dense.clustered;
  if (k < 2 || k > n - 1) {
    throw new CoreInputError(
      `${metric} needs between 2 and n - 1 clusters, got ${k} clusters for ${n} rows`,
      {
        field: "labels",
      },
    );
  }
  const { data, d } = x;
  const centroids = new Float64Array(k * d);
  for (let i = 0; i < x.n; i++) {
    const label = dense.labels[i]!;
    if (label < 0) continue;
    const io = i * d;
    const co = label * d;
    for (let t = 0; t < d; t++) centroids[co + t]! += data[io + t]!;
  }
  for (let c = 0; c < k; c++) {
    const inv = 1 / sizes[c]!;
    for (let t = 0; t < d; t++) centroids[c * d + t]! *= inv;
  }
  return { labels: dense.labels, k, sizes, n, centroids };
}

/**
 * Calinski-Harabasz index (variance ratio criterion), scikit-learn's definition:
 * [between-cluster dispersion / (k - 1)] / [within-cluster dispersion / (n - k)]. Higher is
 * better. Noise rows (label < 0) are left out.
 */
export function calinskiHarabasz(x: Matrix, labels: ArrayLike<number>): number {
  const c = centre(x, labels, "calinskiHarabasz");
  const { data, d } = x;
  const { k, n, sizes, centroids } = c;
  const mean = new Float64Array(d);
  for (let i = 0; i < x.n; i++) {
    if (c.labels[i]! < 0) continue;
    for (let t = 0; t < d; t++) mean[t]! += data[i * d + t]!;
  }
  for (let t = 0; t < d; t++) mean[t]! /= n;
  let between = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = centroids[j * d + t]! - mean[t]!;
      s += diff * diff;
    }
    between += sizes[j]! * s;
  }
  let within = 0;
  for (let i = 0; i < x.n; i++) {
    const label = c.labels[i]!;
    if (label < 0) continue;
    for (let t = 0; t < d; t++) {
      const diff = data[i * d + t]! - centroids[label * d + t]!;
      within += diff * diff;
    }
  }
  // scikit-learn returns 1 when every row sits on its centroid.
  return within === 0 ? 1 : (between * (n - k)) / (within * (k - 1));
}

/**
 * Davies-Bouldin index, scikit-learn's definition: the mean over clusters of the worst
 * (s_i + s_j) / d(c_i, c_j), where s is the mean distance of a cluster's rows to its centroid.
 * Lower is better; 0 is the minimum. Noise rows (label < 0) are left out.
 */
export function daviesBouldin(x: Matrix, labels: ArrayLike<number>): number {
  const c = centre(x, labels, "daviesBouldin");
  const { data, d } = x;
  const { k, sizes, centroids } = c;
  const spread = new Float64Array(k);
  for (let i = 0; i < x.n; i++) {
    const label = c.labels[i]!;
    if (label < 0) continue;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = data[i * d + t]! - centroids[label * d + t]!;
      s += diff * diff;
    }
    spread[label]! += Math.sqrt(s);
  }
  let anySpread = false;
  for (let j = 0; j < k; j++) {
    spread[j]! /= sizes[j]!;
    if (spread[j]! !== 0) anySpread = true;
  }
  const separation = new Float64Array(k * k);
  let anySeparation = false;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = centroids[a * d + t]! - centroids[b * d + t]!;
        s += diff * diff;
      }
      const dist = Math.sqrt(s);
      separation[a * k + b] = dist;
      separation[b * k + a] = dist;
      if (dist !== 0) anySeparation = true;
    }
  }
  if (!anySpread || !anySeparation) return 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (a === b) continue;
      const dist = separation[a * k + b]!;
      // Coinciding centroids count as infinitely far apart, as in scikit-learn.
      const ratio = dist === 0 ? 0 : (spread[a]! + spread[b]!) / dist;
      if (ratio > worst) worst = ratio;
    }
    total += worst;
  }
  return total / k;
}
