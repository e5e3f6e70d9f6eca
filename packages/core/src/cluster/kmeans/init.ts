import type { Matrix } from "../../matrix/matrix.js";
import type { Random } from "../../random/index.js";
import { type SeedingKernel, seedingBatchRows, seedingKernel } from "./seeding-wasm.js";

function rowSqDist(x: Float64Array, o: number, c: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = x[o + t]! - c[co + t]!;
    s += v * v;
  }
  return s;
}

/**
 * Draws k-means++'s candidate rows for the next centroid, each with probability proportional to its
 * (weighted) squared distance to the nearest chosen one, into `candidates`; `take(t, row)` copies
 * candidate t's values where the scoring pass reads them. The JS and WebAssembly seedings share it,
 * so both draw the same rows from the same random stream.
 */
function drawCandidates(
  n: number,
  closest: Float64Array,
  weights: Float64Array | undefined,
  cumulative: Float64Array,
  candidates: Int32Array,
  random: Random,
  take: (t: number, row: number) => void,
): void {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += weights === undefined ? closest[i]! : weights[i]! * closest[i]!;
    cumulative[i] = acc;
  }
  for (let t = 0; t < candidates.length; t++) {
    // All points coincide with chosen centroids: any row will do (k > distinct rows is rejected earlier).
    const row = acc > 0 ? searchCumulative(cumulative, random.next() * acc) : random.int(n);
    candidates[t] = row;
    take(t, row);
  }
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

/** Feature counts that get generated seeding passes (a candidate's values fit in registers). */
const SEEDING_MAX_D = 16;

/**
 * The two passes over every row that each k-means++ step makes, for one feature count:
 * `potential` sums the (weighted) min(distance to the candidate, distance to the nearest chosen
 * centroid) over the rows; `update` moves each row that is nearer the new centroid to it. Both
 * skip a row when the triangle inequality rules the candidate out (gap[go + nearest] >= 4 x its
 * current distance) and sum each distance's squares feature 0 first, exactly as the generic
 * loop below does, so they return the same bits.
 */
interface SeedingPasses {
  potential(
    x: Float64Array,
    n: number,
    candidate: Float64Array,
    co: number,
    closest: Float64Array,
    nearest: Int32Array,
    gap: Float64Array,
    go: number,
    weights: Float64Array | undefined,
  ): number;
  /**
   * `potential` for two candidates at once (at co and co2, their gaps at go and go2), each row's
   * values read once for both; the two sums go to sums[0] and sums[1]. Each sum gets the same
   * terms in the same order as `potential` alone, so the same bits.
   */
  potentialPair(
    x: Float64Array,
    n: number,
    candidate: Float64Array,
    co: number,
    co2: number,
    closest: Float64Array,
    nearest: Int32Array,
    gap: Float64Array,
    go: number,
    go2: number,
    weights: Float64Array | undefined,
    sums: Float64Array,
  ): void;
  update(
    x: Float64Array,
    n: number,
    centroids: Float64Array,
    co: number,
    closest: Float64Array,
    nearest: Int32Array,
    gap: Float64Array,
    go: number,
    label: number,
  ): void;
}

const seedingCache = new Map<number, SeedingPasses | null>();
let isSeedingCodeDisabled = false;

/** Turns the generated seeding passes off (true) or back on, e.g. to compare them with the loop. */
export function setSeedingCodeDisabled(value: boolean): void {
  isSeedingCodeDisabled = value;
}

/**
 * The passes written out for d features, with the candidate's d values in local variables:
 * V8 keeps those in registers, where a loop over the features reads them again for every row
 * (measured on 1M x 8: about 3x faster per pass). Generated once per d, as wasm.ts builds its
 * kernel; undefined for larger d or where generating code is not allowed (the generic loop runs).
 */
