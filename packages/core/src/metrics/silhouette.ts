import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";
import { rowDistancesKernel } from "./distance-kernels.js";
import { denseLabels } from "./labels.js";

/** Above this many rows `silhouette` scores a seeded random sample unless told otherwise. */
export const SILHOUETTE_DEFAULT_SAMPLE_SIZE = 10_000;

export interface SilhouetteOptions {
  /**
   * Score a random sample of this many rows when the data has more (scikit-learn's
   * `sample_size`: both the scored rows and the rows they are compared with come from the
   * sample). Default 10,000; `Infinity` always computes the exact score.
   */
  sampleSize?: number;
  /** Seed of the sample. Default 0. */
  seed?: number;
}

/**
 * One labelling as the kernel reads it: dense labels 0..k-1, cluster sizes, and the rows
 * sorted by label (`order`, cluster c at bounds[c] .. bounds[c + 1], row order kept inside a
 * cluster so sums run in the same order as scikit-learn's bincount).
 */
interface Labelling {
  readonly labels: Int32Array;
  readonly k: number;
  readonly sizes: Int32Array;
  readonly order: Int32Array;
  readonly bounds: Int32Array;
}

function labelling(labels: Int32Array, k: number, sizes: Int32Array): Labelling {
  const n = labels.length;
  const bounds = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) bounds[c + 1] = bounds[c]! + sizes[c]!;
  const fill = bounds.slice(0, k);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[labels[i]!]!++] = i;
  return { labels, k, sizes, order, bounds };
}

/** Rows with noise (label < 0) removed; `rows[i]` is the caller's row of compacted row i. */
interface Prepared {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly labelling: Labelling;
  readonly rows: Int32Array | undefined;
}

function prepare(x: Matrix, labels: ArrayLike<number>): Prepared {
  const dense = denseLabels(labels, x.n);
  if (dense.clustered === x.n) {
    return {
      data: x.data,
      n: x.n,
      d: x.d,
      labelling: labelling(dense.labels, dense.k, dense.sizes),
      rows: undefined,
    };
  }
  // Noise rows are left out entirely (neither scored nor compared with), as if they were absent.
  const m = dense.clustered;
  const d = x.d;
  const data = new Float64Array(m * d);
  const compact = new Int32Array(m);
  const rows = new Int32Array(m);
  for (let i = 0, c = 0; i < x.n; i++) {
    const label = dense.labels[i]!;
    if (label < 0) continue;
    data.set(x.data.subarray(i * d, i * d + d), c * d);
    compact[c] = label;
    rows[c] = i;
    c++;
  }
  return { data, n: m, d, labelling: labelling(compact, dense.k, dense.sizes), rows };
}

function checkClusterCount(k: number, n: number): void {
  if (k < 2 || k > n - 1) {
    throw new CoreInputError(
      `silhouette needs between 2 and n - 1 clusters (excluding noise), got ${k} clusters for ${n} rows`,
      { field: "labels" },
    );
  }
}

const BLOCK = 4;

/**
 * The silhouette kernel. For rows [start, end), four at a time: the distances from each of
 * the four rows to every row (one pass over the data), then for every labelling the sum of
 * those distances per cluster, walking the rows in cluster order so each sum is a plain
 * accumulation (four independent ones, sharing the index loads) rather than a scattered add,
 * then s = (b - a) / max(a, b). One distance pass serves any number of labellings, which is
 * what makes a k sweep's silhouettes cheap. `out[l][i - start]` receives row i's value for
 * labelling l.
 */
function kernel(
  data: Float64Array,
  n: number,
  d: number,
  labellings: ReadonlyArray<Labelling>,
  start: number,
  end: number,
  out: ReadonlyArray<Float64Array>,
): void {
  const rowDistances = rowDistancesKernel(d);
  const d0 = new Float64Array(n);
  const d1 = new Float64Array(n);
  const d2 = new Float64Array(n);
  const d3 = new Float64Array(n);
  let maxK = 0;
  for (const l of labellings) maxK = Math.max(maxK, l.k);
  const sums = new Float64Array(BLOCK * maxK);
  for (let i0 = start; i0 < end; i0 += BLOCK) {
    const rows = Math.min(BLOCK, end - i0);
    rowDistances(data, n, i0 * d, d0);
    // Spare slots of a short last block repeat the first row; their results are not stored.
    rowDistances(data, n, (rows > 1 ? i0 + 1 : i0) * d, d1);
    rowDistances(data, n, (rows > 2 ? i0 + 2 : i0) * d, d2);
    rowDistances(data, n, (rows > 3 ? i0 + 3 : i0) * d, d3);
    for (let l = 0; l < labellings.length; l++) {
      const { labels, k, sizes, order, bounds } = labellings[l]!;
      for (let c = 0; c < k; c++) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let j = bounds[c]!, e = bounds[c + 1]!; j < e; j++) {
          const q = order[j]!;
          a0 += d0[q]!;
          a1 += d1[q]!;
          a2 += d2[q]!;
          a3 += d3[q]!;
        }
        sums[c] = a0;
        sums[maxK + c] = a1;
        sums[2 * maxK + c] = a2;
        sums[3 * maxK + c] = a3;
      }
      const target = out[l]!;
      for (let r = 0; r < rows; r++) {
        target[i0 + r - start] = score(sums, r * maxK, sizes, labels[i0 + r]!, k);
      }
    }
  }
}

