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
function lloydRange(
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

/**
 * How far each cluster's rows' lower bounds shrink (Hamerly): the largest drift of any other
 * centroid, i.e. the largest drift, or the second largest for the cluster that moved most.
 */
function lowerBoundDrift(drift: Float64Array): Float64Array {
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
  const out = new Float64Array(drift.length).fill(maxDrift);
  if (maxAt >= 0) out[maxAt] = secondDrift;
  return out;
}

/**
 * One Hamerly (2010) step over a row range. Bounds first absorb the last update's drift
 * (upper grows by the own centroid's move, lower shrinks by the largest other move); a row is
 * skipped when upper <= max(lower, s(own)), i.e. no other centroid can be nearer, or when its
 * exact distance to its own centroid still is. The rest are scanned; rows that change cluster
 * add their move to the partial as sum/count deltas.
 *
 * A batch of rows at a time, all in the kernel (wasm.ts): the batch's labels and bounds are
 * copied in and updated (no row data read); when any row is a candidate, the batch's rows are
 * copied in with one sequential copy for its own-distance filter and scan; the bounds (and
 * labels, when any moved) are copied back. The candidates are scattered (a fifth of the rows,
 * say, on the benchmark's data) and fetching them one by one waits on memory for each:
 * measured 88-136 ns per scattered row against about 7 ns per row copied.
 */
function hamerlyRange(
  state: KMeansRowState,
  centroids: Float64Array,
  halfGap: Float64Array,
  drift: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const { x, d, k, labels, upper, lower } = state;
  const scanner = rowScanner(d, k, centroids, halfNorms(centroids, k, d));
  const { rows, blockLabel, blockUpper, blockLower } = scanner;
  scanner.drift.set(drift);
  scanner.lowerDrift.set(lowerBoundDrift(drift));
  scanner.halfGap.set(halfGap);
  let changed = 0;
  for (let s = start; s < end; s += rows) {
    const e = Math.min(end, s + rows);
    const n = e - s;
    blockLabel.set(labels.subarray(s, e));
    blockUpper.set(upper.subarray(s, e));
    blockLower.set(lower.subarray(s, e));
    const nc = scanner.updateBounds(n);
    let moved = 0;
    if (nc > 0) {
      scanner.x.set(x.subarray(s * d, e * d));
      const m = scanner.filterCandidates(nc);
      if (m > 0) moved = settle(state, scanner, s, m);
    }
    upper.set(blockUpper.subarray(0, n), s);
    lower.set(blockLower.subarray(0, n), s);
    if (moved > 0) labels.set(blockLabel.subarray(0, n), s);
    changed += moved;
  }
  const sums = scanner.sums;
  for (let j = 0; j < k * d + k; j++) out[j]! += sums[j]!;
  out[k * d + k + 1]! += changed;
}

/**
 * Scans the m pending rows of the batch that starts at row s and applies the result: exact
 * bounds and new labels; the kernel moves the rows that change cluster between the sums.
 * Returns how many rows changed cluster.
 */
function settle(state: KMeansRowState, scanner: RowScanner, s: number, m: number): number {
  const { weights } = state;
  const { label, first, second, pending, w, blockLabel, blockUpper, blockLower } = scanner;
  if (weights !== undefined) for (let p = 0; p < m; p++) w[p] = weights[s + pending[p]!]!;
  scanner.scanListed(m, weights === undefined ? "unit" : "weighted");
  let changed = 0;
  for (let p = 0; p < m; p++) {
    const r = pending[p]!;
    blockUpper[r] = Math.sqrt(first[p]!);
    blockLower[r] = Math.sqrt(second[p]!);
    const best = label[p]!;
    if (blockLabel[r] !== best) {
      blockLabel[r] = best;
      changed++;
    }
  }
  return changed;
}
