import { CoreInputError } from "../errors.js";
import { denseLabelsAll } from "./labels.js";

interface Contingency {
  readonly table: Float64Array;
  readonly ka: number;
  readonly kb: number;
  readonly rowSums: Float64Array;
  readonly colSums: Float64Array;
  readonly n: number;
}

/** Counts of rows per (label in a, label in b). Every label, negative ones too, is a class. */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  if (a.length !== b.length) {
    throw new CoreInputError(`labellings have different lengths (${a.length} and ${b.length})`, {
      field: "labels",
    });
  }
  const da = denseLabelsAll(a);
  const db = denseLabelsAll(b);
  const ka = da.k;
  const kb = db.k;
  const n = a.length;
  const table = new Float64Array(ka * kb);
  const rowSums = new Float64Array(ka);
  const colSums = new Float64Array(kb);
  for (let i = 0; i < n; i++) {
    const x = da.labels[i]!;
    const y = db.labels[i]!;
    table[x * kb + y]!++;
    rowSums[x]!++;
    colSums[y]!++;
  }
  return { table, ka, kb, rowSums, colSums, n };
}

/**
 * Adjusted Rand index between two labellings (scikit-learn's `adjusted_rand_score`, via the
 * pair confusion matrix): 1 for identical partitions up to renaming, about 0 for random ones.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rowSums, colSums, n } = contingency(a, b);
  let sumSquares = 0;
  for (let i = 0; i < table.length; i++) sumSquares += table[i]! * table[i]!;
  let rowSquares = 0;
  for (let i = 0; i < rowSums.length; i++) rowSquares += rowSums[i]! * rowSums[i]!;
  let colSquares = 0;
  for (let i = 0; i < colSums.length; i++) colSquares += colSums[i]! * colSums[i]!;
  // Ordered pairs (scikit-learn's pair_confusion_matrix): same/same, same in b only, ...
  const together = sumSquares - n;
  const onlyB = colSquares - sumSquares;
  const onlyA = rowSquares - sumSquares;
  const apart = n * n - rowSquares - colSquares + sumSquares;
  if (onlyA === 0 && onlyB === 0) return 1;
  return (
    (2 * (together * apart - onlyA * onlyB)) /
    ((together + onlyA) * (onlyA + apart) + (together + onlyB) * (onlyB + apart))
  );
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) h -= (c / n) * Math.log(c / n);
  }
  return h;
}

/** Mutual information (natural log) between two labellings. */
export function mutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return mutualInfoOf(contingency(a, b));
}

function mutualInfoOf(c: Contingency): number {
  const { table, ka, kb, rowSums, colSums, n } = c;
  let mi = 0;
  for (let x = 0; x < ka; x++) {
    for (let y = 0; y < kb; y++) {
      const nij = table[x * kb + y]!;
      if (nij === 0) continue;
      mi += (nij / n) * Math.log((nij * n) / (rowSums[x]! * colSums[y]!));
    }
  }
  // Rounding can leave a tiny negative value for independent labellings.
  return Math.max(mi, 0);
}

/**
 * Normalised mutual information with the arithmetic mean of the two entropies as the
 * normaliser (scikit-learn's default `average_method="arithmetic"`). 1 for identical
 * partitions up to renaming; 0 for independent ones.
 */
export function normalizedMutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const c = contingency(a, b);
  // Both labellings a single class (or empty): a perfect match, as scikit-learn defines it.
  if ((c.ka === 1 && c.kb === 1) || (c.ka === 0 && c.kb === 0)) return 1;
  const mi = mutualInfoOf(c);
  if (mi === 0) return 0;
  const normaliser = (entropy(c.rowSums, c.n) + entropy(c.colSums, c.n)) / 2;
  return mi / normaliser;
}
