/**
 * The k-means hot loops, each over a row range [start, end) of a flat row-major matrix, so the
 * same code runs inline or in a worker thread on SharedArrayBuffer-backed arrays. A run splits
 * its rows into fixed chunks of CHUNK_ROWS (independent of the thread count) and combines the
 * per-chunk partial sums in chunk order: the result is bit-identical however the chunks are
 * spread over threads.
 *
 * Distances for the argmin use ||c||^2/2 - x.c (||x||^2 is the same for every centroid), with
 * the centroid half-norms precomputed once per iteration: one multiply-add per value read.
 */

import { type RowScanner, rowScanner } from "./wasm.js";

export const CHUNK_ROWS = 16_384;

/** State arrays a run keeps per row. `upper`/`lower` are Hamerly's bounds (length 0 for Lloyd). */
export interface KMeansRowState {
  readonly x: Float64Array;
  readonly d: number;
  readonly k: number;
  readonly weights: Float64Array | undefined;
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

export type ChunkOp =
  /** Lloyd step: assign every row, return full sums/counts/inertia. */
  | { readonly op: "lloyd"; readonly centroids: Float64Array }
  /** Hamerly's first step: exact nearest and second-nearest for every row, full sums. */
  | { readonly op: "hamerly-init"; readonly centroids: Float64Array }
  /** Hamerly step: bounds moved by last step's drift, rows re-examined only when bounds overlap. */
  | {
      readonly op: "hamerly";
      readonly centroids: Float64Array;
      /** s(j): half the distance from centroid j to its nearest other centroid. */
      readonly halfGap: Float64Array;
      /** How far each centroid moved in the last update. */
      readonly drift: Float64Array;
    }
  /** Final E-step: labels and inertia against fixed centroids. */
  | { readonly op: "assign"; readonly centroids: Float64Array };

/**
 * Partial result layout for k clusters of d dims: [sums (k*d) | counts (k) | inertia | changed].
 * For "hamerly" the sums and counts are deltas (rows that moved); for "assign" only the tail is used.
 */
export function partialLength(k: number, d: number): number {
  return k * d + k + 2;
}

export function chunkCount(n: number): number {
  return Math.ceil(n / CHUNK_ROWS);
}

export function runChunk(state: KMeansRowState, op: ChunkOp, chunk: number, n: number): Float64Array {
  const start = chunk * CHUNK_ROWS;
  const end = Math.min(n, start + CHUNK_ROWS);
  const out = new Float64Array(partialLength(state.k, state.d));
  switch (op.op) {
    case "lloyd":
      lloydRange(state, op.centroids, start, end, out, true, false);
      break;
    case "assign":
      lloydRange(state, op.centroids, start, end, out, false, false);
      break;
    case "hamerly-init":
      lloydRange(state, op.centroids, start, end, out, true, true);
      break;
    case "hamerly":
      hamerlyRange(state, op.centroids, op.halfGap, op.drift, start, end, out);
      break;
  }
  return out;
}

export function halfNorms(centroids: Float64Array, k: number, d: number): Float64Array {
  const h = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = centroids[j * d + t]!;
      s += v * v;
    }
    h[j] = 0.5 * s;
  }
  return h;
}

/**
 * Assigns rows [start, end) to the nearest centroid, writing labels; adds sums and counts (when
 * `accumulate`), inertia and the number of changed labels into `out`. With `bounds` it also
 * stores the distances to the nearest and second-nearest centroid in upper/lower (Hamerly's
 * first step). Distances come from the batch kernel (wasm.ts), a batch of rows at a time.
 */
export function lloydRange(
  state: KMeansRowState,
  centroids: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  accumulate: boolean,
  bounds: boolean,
): void {
  const { x, d, k, weights, labels, upper, lower } = state;
  const kd = k * d;
  const scanner = rowScanner(d, k, centroids, halfNorms(centroids, k, d));
  const { rows, label, first, second } = scanner;
  const mode = !accumulate ? "none" : weights === undefined ? "unit" : "weighted";
  let inertia = 0;
  let changed = 0;
  for (let s = start; s < end; s += rows) {
    const m = Math.min(rows, end - s);
    scanner.x.set(x.subarray(s * d, (s + m) * d));
    if (mode === "weighted") scanner.w.set(weights!.subarray(s, s + m));
    scanner.scan(m, mode);
    for (let r = 0; r < m; r++) {
      const i = s + r;
      const best = label[r]!;
      const dist = first[r]!;
      if (bounds) {
        upper[i] = Math.sqrt(dist);
        lower[i] = Math.sqrt(second[r]!);
      }
      inertia += weights === undefined ? dist : weights[i]! * dist;
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
    }
  }
  if (accumulate) {
    const sums = scanner.sums;
    for (let j = 0; j < kd + k; j++) out[j]! += sums[j]!;
  }
  out[kd + k]! += inertia;
  out[kd + k + 1]! += changed;
}

