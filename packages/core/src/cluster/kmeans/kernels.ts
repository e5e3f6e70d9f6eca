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

import { wasmLloyd } from "./wasm.js";

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

// Results of scanRow (module scope so the hot call returns without allocating).
let scanBest = 0;
let scanFirst = 0;
let scanSecond = 0;

/**
 * Nearest and second-nearest centroid of the row at offset o: sets scanBest and the squared
 * distances scanFirst/scanSecond, computed as ||x||^2 + 2 (||c||^2/2 - x.c) and clamped at 0.
 */
function scanRow(
  x: Float64Array,
  o: number,
  d: number,
  k: number,
  centroids: Float64Array,
  hn: Float64Array,
): void {
  let best = 0;
  let v1 = Number.POSITIVE_INFINITY;
  let v2 = Number.POSITIVE_INFINITY;
  let xx: number;
  if (d === 8) {
    const x0 = x[o]!;
    const x1 = x[o + 1]!;
    const x2 = x[o + 2]!;
    const x3 = x[o + 3]!;
    const x4 = x[o + 4]!;
    const x5 = x[o + 5]!;
    const x6 = x[o + 6]!;
    const x7 = x[o + 7]!;
    for (let j = 0, c = 0; j < k; j++, c += 8) {
      const v =
        hn[j]! -
        (x0 * centroids[c]! +
          x1 * centroids[c + 1]! +
          x2 * centroids[c + 2]! +
          x3 * centroids[c + 3]! +
          (x4 * centroids[c + 4]! +
            x5 * centroids[c + 5]! +
            x6 * centroids[c + 6]! +
            x7 * centroids[c + 7]!));
      if (v < v2) {
        if (v < v1) {
          v2 = v1;
          v1 = v;
          best = j;
        } else {
          v2 = v;
        }
      }
    }
    xx = x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + (x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7);
  } else {
    const d4 = d - (d % 4);
    for (let j = 0, c = 0; j < k; j++, c += d) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = 0;
      for (; t < d4; t += 4) {
        s0 += x[o + t]! * centroids[c + t]!;
        s1 += x[o + t + 1]! * centroids[c + t + 1]!;
        s2 += x[o + t + 2]! * centroids[c + t + 2]!;
        s3 += x[o + t + 3]! * centroids[c + t + 3]!;
      }
      for (; t < d; t++) s0 += x[o + t]! * centroids[c + t]!;
      const v = hn[j]! - (s0 + s1 + (s2 + s3));
      if (v < v2) {
        if (v < v1) {
          v2 = v1;
          v1 = v;
          best = j;
        } else {
          v2 = v;
        }
      }
    }
    xx = 0;
    for (let t = 0; t < d; t++) {
      const v = x[o + t]!;
      xx += v * v;
    }
  }
  scanBest = best;
  const f = xx + 2 * v1;
  const s = xx + 2 * v2;
  scanFirst = Math.max(f, 0);
  scanSecond = Math.max(s, 0);
}

/** lloydRange for d = 8 without bounds: nearest only (tracking the second costs ~14%, measured). */
function lloyd8(
  state: KMeansRowState,
  centroids: Float64Array,
  hn: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  accumulate: boolean,
): void {
  const { x, k, weights, labels } = state;
  const kd = k * 8;
  let inertia = 0;
  let changed = 0;
  for (let i = start; i < end; i++) {
    const o = i * 8;
    const x0 = x[o]!;
    const x1 = x[o + 1]!;
    const x2 = x[o + 2]!;
    const x3 = x[o + 3]!;
    const x4 = x[o + 4]!;
    const x5 = x[o + 5]!;
    const x6 = x[o + 6]!;
    const x7 = x[o + 7]!;
    let best = 0;
    let v1 = Number.POSITIVE_INFINITY;
    for (let j = 0, c = 0; j < k; j++, c += 8) {
      const v =
        hn[j]! -
        (x0 * centroids[c]! +
          x1 * centroids[c + 1]! +
          x2 * centroids[c + 2]! +
          x3 * centroids[c + 3]! +
          (x4 * centroids[c + 4]! +
            x5 * centroids[c + 5]! +
            x6 * centroids[c + 6]! +
            x7 * centroids[c + 7]!));
      if (v < v1) {
        v1 = v;
        best = j;
      }
    }
    const xx = x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + (x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7);
    let dist = xx + 2 * v1;
    if (dist < 0) dist = 0;
    const w = weights === undefined ? 1 : weights[i]!;
    inertia += w * dist;
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    if (accumulate) {
      const b = best * 8;
      if (w === 1) {
        out[b]! += x0;
        out[b + 1]! += x1;
        out[b + 2]! += x2;
        out[b + 3]! += x3;
        out[b + 4]! += x4;
        out[b + 5]! += x5;
        out[b + 6]! += x6;
        out[b + 7]! += x7;
      } else {
        out[b]! += w * x0;
        out[b + 1]! += w * x1;
        out[b + 2]! += w * x2;
        out[b + 3]! += w * x3;
        out[b + 4]! += w * x4;
        out[b + 5]! += w * x5;
        out[b + 6]! += w * x6;
        out[b + 7]! += w * x7;
      }
      out[kd + best]! += w;
    }
  }
  out[kd + k]! += inertia;
  out[kd + k + 1]! += changed;
}

