import { CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { findKnee } from "../../metrics/knee.js";
import { createRandom } from "../../random/index.js";
import { KdTree } from "./kd-tree.js";

export interface KDistanceOptions {
  /** Rows whose k-distance is measured (against all rows); default 5,000. */
  sampleSize?: number;
  seed?: number;
}

/**
 * The sorted k-distance curve: for each (sampled) row the distance to its minSamples-th
 * nearest row, counting the row itself as scikit-learn's min_samples does. DBSCAN with eps at
 * a value of this curve makes that share of rows core rows.
 */
export function kDistanceCurve(x: Matrix, minSamples: number, options: KDistanceOptions = {}): Float64Array {
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new CoreInputError(`minSamples must be a positive integer, got ${minSamples}`, {
      field: "minSamples",
    });
  }
  if (x.n < minSamples) {
    throw new CoreInputError(`need at least minSamples = ${minSamples} rows, got ${x.n}`, {
      field: "minSamples",
    });
  }
  assertFinite(x);
  const sampleSize = Math.min(x.n, Math.max(1, Math.floor(options.sampleSize ?? 5000)));
  const tree = new KdTree(x);
  const rows = new Int32Array(sampleSize);
  if (sampleSize === x.n) {
    for (let i = 0; i < sampleSize; i++) rows[i] = i;
  } else {
    // Partial Fisher-Yates over the row numbers.
    const random = createRandom(options.seed ?? 0);
    const perm = new Int32Array(x.n);
    for (let i = 0; i < x.n; i++) perm[i] = i;
    for (let i = 0; i < sampleSize; i++) {
      const j = i + random.int(x.n - i);
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
      rows[i] = perm[i]!;
    }
  }
  const heap = new Float64Array(minSamples);
  const out = new Float64Array(sampleSize);
  for (let i = 0; i < sampleSize; i++)
    out[i] = Math.sqrt(tree.kthNearest2(x.data, rows[i]! * x.d, minSamples, heap));
  return out.sort();
}

/**
 * An eps for DBSCAN: the knee of the sorted k-distance curve (Ester et al.'s heuristic, with
 * the knee found as the point furthest from the curve's chord). Rows to the right of the knee
 * are the ones DBSCAN will call noise or border rows.
 */
export function suggestEps(x: Matrix, minSamples = 5, options: KDistanceOptions = {}): number {
  const curve = kDistanceCurve(x, minSamples, options);
  const xs = new Float64Array(curve.length);
  for (let i = 0; i < xs.length; i++) xs[i] = i;
  const knee = findKnee(xs, curve, { curve: "convex", direction: "increasing", rule: "furthest" });
  if (knee !== undefined && knee.y > 0) return knee.y;
  // No bend (e.g. evenly spread rows): the median k-distance keeps half the rows core.
  const median = curve[curve.length >> 1]!;
  if (median > 0) return median;
  const positive = curve.find((v) => v > 0);
  if (positive === undefined) {
    throw new CoreInputError("every row has minSamples identical copies; no eps separates them", {
      field: "minSamples",
    });
  }
  return positive;
}