/** Squared distance from row i to centroid j, as a sum of squared differences (no cancellation). */
function sqDist(x: Float64Array, o: number, centroids: Float64Array, c: number, d: number): number {
  if (d === 8) {
    const a0 = x[o]! - centroids[c]!;
    const a1 = x[o + 1]! - centroids[c + 1]!;
    const a2 = x[o + 2]! - centroids[c + 2]!;
    const a3 = x[o + 3]! - centroids[c + 3]!;
    const a4 = x[o + 4]! - centroids[c + 4]!;
    const a5 = x[o + 5]! - centroids[c + 5]!;
    const a6 = x[o + 6]! - centroids[c + 6]!;
    const a7 = x[o + 7]! - centroids[c + 7]!;
    return a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3 + (a4 * a4 + a5 * a5 + a6 * a6 + a7 * a7);
  }
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < d; t += 2) {
    const a = x[o + t]! - centroids[c + t]!;
    const b = x[o + t + 1]! - centroids[c + t + 1]!;
    s0 += a * a;
    s1 += b * b;
  }
  if (t < d) {
    const a = x[o + t]! - centroids[c + t]!;
    s0 += a * a;
  }
  return s0 + s1;
}

/** Largest and second-largest drift and where the largest is (Hamerly's lower-bound update). */
function driftExtremes(drift: Float64Array): [number, number, number] {
  let maxDrift = 0;
  let maxAt = -1;
  let secondDrift = 0;
  for (let j = 0; j < drift.length; j++) {
    const p = drift[j]!;
    if (p > maxDrift) {
      secondDrift = maxDrift;
      maxDrift = p;
      maxAt = j;
    } else if (p > secondDrift) {
      secondDrift = p;
    }
  }
  return [maxDrift, maxAt, secondDrift];
}

/**
 * One Hamerly (2010) step over a row range. Bounds first absorb the last update's drift
 * (upper grows by the own centroid's move, lower shrinks by the largest other move); a row is
 * skipped when upper <= max(lower, s(own)), i.e. no other centroid can be nearer, or when its
 * exact distance to its own centroid still is. The rest are copied into a batch for the
 * kernel; rows that change cluster add their move to the partial as sum/count deltas.
 *
 * Every row's first value is read even when the row is skipped: the rows that do need their
 * data are scattered (a fifth of them, say), and reading them alone waits on memory for each;
 * a sequential read of every row lets the hardware prefetcher stream the data in (measured:
 * 88-136 ns per scattered row against about 12 ns per row streamed, on 1M x 8).
 */
function hamerlyRange(
  state: KMeansRowState,
  centroids: Float64Array,
  halfGap: Float64Array,
  drift: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): number {
  const { x, d, k, labels, upper, lower } = state;
  const scanner = rowScanner(d, k, centroids, halfNorms(centroids, k, d));
  const batch = scanner.x;
  const pending = pendingRows(scanner.rows);
  const [maxDrift, maxAt, secondDrift] = driftExtremes(drift);
  let m = 0;
  let changed = 0;
  let touched = 0;
  for (let i = start; i < end; i++) {
    const o = i * d;
    touched += x[o]!;
    const a = labels[i]!;
    const u0 = upper[i]! + drift[a]!;
    const l = lower[i]! - (a === maxAt ? secondDrift : maxDrift);
    lower[i] = l;
    const bound = Math.max(l, halfGap[a]!);
    if (u0 <= bound) {
      upper[i] = u0;
      continue;
    }
    const u = Math.sqrt(sqDist(x, o, centroids, a * d, d));
    if (u <= bound) {
      upper[i] = u;
      continue;
    }
    const p = m * d;
    for (let t = 0; t < d; t++) batch[p + t] = x[o + t]!;
    pending[m++] = i;
    if (m === scanner.rows) {
      changed += settle(state, scanner, pending, m, out);
      m = 0;
    }
  }
  if (m > 0) changed += settle(state, scanner, pending, m, out);
  out[k * d + k + 1]! += changed;
  // Returned so the reads are not dead code.
  return touched;
}

let pendingBuffer = new Int32Array(0);
function pendingRows(rows: number): Int32Array {
  if (pendingBuffer.length < rows) pendingBuffer = new Int32Array(rows);
  return pendingBuffer;
}

/** Scans the m pending rows and applies the result: exact bounds, new labels, sum deltas. */
function settle(
  state: KMeansRowState,
  scanner: RowScanner,
  pending: Int32Array,
  m: number,
  out: Float64Array,
): number {
  const { x, d, k, weights, labels, upper, lower } = state;
  const kd = k * d;
  const { label, first, second } = scanner;
  scanner.scan(m);
  let changed = 0;
  for (let r = 0; r < m; r++) {
    const i = pending[r]!;
    const best = label[r]!;
    upper[i] = Math.sqrt(first[r]!);
    lower[i] = Math.sqrt(second[r]!);
    const a = labels[i]!;
    if (best === a) continue;
    labels[i] = best;
    changed++;
    const w = weights === undefined ? 1 : weights[i]!;
    const o = i * d;
    const from = a * d;
    const to = best * d;
    for (let t = 0; t < d; t++) {
      const v = w * x[o + t]!;
      out[from + t]! -= v;
      out[to + t]! += v;
    }
    out[kd + a]! -= w;
    out[kd + best]! += w;
  }
  return changed;
}