/**
 * Assigns rows [start, end) to the nearest centroid, writing labels; adds sums and counts (when
 * `accumulate`), inertia and the number of changed labels into `out`. With `bounds` it also
 * stores the distances to the nearest and second-nearest centroid in upper/lower (Hamerly's
 * first step). d = 8 (a common feature count and the benchmark case) has its own fully
 * unrolled loop: inlined by hand because a per-row call costs V8 about 40% here (measured).
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
  const hn = halfNorms(centroids, k, d);
  if (
    !bounds &&
    weights === undefined &&
    wasmLloyd(x, d, k, labels, centroids, hn, start, end, out, accumulate)
  ) {
    return;
  }
  if (d === 8 && !bounds) {
    lloyd8(state, centroids, hn, start, end, out, accumulate);
    return;
  }
  const kd = k * d;
  let inertia = 0;
  let changed = 0;
  if (d === 8) {
    for (let i = start; i < end; i++) {
      const o = i * 8;
      const x0 = x[o]!;
      const x1 = x[o + 1]!;
      const x2 = x[o + 2]!;
      const x3 = x[o + 3]!;
      const x4 = x[o + 4]!;
      const x5 = x[o + 5]!;
      const x6 = x[o + 6]!;
      const x7 = x[o + 7]!;
      let best = 0;
      let v1 = Number.POSITIVE_INFINITY;
      let v2 = Number.POSITIVE_INFINITY;
      for (let j = 0, c = 0; j < k; j++, c += 8) {
        const v =
          hn[j]! -
          (x0 * centroids[c]! +
            x1 * centroids[c + 1]! +
            x2 * centroids[c + 2]! +
            x3 * centroids[c + 3]! +
            (x4 * centroids[c + 4]! +
              x5 * centroids[c + 5]! +
              x6 * centroids[c + 6]! +
              x7 * centroids[c + 7]!));
        if (v < v2) {
          if (v < v1) {
            v2 = v1;
            v1 = v;
            best = j;
          } else {
            v2 = v;
          }
        }
      }
      const xx = x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + (x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7);
      let dist = xx + 2 * v1;
      if (dist < 0) dist = 0;
      if (bounds) {
        const second = xx + 2 * v2;
        upper[i] = Math.sqrt(dist);
        lower[i] = second > 0 ? Math.sqrt(second) : 0;
      }
      const w = weights === undefined ? 1 : weights[i]!;
      inertia += w * dist;
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
      if (accumulate) {
        const b = best * 8;
        if (w === 1) {
          out[b]! += x0;
          out[b + 1]! += x1;
          out[b + 2]! += x2;
          out[b + 3]! += x3;
          out[b + 4]! += x4;
          out[b + 5]! += x5;
          out[b + 6]! += x6;
          out[b + 7]! += x7;
        } else {
          out[b]! += w * x0;
          out[b + 1]! += w * x1;
          out[b + 2]! += w * x2;
          out[b + 3]! += w * x3;
          out[b + 4]! += w * x4;
          out[b + 5]! += w * x5;
          out[b + 6]! += w * x6;
          out[b + 7]! += w * x7;
        }
        out[kd + best]! += w;
      }
    }
  } else {
    for (let i = start; i < end; i++) {
      const o = i * d;
      scanRow(x, o, d, k, centroids, hn);
      const best = scanBest;
      const dist = scanFirst;
      if (bounds) {
        upper[i] = Math.sqrt(dist);
        lower[i] = Math.sqrt(scanSecond);
      }
      const w = weights === undefined ? 1 : weights[i]!;
      inertia += w * dist;
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
      if (accumulate) {
        const b = best * d;
        for (let t = 0; t < d; t++) out[b + t]! += w * x[o + t]!;
        out[kd + best]! += w;
      }
    }
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

/**
 * One Hamerly (2010) step over a row range. Bounds first absorb the last update's drift
 * (upper grows by the own centroid's move, lower shrinks by the largest other move); a row is
 * skipped when upper <= max(lower, s(own)), i.e. no other centroid can be nearer. Rows that
 * change cluster add their move to the partial as sum/count deltas.
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
  const { x, d, k, weights, labels, upper, lower } = state;
  const kd = k * d;
  const hn = halfNorms(centroids, k, d);
  if (d === 8) {
    hamerly8(state, centroids, hn, halfGap, drift, start, end, out);
    return;
  }
  let maxDrift = 0;
  let maxAt = -1;
  let secondDrift = 0;
  for (let j = 0; j < k; j++) {
    const p = drift[j]!;
    if (p > maxDrift) {
      secondDrift = maxDrift;
      maxDrift = p;
      maxAt = j;
    } else if (p > secondDrift) {
      secondDrift = p;
    }
  }
  let changed = 0;
  for (let i = start; i < end; i++) {
    const a = labels[i]!;
    let u = upper[i]! + drift[a]!;
    const l = lower[i]! - (a === maxAt ? secondDrift : maxDrift);
    lower[i] = l;
    const m = Math.max(l, halfGap[a]!);
    if (u <= m) {
      upper[i] = u;
      continue;
    }
    const o = i * d;
    u = Math.sqrt(sqDist(x, o, centroids, a * d, d));
    if (u <= m) {
      upper[i] = u;
      continue;
    }
    scanRow(x, o, d, k, centroids, hn);
    const best = scanBest;
    const d1 = scanFirst;
    const d2 = scanSecond;
    upper[i] = Math.sqrt(d1);
    lower[i] = Math.sqrt(d2);
    if (best !== a) {
      labels[i] = best;
      changed++;
      const w = weights === undefined ? 1 : weights[i]!;
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
  }
  out[kd + k + 1]! += changed;
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
 * hamerlyRange for d = 8 with the row held in locals and the distance loops inlined: a call per
 * re-examined row (scanRow) made Hamerly about a third slower on the benchmark case (measured).
 */
