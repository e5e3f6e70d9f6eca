import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";

export interface PearsonOptions {
  /** Fewer complete pairs than this give NaN. Default 2, the fewest that define r. */
  readonly minPairs?: number;
}

/**
 * Pearson's r of two equally long series over the pairs where both values are present
 * (pairwise-complete, as pandas' `Series.corr`): a NaN on either side leaves that pair out.
 * NaN when fewer than `minPairs` pairs remain or either side has no spread over them; clamped
 * to [-1, 1]. Two passes (means, then centred co-moments) rather than the one-pass sums
 * formula, which loses digits to cancellation when values are large next to their spread.
 */
export function pearsonPairwise(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: PearsonOptions = {},
): number {
  if (a.length !== b.length) {
    throw new CoreInputError(
      `the series have ${a.length} and ${b.length} values; they must be equally long`,
      {
        field: "b",
      },
    );
  }
  return pearsonStrided(a, 0, 1, b, 0, 1, a.length, Math.max(2, options.minPairs ?? 2));
}

/**
 * pearsonPairwise over `n` values read at a[aStart + i * aStride] and b[bStart + i * bStride]:
 * the columns of a row-major matrix without copying them out.
 */
function pearsonStrided(
  a: ArrayLike<number>,
  aStart: number,
  aStride: number,
  b: ArrayLike<number>,
  bStart: number,
  bStride: number,
  length: number,
  minPairs: number,
): number {
  let n = 0;
  let sumA = 0;
  let sumB = 0;
  for (let i = 0, p = aStart, q = bStart; i < length; i++, p += aStride, q += bStride) {
    const x = a[p]!;
    const y = b[q]!;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    n++;
    sumA += x;
    sumB += y;
  }
  if (n < minPairs) return Number.NaN;
  const meanA = sumA / n;
  const meanB = sumB / n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0, p = aStart, q = bStart; i < length; i++, p += aStride, q += bStride) {
    const x = a[p]! - meanA;
    const y = b[q]! - meanB;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    cov += x * y;
    varA += x * x;
    varB += y * y;
  }
  const denom = Math.sqrt(varA * varB);
  return denom > 0 ? Math.max(-1, Math.min(1, cov / denom)) : Number.NaN;
}

/**
 * Pearson correlation matrix of the columns (d x d, row-major), each pair over the rows where
 * both are present (see pearsonPairwise). A column with no spread correlates NaN with every
 * other column (and 1 with itself).
 */
export function pearsonMatrix(x: Matrix): Float64Array {
  const { n, d, data } = x;
  const complete = n >= 2 ? pearsonComplete(x) : null;
  if (complete) return complete;
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    out[a * d + a] = 1;
    for (let b = a + 1; b < d; b++) {
      const r = pearsonStrided(data, a, d, data, b, d, n, 2);
      out[a * d + b] = r;
      out[b * d + a] = r;
    }
  }
  return out;
}

/**
 * pearsonMatrix for a matrix with no missing value, in two passes over the rows instead of two
 * per pair of columns: column sums, then every pair's centred co-moments at once. The same sums
 * in the same order as pearsonStrided, so the same bits; null when some value is NaN.
 */
function pearsonComplete(x: Matrix): Float64Array | null {
  const { n, d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    for (let j = 0; j < d; j++) {
      const v = data[o + j]!;
      if (Number.isNaN(v)) return null;
      mean[j]! += v;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // moments[a * d + b], a <= b: sum over rows of (x_a - mean_a)(x_b - mean_b)
  const moments = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    for (let j = 0; j < d; j++) centred[j] = data[o + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const va = centred[a]!;
      for (let b = a; b < d; b++) moments[a * d + b]! += va * centred[b]!;
    }
  }
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    out[a * d + a] = 1;
    for (let b = a + 1; b < d; b++) {
      const denom = Math.sqrt(moments[a * d + a]! * moments[b * d + b]!);
      const r = denom > 0 ? Math.max(-1, Math.min(1, moments[a * d + b]! / denom)) : Number.NaN;
      out[a * d + b] = r;
      out[b * d + a] = r;
    }
  }
  return out;
}

/**
 * Average ranks (1-based, ties share the mean of their positions), as scipy's rankdata; NaN for a
 * missing value (so a rank correlation leaves that pair out, as Pearson does). The values are
 * sorted once as a Float64Array (a native numeric sort, no comparator call per comparison) and
 * each value's run of equal values is found by binary search.
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  // Float64Array's sort puts NaN last: the present values are sorted[0 .. m).
  let m = n;
  while (m > 0 && Number.isNaN(sorted[m - 1]!)) m--;
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      ranks[i] = Number.NaN;
      continue;
    }
    // first position holding a value >= v, then the first holding a value > v
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    const start = lo;
    hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    ranks[i] = (start + lo + 1) / 2;
  }
  return ranks;
}

export interface SpearmanOptions {
  /**
   * Rank at most this many rows: above it, a fixed-seed random sample of this many rows (drawn
   * without replacement, kept in row order) stands for the whole. Default: every row. The
   * segment explanation uses SPEARMAN_SAMPLE.
   */
  readonly maxRows?: number;
  /** Seed of the sample. Default 0. */
  readonly seed?: number;
}

/**
 * Rows a Spearman matrix is estimated from in the segment explanation. A rank correlation from m
 * rows has a standard error of about 1.03 (1 - rho^2) / sqrt(m) (Fieller, Hartley & Pearson 1957),
 * at most 0.0046 for m = 50,000: below the heatmap's resolution (two decimals), while ranking a
 * million-row column costs seconds.
 */
export const SPEARMAN_SAMPLE = 50_000;

/**
 * The rows of a fixed-seed sample of m of n rows, ascending: a partial Fisher-Yates shuffle of
 * the row numbers (as tree.ts samples its rows), all rows in order when m >= n.
 */
export function sampleRowsOf(n: number, m: number, seed: number): Int32Array {
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (m >= n) return all;
  const random = createRandom(seed);
  for (let t = 0; t < m; t++) {
    const s = t + random.int(n - t);
    const tmp = all[t]!;
    all[t] = all[s]!;
    all[s] = tmp;
  }
  return all.slice(0, m).sort();
}

/**
 * Spearman rank correlation matrix: Pearson on the columns' average ranks. With `maxRows` below
 * the row count, the ranks and correlations are those of a fixed-seed sample of rows (an
 * estimate: see SPEARMAN_SAMPLE for its standard error).
 */
export function spearmanMatrix(x: Matrix, options: SpearmanOptions = {}): Float64Array {
  const { n: rowCount, d, data } = x;
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!(maxRows >= 2)) {
    throw new CoreInputError(`maxRows must be at least 2, got ${maxRows}`, { field: "maxRows" });
  }
  const rows = rowCount > maxRows ? sampleRowsOf(rowCount, Math.floor(maxRows), options.seed ?? 0) : null;
  const n = rows ? rows.length : rowCount;
  const ranked = new Float64Array(n * d);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    if (rows) for (let i = 0; i < n; i++) column[i] = data[rows[i]! * d + j]!;
    else for (let i = 0; i < n; i++) column[i] = data[i * d + j]!;
    const r = averageRanks(column);
    for (let i = 0; i < n; i++) ranked[i * d + j] = r[i]!;
  }
  return pearsonMatrix({ data: ranked, n, d });
}