function score(sums: Float64Array, offset: number, sizes: Int32Array, own: number, k: number): number {
  const ownSize = sizes[own]!;
  // scikit-learn: a row alone in its cluster scores 0.
  if (ownSize <= 1) return 0;
  const a = sums[offset + own]! / (ownSize - 1);
  let b = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    if (c === own || sizes[c]! === 0) continue;
    const mean = sums[offset + c]! / sizes[c]!;
    if (mean < b) b = mean;
  }
  const denominator = Math.max(a, b);
  return denominator > 0 ? (b - a) / denominator : 0;
}

/**
 * Silhouette value of each row in [start, end) (NaN for noise rows, label < 0), compared with
 * every non-noise row. Chunks of rows can run on different threads; the mean of the non-NaN
 * values of all chunks is `silhouette(x, labels, { sampleSize: Infinity })`.
 */
export function silhouetteRange(
  x: Matrix,
  labels: ArrayLike<number>,
  start: number,
  end: number,
): Float64Array {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > x.n || start > end) {
    throw new CoreInputError(`row range [${start}, ${end}) is not inside 0..${x.n}`, { field: "range" });
  }
  const p = prepare(x, labels);
  checkClusterCount(p.labelling.k, p.n);
  const out = new Float64Array(end - start);
  if (p.rows === undefined) {
    kernel(p.data, p.n, p.d, [p.labelling], start, end, [out]);
    return out;
  }
  out.fill(Number.NaN);
  // Compacted rows keep the caller's order, so the ones inside [start, end) are contiguous.
  const from = lowerBound(p.rows, start);
  const to = lowerBound(p.rows, end);
  const values = new Float64Array(to - from);
  kernel(p.data, p.n, p.d, [p.labelling], from, to, [values]);
  for (let c = from; c < to; c++) out[p.rows[c]! - start] = values[c - from]!;
  return out;
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Silhouette value of every row (scikit-learn's `silhouette_samples`); NaN for noise rows. */
export function silhouetteSamples(x: Matrix, labels: ArrayLike<number>): Float64Array {
  return silhouetteRange(x, labels, 0, x.n);
}

/**
 * Picks the rows a sampled silhouette scores: `sampleSize` distinct rows drawn with the seed
 * (all rows, in order, when there are not more than that). The parallel layer samples with
 * this, then hands chunks of the sample to `silhouetteRange`.
 */
export function silhouetteSubsample(
  x: Matrix,
  labels: ArrayLike<number>,
  sampleSize: number,
  seed = 0,
): { x: Matrix; labels: Int32Array; rows: Int32Array } {
  if (!(sampleSize >= 2)) {
    throw new CoreInputError(`sampleSize must be at least 2, got ${sampleSize}`, { field: "sampleSize" });
  }
  const n = x.n;
  const d = x.d;
  if (labels.length !== n) {
    throw new CoreInputError(`labels has ${labels.length} entries, expected one per row (${n})`, {
      field: "labels",
    });
  }
  if (n <= sampleSize) {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    return { x, labels: Int32Array.from(labels), rows };
  }
  const m = Math.floor(sampleSize);
  // Partial Fisher-Yates over a virtual identity permutation (a Map keeps it O(m) memory).
  const random = createRandom(seed);
  const swapped = new Map<number, number>();
  const rows = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const j = i + random.int(n - i);
    const atJ = swapped.get(j) ?? j;
    const atI = swapped.get(i) ?? i;
    swapped.set(j, atI);
    rows[i] = atJ;
  }
  rows.sort();
  const data = new Float64Array(m * d);
  const sampleLabels = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const r = rows[i]!;
    data.set(x.data.subarray(r * d, r * d + d), i * d);
    sampleLabels[i] = labels[r]!;
  }
  return { x: { data, n: m, d }, labels: sampleLabels, rows };
}

/**
 * Mean silhouette coefficient (scikit-learn's `silhouette_score`, euclidean). Rows labelled
 * negative (noise) are left out. Exact up to `sampleSize` rows (default 10,000); above that the
 * score of a seeded random sample of that many rows.
 */
export function silhouette(x: Matrix, labels: ArrayLike<number>, options: SilhouetteOptions = {}): number {
  const sampleSize = options.sampleSize ?? SILHOUETTE_DEFAULT_SAMPLE_SIZE;
  const target =
    x.n > sampleSize ? silhouetteSubsample(x, labels, sampleSize, options.seed ?? 0) : { x, labels };
  return meanIgnoringNaN(silhouetteSamples(target.x, target.labels));
}

