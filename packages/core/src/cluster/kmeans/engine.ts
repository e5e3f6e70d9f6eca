import type { Matrix } from "../../matrix/matrix.js";
import { type ChunkOp, chunkCount, type KMeansRowState, partialLength, runChunk } from "./kernels.js";

/**
 * One k-means run from given initial centroids, written as a generator: it yields a ChunkOp to
 * be applied to every chunk of rows and receives the per-chunk partials back, in chunk order.
 * `kmeans` drives it inline; `kmeansParallel` drives the same generator with chunks spread over
 * worker threads, so both give the same numbers.
 */
export interface RunSettings {
  readonly k: number;
  readonly maxIter: number;
  /** Absolute tolerance on the summed squared centroid shift. */
  readonly tolAbs: number;
  readonly algorithm: "lloyd" | "hamerly";
  /** Called after each iteration; throws to cancel. */
  readonly onIteration?: ((iteration: number) => void) | undefined;
}

export interface RunOutcome {
  readonly centroids: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly inertiaHistory: number[];
}

export type RunGenerator = Generator<ChunkOp, RunOutcome, Float64Array[]>;

export function* kmeansRun(
  x: Matrix,
  state: KMeansRowState,
  initial: Float64Array,
  settings: RunSettings,
): RunGenerator {
  const { n, d } = x;
  const { k, maxIter, tolAbs, algorithm } = settings;
  const kd = k * d;
  let centroids = Float64Array.from(initial);
  const sums = new Float64Array(kd);
  const counts = new Float64Array(k);
  const drift = new Float64Array(k);
  const history: number[] = [];
  let iterations = 0;
  let converged = false;

  for (let iter = 0; iter < maxIter; iter++) {
    let op: ChunkOp;
    if (algorithm === "lloyd") op = { op: "lloyd", centroids };
    else if (iter === 0) op = { op: "hamerly-init", centroids };
    else op = { op: "hamerly", centroids, halfGap: halfGaps(centroids, k, d), drift };
    const partials: Float64Array[] = yield op;
    const incremental = op.op === "hamerly";
    if (!incremental) {
      sums.fill(0);
      counts.fill(0);
    }
    const tail = combine(partials, sums, counts, k, d);
    if (op.op === "lloyd") history.push(tail.inertia);
    iterations = iter + 1;

    const next = new Float64Array(kd);
    // Hamerly keeps counts by adding and removing weights: with fractional sample weights a
    // cluster that lost every row can be left with rounding dust instead of 0. Treat it as empty.
    let totalWeight = 0;
    for (let j = 0; j < k; j++) totalWeight += counts[j]!;
    const dust = 1e-12 * totalWeight;
    for (let j = 0; j < k; j++) {
      if (counts[j]! <= dust && counts[j] !== 0) {
        counts[j] = 0;
        sums.fill(0, j * d, j * d + d);
      }
    }
    for (let j = 0; j < k; j++) {
      const cnt = counts[j]!;
      for (let t = 0; t < d; t++) next[j * d + t] = cnt > 0 ? sums[j * d + t]! / cnt : centroids[j * d + t]!;
    }
    if (hasEmpty(counts)) relocateEmpty(x, state, next, sums, counts);
    let shift = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = next[j * d + t]! - centroids[j * d + t]!;
        s += v * v;
      }
      drift[j] = Math.sqrt(s);
      shift += s;
    }
    centroids = next;
    settings.onIteration?.(iterations);
    // scikit-learn: labels unchanged is strict convergence; otherwise stop once the summed
    // squared centroid shift is within tol (the first iteration's "changed" counts every row).
    if ((iter > 0 && tail.changed === 0) || shift <= tolAbs) {
      converged = true;
      break;
    }
  }
  // Final E-step so labels and inertia match the returned centroids.
  const finalPartials: Float64Array[] = yield { op: "assign", centroids };
  const tail = combine(finalPartials, undefined, undefined, k, d);
  void n;
  return { centroids, inertia: tail.inertia, iterations, converged, inertiaHistory: history };
}

function combine(
  partials: Float64Array[],
  sums: Float64Array | undefined,
  counts: Float64Array | undefined,
  k: number,
  d: number,
): { inertia: number; changed: number } {
  const kd = k * d;
  let inertia = 0;
  let changed = 0;
  for (const p of partials) {
    if (sums !== undefined && counts !== undefined) {
      for (let i = 0; i < kd; i++) sums[i]! += p[i]!;
      for (let j = 0; j < k; j++) counts[j]! += p[kd + j]!;
    }
    inertia += p[kd + k]!;
    changed += p[kd + k + 1]!;
  }
  return { inertia, changed };
}

function hasEmpty(counts: Float64Array): boolean {
  for (let j = 0; j < counts.length; j++) if (!(counts[j]! > 0)) return true;
  return false;
}

/** s(j) = half the distance from centroid j to its nearest other centroid. */
export function halfGaps(centroids: Float64Array, k: number, d: number): Float64Array {
  const s = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let acc = 0;
      for (let t = 0; t < d; t++) {
        const v = centroids[a * d + t]! - centroids[b * d + t]!;
        acc += v * v;
      }
      const half = 0.5 * Math.sqrt(acc);
      if (half < s[a]!) s[a] = half;
      if (half < s[b]!) s[b] = half;
    }
  }
  if (k === 1) s[0] = Number.POSITIVE_INFINITY;
  return s;
}

/**
 * Empty clusters (rare) take the rows farthest from their own centroid, like scikit-learn:
 * each moved row becomes its new cluster's centroid and leaves its old cluster's sums. Exact
 * distances are recomputed in one pass, so Hamerly's bounds for moved rows are reset.
 */
function relocateEmpty(
  x: Matrix,
  state: KMeansRowState,
  next: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const { data, n, d } = x;
  const k = counts.length;
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (!(counts[j]! > 0)) empty.push(j);
  const far = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = state.labels[i]!;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t]! - next[a * d + t]!;
      s += v * v;
    }
    far[i] = state.weights !== undefined && !(state.weights[i]! > 0) ? -1 : s;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => far[q]! - far[p]! || p - q);
  let taken = 0;
  for (const j of empty) {
    // Never empty a cluster by taking its last row.
    while (taken < n && counts[state.labels[order[taken]!]!]! <= (state.weights?.[order[taken]!] ?? 1))
      taken++;
    if (taken >= n) break;
    const i = order[taken++]!;
    const from = state.labels[i]!;
    const w = state.weights === undefined ? 1 : state.weights[i]!;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t]!;
      sums[from * d + t]! -= w * v;
      sums[j * d + t] = w * v;
      next[j * d + t] = v;
    }
    counts[from]! -= w;
    counts[j] = w;
    for (let t = 0; t < d; t++) next[from * d + t] = sums[from * d + t]! / counts[from]!;
    state.labels[i] = j;
    if (state.upper.length > 0) {
      state.upper[i] = 0;
      state.lower[i] = 0;
    }
  }
}

/** Drives a run generator inline, chunk by chunk, on this thread. */
export function driveInline(gen: RunGenerator, state: KMeansRowState, n: number): RunOutcome {
  const chunks = chunkCount(n);
  let step = gen.next(undefined as unknown as Float64Array[]);
  while (!step.done) {
    const partials: Float64Array[] = new Array(chunks);
    for (let c = 0; c < chunks; c++) partials[c] = runChunk(state, step.value, c, n);
    step = gen.next(partials);
  }
  return step.value;
}

export { partialLength };
