import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";

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
  const minPairs = Math.max(2, options.minPairs ?? 2);
  let n = 0;
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
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
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - meanA;
    const y = b[i]! - meanB;
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
  const columns = Array.from({ length: d }, (_, j) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = data[i * d + j]!;
    return column;
  });
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    out[a * d + a] = 1;
    for (let b = a + 1; b < d; b++) {
      const r = pearsonPairwise(columns[a]!, columns[b]!);
      out[a * d + b] = r;
      out[b * d + a] = r;
    }
  }
  return out;
}

/** Average ranks (1-based, ties share the mean of their positions), as scipy's rankdata. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end + 1) / 2;
    for (let p = start; p < end; p++) ranks[order[p]!] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman rank correlation matrix: Pearson on the columns' average ranks. */
export function spearmanMatrix(x: Matrix): Float64Array {
  const { n, d, data } = x;
  const ranked = new Float64Array(n * d);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = data[i * d + j]!;
    const r = averageRanks(column);
    for (let i = 0; i < n; i++) ranked[i * d + j] = r[i]!;
  }
  return pearsonMatrix({ data: ranked, n, d });
}
