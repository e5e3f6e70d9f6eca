/**
 * Sample skewness, Fisher-Pearson and biased (m3 / m2^1.5, as scipy.stats.skew with its
 * default bias=True); 0 for fewer than 3 values or no spread. Deciding whether a column is
 * lopsided enough to reshape (see shape.ts) needs no small-sample correction.
 */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 3) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const diff = values[i]! - mean;
    m2 += diff * diff;
    m3 += diff * diff * diff;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}