/** Mean of the values that are not NaN (noise rows in silhouette output). */
export function meanIgnoringNaN(values: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Rows per block of `silhouetteBlockSums`: ranges handed to threads start on a multiple of it. */
export const SILHOUETTE_BLOCK_ROWS = 256;

/**
 * What `silhouetteScores` scores: the rows compared (a seeded sample above the sample size), each
 * labelling's dense labels on them, and which labellings have no score (NaN: fewer than 2
 * clusters, or one per row, among the scored rows).
 */
export interface SilhouetteScoresPlan {
  readonly x: Matrix;
  readonly labelings: Int32Array[];
  readonly undefinedScore: Uint8Array;
}

export function planSilhouetteScores(
  x: Matrix,
  labelings: ReadonlyArray<ArrayLike<number>>,
  options: SilhouetteOptions = {},
): SilhouetteScoresPlan {
  const m = labelings.length;
  const sampleSize = options.sampleSize ?? SILHOUETTE_DEFAULT_SAMPLE_SIZE;
  const seed = options.seed ?? 0;
  let rows: Int32Array | undefined;
  let target = x;
  if (m > 0 && x.n > sampleSize) {
    const sub = silhouetteSubsample(x, labelings[0]!, sampleSize, seed);
    rows = sub.rows;
    target = sub.x;
  }
  const n = target.n;
  const dense: Int32Array[] = [];
  const undefinedScore = new Uint8Array(m);
  for (let l = 0; l < m; l++) {
    const source = labelings[l]!;
    const picked = rows === undefined ? source : Int32Array.from(rows, (r) => source[r]!);
    const d = denseLabels(picked, n);
    if (d.clustered !== n) {
      throw new CoreInputError(`labelling ${l} has noise rows; silhouetteScores takes full labellings`, {
        field: "labels",
      });
    }
    if (d.k < 2 || d.k > n - 1) undefinedScore[l] = 1;
    dense.push(d.labels);
  }
  return { x: target, labelings: dense, undefinedScore };
}

/**
 * The sums of the silhouette values of each block of SILHOUETTE_BLOCK_ROWS rows in
 * [start, end) (start a multiple of it), for every labelling of the plan: block-major,
 * [block][labelling]. Blocks of the whole range, summed in order, give `silhouetteScores`;
 * ranges can run on different threads.
 */
export function silhouetteBlockSums(
  plan: Pick<SilhouetteScoresPlan, "x" | "labelings">,
  start: number,
  end: number,
): Float64Array {
  const { x, labelings } = plan;
  const m = labelings.length;
  if (start % SILHOUETTE_BLOCK_ROWS !== 0 || start < 0 || end > x.n || start > end) {
    throw new CoreInputError(`row range [${start}, ${end}) must start on a block inside 0..${x.n}`, {
      field: "range",
    });
  }
  const prepared = labelings.map((labels) => {
    let k = 0;
    for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i]! + 1);
    const sizes = new Int32Array(k);
    for (let i = 0; i < labels.length; i++) sizes[labels[i]!]!++;
    return labelling(labels, k, sizes);
  });
  const blocks = Math.ceil((end - start) / SILHOUETTE_BLOCK_ROWS);
  const out = new Float64Array(blocks * m);
  // One block at a time bounds the scratch memory to m blocks of values.
  const values = Array.from({ length: m }, () => new Float64Array(SILHOUETTE_BLOCK_ROWS));
  for (let b = 0; b < blocks; b++) {
    const from = start + b * SILHOUETTE_BLOCK_ROWS;
    const to = Math.min(end, from + SILHOUETTE_BLOCK_ROWS);
    kernel(x.data, x.n, x.d, prepared, from, to, values);
    for (let l = 0; l < m; l++) {
      const v = values[l]!;
      let s = 0;
      for (let i = 0; i < to - from; i++) s += v[i]!;
      out[b * m + l] = s;
    }
  }
  return out;
}

/** The scores from the block sums of all the plan's rows, in block order. */
export function finishSilhouetteScores(plan: SilhouetteScoresPlan, blockSums: Float64Array): number[] {
  const m = plan.labelings.length;
  const totals = new Float64Array(m);
  for (let b = 0; b < blockSums.length / m; b++)
    for (let l = 0; l < m; l++) totals[l]! += blockSums[b * m + l]!;
  return Array.from(totals, (t, l) => (plan.undefinedScore[l] === 1 ? Number.NaN : t / plan.x.n));
}

/**
 * Silhouette scores of several labellings of the same rows at once (the k sweep): each pair
 * distance is computed once and added to every labelling's per-cluster sums, so m labellings
 * cost little more than one. Labels must be non-negative. Sampling as in `silhouette`. A
 * labelling with fewer than 2 clusters (or one per row) among the scored rows scores NaN.
 */
export function silhouetteScores(
  x: Matrix,
  labelings: ReadonlyArray<ArrayLike<number>>,
  options: SilhouetteOptions = {},
): number[] {
  if (labelings.length === 0) return [];
  const plan = planSilhouetteScores(x, labelings, options);
  return finishSilhouetteScores(plan, silhouetteBlockSums(plan, 0, plan.x.n));
}