function seedingPasses(d: number): SeedingPasses | undefined {
  if (d > SEEDING_MAX_D || isSeedingCodeDisabled) return undefined;
  let passes = seedingCache.get(d);
  if (passes === undefined) {
    passes = null;
    try {
      const load = Array.from({ length: d }, (_, t) => `const c${t} = cand[co + ${t}];`).join("\n");
      const distance = Array.from({ length: d }, (_, t) => `e = x[o + ${t}] - c${t}; s += e * e;`).join("\n");
      const potential = new Function(
        "x, n, cand, co, closest, nearest, gap, go, w",
        `${load}
        let acc = 0;
        for (let i = 0, o = 0; i < n; i++, o += ${d}) {
          const cur = closest[i];
          let v = cur;
          if (gap[go + nearest[i]] < 4 * cur) {
            let s = 0, e = 0;
            ${distance}
            if (s < cur) v = s;
          }
          acc += w === undefined ? v : w[i] * v;
        }
        return acc;`,
      ) as SeedingPasses["potential"];
      const update = new Function(
        "x, n, cand, co, closest, nearest, gap, go, label",
        `${load}
        for (let i = 0, o = 0; i < n; i++, o += ${d}) {
          const cur = closest[i];
          if (gap[go + nearest[i]] >= 4 * cur) continue;
          let s = 0, e = 0;
          ${distance}
          if (s < cur) {
            closest[i] = s;
            nearest[i] = label;
          }
        }`,
      ) as SeedingPasses["update"];
      const load2 = Array.from({ length: d }, (_, t) => `const b${t} = cand[co2 + ${t}];`).join("\n");
      const distance2 = Array.from(
        { length: d },
        (_, t) => `u = x[o + ${t}]; e = u - c${t}; s += e * e; f = u - b${t}; s2 += f * f;`,
      ).join("\n");
      // Two independent sums per row keep the CPU busy where one waits on each add (measured on
      // 1M x 8: about 1.6x faster than two single passes).
      const potentialPair = new Function(
        "x, n, cand, co, co2, closest, nearest, gap, go, go2, w, sums",
        `${load}
        ${load2}
        let acc = 0, acc2 = 0;
        for (let i = 0, o = 0; i < n; i++, o += ${d}) {
          const cur = closest[i];
          const near = nearest[i];
          const isNeeded = gap[go + near] < 4 * cur;
          const isNeeded2 = gap[go2 + near] < 4 * cur;
          let v = cur, v2 = cur;
          if (isNeeded || isNeeded2) {
            let s = 0, s2 = 0, e = 0, f = 0, u = 0;
            ${distance2}
            if (isNeeded && s < cur) v = s;
            if (isNeeded2 && s2 < cur) v2 = s2;
          }
          if (w === undefined) {
            acc += v;
            acc2 += v2;
          } else {
            acc += w[i] * v;
            acc2 += w[i] * v2;
          }
        }
        sums[0] = acc;
        sums[1] = acc2;`,
      ) as SeedingPasses["potentialPair"];
      passes = { potential, potentialPair, update };
    } catch {
      passes = null;
    }
    seedingCache.set(d, passes);
  }
  return passes ?? undefined;
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
  const kernel = seedingKernel(d);
  if (kernel !== undefined) return seedInWasm(kernel, x, k, random, weights, trials, centroids, first);

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
  const pairSums = new Float64Array(2);

  for (let c = 1; c < k; c++) {
    drawCandidates(n, closest, weights, cumulative, candidates, random, (t, idx) =>
      candidateRows.set(data.subarray(idx * d, idx * d + d), t * d),
    );
    for (let t = 0; t < trials; t++) {
      for (let j = 0; j < c; j++) gap[t * k + j] = rowSqDist(candidateRows, t * d, centroids, j * d, d);
    }
    const passes = seedingPasses(d);
    if (passes !== undefined) {
      let t = 0;
      for (; t + 1 < trials; t += 2) {
        passes.potentialPair(
          data,
          n,
          candidateRows,
          t * d,
          (t + 1) * d,
          closest,
          nearest,
          gap,
          t * k,
          (t + 1) * k,
          weights,
          pairSums,
        );
        candidatePotential[t] = pairSums[0]!;
        candidatePotential[t + 1] = pairSums[1]!;
      }
      for (; t < trials; t++) {
        candidatePotential[t] = passes.potential(
          data,
          n,
          candidateRows,
          t * d,
          closest,
          nearest,
          gap,
          t * k,
          weights,
        );
      }
    } else {
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
    }
    let bestT = 0;
    for (let t = 1; t < trials; t++) {
      if (candidatePotential[t]! < candidatePotential[bestT]!) bestT = t;
    }
    const chosen = candidates[bestT]!;
    centroids.set(data.subarray(chosen * d, chosen * d + d), c * d);
    if (passes !== undefined) {
      passes.update(data, n, centroids, c * d, closest, nearest, gap, bestT * k, c);
      continue;
    }
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

const align16 = (v: number) => (v + 15) & ~15;

/**
 * kmeansPlusPlus's steps with both passes over the rows in the WebAssembly kernel
 * (seeding-wasm.ts): the rows go through the module's memory a batch at a time; each row's
 * distance to its nearest chosen centroid lives there (read from JS for the sampling). The same
 * candidates are drawn from the same random numbers; see seeding-wasm.ts for what may differ.
 * No triangle-inequality skipping: with every lane doing the same work, computing a distance is
 * cheaper than deciding not to. `centroids` holds the first one already (row `first`).
 */
function seedInWasm(
  kernel: SeedingKernel,
  x: Matrix,
  k: number,
  random: Random,
  weights: Float64Array | undefined,
  trials: number,
  centroids: Float64Array,
  first: number,
): Float64Array {
  const { data, n, d } = x;
  const batch = seedingBatchRows(d);
  const offCand = 0;
  const offOut = offCand + trials * d * 16;
  const offChosen = offOut + trials * 16;
  const offX = align16(offChosen + d * 16);
  // One row more than a batch: an odd last batch pairs its last row with a row of zeros.
  const offClosest = align16(offX + (batch + 2) * d * 8);
  const offW = align16(offClosest + (n + 2) * 8);
  const need = offW + (weights === undefined ? 0 : (n + 2) * 8);
  const { memory } = kernel;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65_536));
  const buf = memory.buffer;
  const candidateSplats = new Float64Array(buf, offCand, trials * d * 2);
  const out = new Float64Array(buf, offOut, trials * 2);
  const chosenSplat = new Float64Array(buf, offChosen, d * 2);
  const rows = new Float64Array(buf, offX, (batch + 2) * d);
  // The padding after the n rows stays 0, so the zero row of an odd batch adds nothing.
  const closest = new Float64Array(buf, offClosest, n + 2);
  closest.fill(Number.POSITIVE_INFINITY, 0, n);
  if (weights !== undefined) new Float64Array(buf, offW, n + 2).set(weights.subarray(0, n));

  const splat = (target: Float64Array, at: number, row: number) => {
    for (let t = 0; t < d; t++) {
      const v = data[row * d + t]!;
      target[2 * (at + t)] = v;
      target[2 * (at + t) + 1] = v;
    }
  };
  /** Runs pass(pairs, rowStart) over every batch of rows, copied in. */
  const overRows = (pass: (pairs: number, s: number) => void) => {
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      rows.set(data.subarray(s * d, (s + m) * d));
      if ((m & 1) === 1) rows.fill(0, m * d, (m + 1) * d);
      pass((m + 1) >> 1, s);
    }
  };
  const update = (pairs: number, s: number) => kernel.update(pairs, offX, offClosest + 8 * s, offChosen);
  const potentials =
    weights === undefined
      ? (pairs: number, s: number) =>
          kernel.potentials(pairs, offX, offClosest + 8 * s, trials, offCand, offOut)
      : (pairs: number, s: number) =>
          kernel.potentialsWeighted(pairs, offX, offClosest + 8 * s, offW + 8 * s, trials, offCand, offOut);

  splat(chosenSplat, 0, first);
  overRows(update);
  const cumulative = new Float64Array(n);
  const candidates = new Int32Array(trials);
  for (let c = 1; c < k; c++) {
    drawCandidates(n, closest, weights, cumulative, candidates, random, (t, idx) =>
      splat(candidateSplats, t * d, idx),
    );
    out.fill(0);
    overRows(potentials);
    let bestT = 0;
    let bestPotential = out[0]! + out[1]!;
    for (let t = 1; t < trials; t++) {
      const potential = out[2 * t]! + out[2 * t + 1]!;
      if (potential < bestPotential) {
        bestPotential = potential;
        bestT = t;
      }
    }
    const chosen = candidates[bestT]!;
    centroids.set(data.subarray(chosen * d, chosen * d + d), c * d);
    if (c === k - 1) break;
    splat(chosenSplat, 0, chosen);
    overRows(update);
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
