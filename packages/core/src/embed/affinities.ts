import { CancelledError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { allKNearest, buildVpTree } from "./vp-tree.js";

/** A sparse symmetric matrix in compressed rows: row i's columns are cols[rowStart[i]..rowStart[i+1]). */
export interface SparseAffinities {
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

/**
 * Conditional affinities p(j|i) over each row's k nearest neighbours, with the Gaussian's precision
 * beta_i found so that the row's entropy is log(perplexity) (van der Maaten & Hinton 2008, with the
 * k = 3 x perplexity neighbour cut of van der Maaten 2014). `sqDist` holds squared distances,
 * n x k, nearest first; the result overwrites nothing and sums to 1 per row.
 *
 * The search is Newton's method on the entropy H(beta), whose slope is -beta Var(d) under the row's
 * p, kept inside the bracket that bisection would keep (and bisecting when a Newton step leaves
 * it), started from the previous row's beta: rows come in the neighbour search's order, so
 * neighbours, with similar scales, follow each other. A few steps a row where bisection took dozens.
 */
export function conditionalAffinities(
  sqDist: Float64Array,
  n: number,
  k: number,
  perplexity: number,
): Float64Array {
  const target = Math.log(perplexity);
  const p = new Float64Array(n * k);
  let start = 1;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    // Distances shifted by the nearest one: the same row after normalising, and no underflow.
    const shift = sqDist[base]!;
    let beta = start;
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    let converged = false;
    for (let iter = 0; iter < 100; iter++) {
      let sum = 0;
      let weighted = 0;
      let weighted2 = 0;
      for (let t = 0; t < k; t++) {
        const dd = sqDist[base + t]! - shift;
        const w = Math.exp(-beta * dd);
        p[base + t] = w;
        sum += w;
        weighted += w * dd;
        weighted2 += w * dd * dd;
      }
      const mean = weighted / sum;
      const entropy = Math.log(sum) + beta * mean;
      const inv = 1 / sum;
      for (let t = 0; t < k; t++) p[base + t]! *= inv;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) {
        converged = true;
        break;
      }
      // Entropy falls as beta grows: too high, beta must grow.
      if (diff > 0) lo = beta;
      else hi = beta;
      const slope = -beta * (weighted2 / sum - mean * mean);
      let next = slope < 0 ? beta - diff / slope : Number.NaN;
      if (!(next > lo && next < hi)) {
        next = hi === Number.POSITIVE_INFINITY ? beta * 2 : (lo + hi) / 2;
      }
      beta = next;
    }
    // A row that could not reach the target (e.g. all its distances equal) gives no hint.
    start = converged ? beta : 1;
  }
  return p;
}

/**
 * P = (p(j|i) + p(i|j)) / 2n in compressed rows. Each row gathers its own neighbours and the rows
 * that list it; a pair listed from both sides is merged through a dense position marker, so the
 * whole build is linear in the number of entries (no per-row sort).
 */
export function symmetrise(nbr: Int32Array, p: Float64Array, n: number, k: number): SparseAffinities {
  const degree = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    degree[i]! += k;
    for (let t = 0; t < k; t++) degree[nbr[i * k + t]!]!++;
  }
  const rawStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rawStart[i + 1] = rawStart[i]! + degree[i]!;
  const rawCols = new Int32Array(rawStart[n]!);
  const rawVals = new Float64Array(rawStart[n]!);
  const fill = rawStart.slice(0, n);
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = nbr[i * k + t]!;
      const v = p[i * k + t]! * scale;
      rawCols[fill[i]!] = j;
      rawVals[fill[i]!++] = v;
      rawCols[fill[j]!] = i;
      rawVals[fill[j]!++] = v;
    }
  }
  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(rawStart[n]!);
  const vals = new Float64Array(rawStart[n]!);
  const at = new Int32Array(n).fill(-1);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const first = out;
    for (let t = rawStart[i]!; t < rawStart[i + 1]!; t++) {
      const j = rawCols[t]!;
      const seen = at[j]!;
      if (seen >= first) vals[seen]! += rawVals[t]!;
      else {
        at[j] = out;
        cols[out] = j;
        vals[out++] = rawVals[t]!;
      }
    }
    rowStart[i + 1] = out;
  }
  return { rowStart, cols: cols.slice(0, out), vals: vals.slice(0, out) };
}

/**
 * t-SNE's input affinities: exact k nearest neighbours through a vantage-point tree, a perplexity
 * search per row, then symmetrised. `onProgress(fraction)` returning false stops with CancelledError.
 */
export function sparseAffinities(
  x: Matrix,
  perplexity: number,
  options: { seed?: number; onProgress?: (fraction: number) => boolean | undefined } = {},
): SparseAffinities {
  const { n } = x;
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const tree = buildVpTree(x, options.seed ?? 0);
  const { indices, distances } = allKNearest(tree, k, (done) => {
    if (options.onProgress?.(done / n) === false) throw new CancelledError("tsne");
  });
  return affinitiesOfNeighbours(indices, distances, n, k, perplexity);
}

/**
 * P from each row's k nearest neighbours (`indices`, Euclidean `distances`, n x k, nearest first):
 * the perplexity search per row, then symmetrised. `distances` is squared in place.
 */
export function affinitiesOfNeighbours(
  indices: Int32Array,
  distances: Float64Array,
  n: number,
  k: number,
  perplexity: number,
): SparseAffinities {
  for (let t = 0; t < distances.length; t++) distances[t] = distances[t]! * distances[t]!;
  const p = conditionalAffinities(distances, n, k, perplexity);
  return symmetrise(indices, p, n, k);
}
