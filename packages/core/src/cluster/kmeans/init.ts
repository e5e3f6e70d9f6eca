import type { Matrix } from "../../matrix/matrix.js";
import type { Random } from "../../random/index.js";

function rowSqDist(x: Float64Array, o: number, c: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = x[o + t]! - c[co + t]!;
    s += v * v;
  }
  return s;
}

/** Smallest index i with cumulative[i] > target (cumulative is non-decreasing). */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pickWeighted(weights: Float64Array | undefined, n: number, random: Random): number {
  if (weights === undefined) return random.int(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  let target = random.next() * total;
  for (let i = 0; i < n; i++) {
    target -= weights[i]!;
    if (target < 0 && weights[i]! > 0) return i;
  }
  for (let i = n - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return n - 1;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's greedy variant): each new
 * centroid is the best of 2 + floor(ln k) candidates drawn with probability proportional to the
 * (weighted) squared distance to the nearest centroid chosen so far, "best" meaning the one that
 * lowers the total potential most. Returns k*d centroids, row-major.
 */
export function kmeansPlusPlus(
  x: Matrix,
  k: number,
  random: Random,
  options: { sampleWeight?: Float64Array | undefined; localTrials?: number } = {},
): Float64Array {
  const { data, n, d } = x;
  const weights = options.sampleWeight;
  const trials = options.localTrials ?? 2 + Math.floor(Math.log(k));
  const centroids = new Float64Array(k * d);
  const first = pickWeighted(weights, n, random);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  if (k === 1) return centroids;

  const closest = new Float64Array(n);
  // Index of the chosen centroid each row is nearest to: with the distances between a candidate
  // and the chosen centroids it rules out most rows without touching them (the triangle
  // inequality: ||cand - c||^2 >= 4 closest means the candidate cannot be nearer than c).
  const nearest = new Int32Array(n);
  const cumulative = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = rowSqDist(data, i * d, centroids, 0, d);
  const candidates = new Int32Array(trials);
  const candidatePotential = new Float64Array(trials);
  const candidateRows = new Float64Array(trials * d);
  // gap[t * k + j] = squared distance from candidate t to chosen centroid j
  const gap = new Float64Array(trials * k);

  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += weights === undefined ? closest[i]! : weights[i]! * closest[i]!;
      cumulative[i] = acc;
    }
    for (let t = 0; t < trials; t++) {
      // All points coincide with chosen centroids: any row will do (k > distinct rows is rejected earlier).
      const idx = acc > 0 ? searchCumulative(cumulative, random.next() * acc) : random.int(n);
      candidates[t] = idx;
      candidateRows.set(data.subarray(idx * d, idx * d + d), t * d);
    }
    for (let t = 0; t < trials; t++) {
      for (let j = 0; j < c; j++) gap[t * k + j] = rowSqDist(candidateRows, t * d, centroids, j * d, d);
    }
    candidatePotential.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      const cur = closest[i]!;
      const w = weights === undefined ? 1 : weights[i]!;
      const near = nearest[i]!;
      const bound = 4 * cur;
      for (let t = 0; t < trials; t++) {
        const v = gap[t * k + near]! >= bound ? cur : rowSqDist(data, o, candidateRows, t * d, d);
        candidatePotential[t]! += w * Math.min(v, cur);
      }
    }
    let bestT = 0;
    for (let t = 1; t < trials; t++) {
      if (candidatePotential[t]! < candidatePotential[bestT]!) bestT = t;
    }
    const chosen = candidates[bestT]!;
    centroids.set(data.subarray(chosen * d, chosen * d + d), c * d);
    for (let i = 0; i < n; i++) {
      if (gap[bestT * k + nearest[i]!]! >= 4 * closest[i]!) continue;
      const v = rowSqDist(data, i * d, centroids, c * d, d);
      if (v < closest[i]!) {
        closest[i] = v;
        nearest[i] = c;
      }
    }
  }
  return centroids;
}

/** k distinct rows chosen uniformly at random (scikit-learn's init="random"). */
export function randomInit(x: Matrix, k: number, random: Random): Float64Array {
  const { data, n, d } = x;
  const chosen: number[] = [];
  if (2 * k > n) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + random.int(n - i);
      const tmp = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = tmp;
      chosen.push(idx[i]!);
    }
  } else {
    const seen = new Set<number>();
    while (chosen.length < k) {
      const i = random.int(n);
      if (!seen.has(i)) {
        seen.add(i);
        chosen.push(i);
      }
    }
  }
  const centroids = new Float64Array(k * d);
  chosen.forEach((row, j) => {
    centroids.set(data.subarray(row * d, row * d + d), j * d);
  });
  return centroids;
}