function hamerly8(
  state: KMeansRowState,
  centroids: Float64Array,
  hn: Float64Array,
  halfGap: Float64Array,
  drift: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const { x, k, weights, labels, upper, lower } = state;
  const kd = k * 8;
  const [maxDrift, maxAt, secondDrift] = driftExtremes(drift);
  let changed = 0;
  for (let i = start; i < end; i++) {
    const a = labels[i]!;
    const u0 = upper[i]! + drift[a]!;
    const l = lower[i]! - (a === maxAt ? secondDrift : maxDrift);
    lower[i] = l;
    const g = halfGap[a]!;
    const m = Math.max(l, g);
    if (u0 <= m) {
      upper[i] = u0;
      continue;
    }
    const o = i * 8;
    const x0 = x[o]!;
    const x1 = x[o + 1]!;
    const x2 = x[o + 2]!;
    const x3 = x[o + 3]!;
    const x4 = x[o + 4]!;
    const x5 = x[o + 5]!;
    const x6 = x[o + 6]!;
    const x7 = x[o + 7]!;
    const ca = a * 8;
    const e0 = x0 - centroids[ca]!;
    const e1 = x1 - centroids[ca + 1]!;
    const e2 = x2 - centroids[ca + 2]!;
    const e3 = x3 - centroids[ca + 3]!;
    const e4 = x4 - centroids[ca + 4]!;
    const e5 = x5 - centroids[ca + 5]!;
    const e6 = x6 - centroids[ca + 6]!;
    const e7 = x7 - centroids[ca + 7]!;
    const u = Math.sqrt(e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3 + (e4 * e4 + e5 * e5 + e6 * e6 + e7 * e7));
    if (u <= m) {
      upper[i] = u;
      continue;
    }
    let best = 0;
    let v1 = Number.POSITIVE_INFINITY;
    let v2 = Number.POSITIVE_INFINITY;
    for (let j = 0, c = 0; j < k; j++, c += 8) {
      const v =
        hn[j]! -
        (x0 * centroids[c]! +
          x1 * centroids[c + 1]! +
          x2 * centroids[c + 2]! +
          x3 * centroids[c + 3]! +
          (x4 * centroids[c + 4]! +
            x5 * centroids[c + 5]! +
            x6 * centroids[c + 6]! +
            x7 * centroids[c + 7]!));
      if (v < v2) {
        if (v < v1) {
          v2 = v1;
          v1 = v;
          best = j;
        } else {
          v2 = v;
        }
      }
    }
    const xx = x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + (x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7);
    const f = xx + 2 * v1;
    const sd = xx + 2 * v2;
    upper[i] = f > 0 ? Math.sqrt(f) : 0;
    lower[i] = sd > 0 ? Math.sqrt(sd) : 0;
    if (best !== a) {
      labels[i] = best;
      changed++;
      const w = weights === undefined ? 1 : weights[i]!;
      const to = best * 8;
      out[ca]! -= w * x0;
      out[ca + 1]! -= w * x1;
      out[ca + 2]! -= w * x2;
      out[ca + 3]! -= w * x3;
      out[ca + 4]! -= w * x4;
      out[ca + 5]! -= w * x5;
      out[ca + 6]! -= w * x6;
      out[ca + 7]! -= w * x7;
      out[to]! += w * x0;
      out[to + 1]! += w * x1;
      out[to + 2]! += w * x2;
      out[to + 3]! += w * x3;
      out[to + 4]! += w * x4;
      out[to + 5]! += w * x5;
      out[to + 6]! += w * x6;
      out[to + 7]! += w * x7;
      out[kd + a]! -= w;
      out[kd + best]! += w;
    }
  }
  out[kd + k + 1]! += changed;
}
