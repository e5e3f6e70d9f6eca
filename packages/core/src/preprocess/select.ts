/**
 * Order statistics by selection, O(n) expected instead of the O(n log n) of sorting: medians and
 * quartiles of a million-row column are otherwise most of the describe and prepare steps' cost.
 * Floyd and Rivest's SELECT (CACM 1975, algorithm 489), as d3-array's quickselect writes it: on
 * a large range it first selects within a small window around k, so the pivot lands next to the
 * k-th value and one partition pass leaves little to do (about 1.5 passes over the values in all,
 * where quickselect makes about 3.4). The partition stops on values equal to the pivot, so
 * columns with many equal values (mostly-zero spend columns) stay linear; no randomness, so the
 * same values always end in the same order.
 */

/**
 * Reorders `values[0 .. length)` so that `values[k]` holds the value sorting would put there,
 * with no larger value before it and no smaller one after it; returns that value. Expects no
 * NaN in the range (quantileSelect moves them out first).
 */
export function selectKth(values: Float64Array, k: number, length = values.length): number {
  selectRange(values, k, 0, length - 1);
  return values[k]!;
}

function selectRange(values: Float64Array, k: number, from: number, to: number): void {
  let left = from;
  let right = to;
  while (right > left) {
    if (right - left > 600) {
      // Select within the window where the k-th value most likely lies (a sample of about
      // n^(2/3) values, sd away from the proportional position), then partition the whole range
      // around it.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectRange(values, k, newLeft, newRight);
    }
    const t = values[k]!;
    let i = left;
    let j = right;
    swap(values, left, k);
    if (values[right]! > t) swap(values, left, right);
    while (i < j) {
      swap(values, i, j);
      i++;
      j--;
      while (values[i]! < t) i++;
      while (values[j]! > t) j--;
    }
    if (values[left] === t) swap(values, left, j);
    else {
      j++;
      swap(values, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const v = values[i]!;
  values[i] = values[j]!;
  values[j] = v;
}

/**
 * The q-quantile `quantileSorted(sorted copy of values, q)` gives (linear interpolation between
 * the two order statistics around (n - 1) q, NaN ordered last as Float64Array's sort puts it),
 * found by selection. The same arithmetic on the same two order statistics, so the same number
 * (up to the sign of a zero). Reorders `values`: pass a copy to keep them.
 */
export function quantileSelect(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  // NaN to the end, where sorting puts it; most columns have none and are only read.
  let m = 0;
  while (m < n && !Number.isNaN(values[m]!)) m++;
  for (let i = m + 1; i < n; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) values[m++] = v;
  }
  for (let i = m; i < n; i++) values[i] = Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  // A NaN at either order statistic makes quantileSorted's interpolation NaN.
  if (hi >= m) return Number.NaN;
  const a = selectKth(values, lo, m);
  let b = a;
  if (hi > lo) {
    // Everything after position lo is at least values[lo]: the next order statistic is their minimum.
    b = values[hi]!;
    for (let i = hi + 1; i < m; i++) if (values[i]! < b) b = values[i]!;
  }
  return a + (b - a) * (pos - lo);
}
