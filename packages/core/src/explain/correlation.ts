import type { Matrix } from "../matrix/matrix.js";

/**
 * Pearson correlation matrix of the columns (d x d, row-major). A column with no spread
 * correlates NaN with every other column (and 1 with itself).
 */
export function pearsonMatrix(x: Matrix): Float64Array {
  const { n, d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[a * d + b]! += row[a]! * row[b]!;
  }
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const denom = Math.sqrt(cov[a * d + a]! * cov[b * d + b]!);
      const r = a === b ? 1 : denom > 0 ? Math.max(-1, Math.min(1, cov[a * d + b]! / denom)) : Number.NaN;
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
