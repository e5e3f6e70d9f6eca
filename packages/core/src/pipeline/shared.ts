import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { SegmentationInputError } from "./types.js";

export const round = (v: number, digits = 6) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

export function requireRows(n: number, needed: number, what: string): void {
  if (n < needed) {
    throw new SegmentationInputError(
      `Only ${n} customer${n === 1 ? " has" : "s have"} usable features, but ${what} needs at least ${needed}. Import more customers or ask for fewer segments.`,
    );
  }
}

export function segmentSizes(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) if (l >= 0) sizes[l]!++;
  return sizes;
}

export function centroidsOf(x: Matrix, labels: Int32Array, k: number): Float64Array {
  const { n, d, data } = x;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    counts[l]!++;
    for (let j = 0; j < d; j++) sums[l * d + j]! += data[i * d + j]!;
  }
  for (let l = 0; l < k; l++) for (let j = 0; j < d; j++) sums[l * d + j]! /= Math.max(1, counts[l]!);
  return sums;
}

export function distancesTo(x: Matrix, labels: Int32Array, centroids: Float64Array): Float64Array {
  const { n, d, data } = x;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) {
      out[i] = Number.NaN;
      continue;
    }
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = data[i * d + j]! - centroids[l * d + j]!;
      s += diff * diff;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

export function toRows(centroids: Float64Array, k: number, d: number): number[][] {
  return Array.from({ length: k }, (_, l) =>
    Array.from(centroids.subarray(l * d, l * d + d), (v) => round(v) ?? 0),
  );
}

export const metricOrNull = (fn: () => number) => {
  try {
    return round(fn());
  } catch (error) {
    if (error instanceof CoreInputError) return null;
    throw error;
  }
};

/** The given rows of x, in order, as a new matrix (x itself when every row is given). */
export function pickRows(x: Matrix, rows: Int32Array): Matrix {
  if (rows.length === x.n) return x;
  const data = new Float64Array(rows.length * x.d);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d);
  });
  return { data, n: rows.length, d: x.d };
}
