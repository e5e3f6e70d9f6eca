import { CancelledError, CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { wardScanKernel } from "./ward-kernel.js";

/**
 * Largest input `hierarchical` accepts. Average and complete linkage keep the condensed
 * distance matrix, n (n - 1) / 2 float64 values: 1.6 GB at 20,000 rows. Ward (on centroids)
 * and single linkage (Prim) need O(n d) memory but are O(n^2) in time, so the same limit keeps
 * their run time in seconds.
 */
export const MAX_HIERARCHICAL_ROWS = 20_000;

export type Linkage = "ward" | "average" | "complete" | "single";

export interface HierarchicalOptions {
  /** Number of clusters to cut the tree into. Default 2 unless distanceThreshold is given. */
  k?: number;
  /** Cut instead where merges reach this height: clusters are joined by merges below it (scikit-learn's distance_threshold). */
  distanceThreshold?: number;
  /** Default "ward". */
  linkage?: Linkage;
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

export interface HierarchicalResult {
  /** Cluster of each row, 0..k-1 numbered in order of first appearance. */
  labels: Int32Array;
  k: number;
  /**
   * The whole tree as SciPy's linkage matrix, (n - 1) rows of [a, b, height, size] in order of
   * height: row i joins clusters a < b (ids below n are rows, n + j is the cluster made by
   * row j) at `height` into a cluster of `size` rows.
   */
  merges: Float64Array;
  /** Data for drawing the dendrogram. */
  dendrogram: Dendrogram;
}

export interface Dendrogram {
  /** Rows in the left-to-right order of the dendrogram's leaves (SciPy's `leaves_list`). */
  leafOrder: Int32Array;
  /** Height of the merge that made each cluster id n + j (= merges[4 j + 2]). */
  heights: Float64Array;
}

/**
 * Agglomerative clustering with SciPy's algorithms and hence SciPy's tree: the
 * nearest-neighbour chain (Murtagh 1983; Müllner 2011) with Lance-Williams updates of a
 * condensed distance matrix for average and complete linkage, and on cluster centroids for
 * ward; Prim's minimum spanning tree, computing distances on the fly, for single linkage. Ties
 * are broken as SciPy breaks them (for ward, merges at exactly equal heights may come in
 * another order, since centroid arithmetic rounds differently from SciPy's matrix updates).
 * O(n^2) time; refuses more than MAX_HIERARCHICAL_ROWS rows.
 */
export function hierarchical(x: Matrix, options: HierarchicalOptions = {}): HierarchicalResult {
  const { n } = x;
  const linkage = options.linkage ?? "ward";
  if (!["ward", "average", "complete", "single"].includes(linkage)) {
    throw new CoreInputError(`linkage must be ward, average, complete or single, got ${linkage}`, {
      field: "linkage",
    });
  }
  if (n > MAX_HIERARCHICAL_ROWS) {
    throw new CoreInputError(
      `hierarchical clustering holds at most ${MAX_HIERARCHICAL_ROWS} rows in memory, got ${n}; ` +
        "use k-means or a sample of the rows",
      { field: "n" },
    );
  }
  if (n < 1) throw new CoreInputError("hierarchical clustering needs at least one row", { field: "n" });
  const threshold = options.distanceThreshold;
  if (threshold !== undefined && options.k !== undefined) {
    throw new CoreInputError("give either k or distanceThreshold, not both", { field: "k" });
  }
  if (threshold !== undefined && !(threshold >= 0)) {
    throw new CoreInputError(`distanceThreshold must be a non-negative number, got ${threshold}`, {
      field: "distanceThreshold",
    });
  }
  const k = options.k ?? (threshold === undefined ? Math.min(2, n) : undefined);
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > n)) {
    throw new CoreInputError(`k must be an integer between 1 and ${n}, got ${k}`, { field: "k" });
  }
  assertFinite(x);
  const progress = (stage: string, fraction: number) => {
    if (options.onProgress !== undefined && options.onProgress(stage, fraction) === false) {
      throw new CancelledError(stage);
    }
  };
  const raw =
    linkage === "single"
      ? primSingleLinkage(x, progress)
      : linkage === "ward"
        ? wardChain(x, progress)
        : nnChain(x, linkage, progress);
  const merges = relabel(raw, n);
  const cut = k !== undefined ? cutToK(merges, n, k) : cutAtHeight(merges, n, threshold!);
  return { labels: cut.labels, k: cut.k, merges, dendrogram: dendrogramOf(merges, n) };
}

type Progress = (stage: string, fraction: number) => void;

/** SciPy's condensed index of the pair i < j. */
function condensedIndex(n: number, i: number, j: number): number {
  return n * i - (i * (i + 1)) / 2 + j - i - 1;
}

function pairwiseDistances(x: Matrix, progress: Progress): Float64Array {
  const { data, n, d } = x;
  const out = new Float64Array((n * (n - 1)) / 2);
  let idx = 0;
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let j = i + 1, jo = j * d; j < n; j++, jo += d) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[io + t]! - data[jo + t]!;
        s += diff * diff;
      }
      out[idx++] = Math.sqrt(s);
    }
    if ((i & 0x3ff) === 0x3ff) progress("hierarchical: distances", (0.3 * i) / n);
  }
  return out;
}

/**
 * SciPy's nn_chain: follow nearest neighbours until two clusters are each other's nearest,
 * merge them, keep the rest of the chain. Merges come out unsorted with raw slot numbers.
 */
function nnChain(x: Matrix, linkage: "average" | "complete", progress: Progress): Float64Array {
  const n = x.n;
  const dist = pairwiseDistances(x, progress);
  const out = new Float64Array(Math.max(0, n - 1) * 4);
  const size = new Float64Array(n).fill(1);
  const chain = new Int32Array(n);
  let chainLength = 0;
  for (let step = 0; step < n - 1; step++) {
    if (chainLength === 0) {
      chainLength = 1;
      for (let i = 0; i < n; i++) {
        if (size[i]! > 0) {
          chain[0] = i;
          break;
        }
      }
    }
    let cx = 0;
    let cy = 0;
    let currentMin = 0;
    for (;;) {
      cx = chain[chainLength - 1]!;
      // Prefer the previous chain element on ties so the chain cannot cycle.
      if (chainLength > 1) {
        cy = chain[chainLength - 2]!;
        currentMin = dist[cx < cy ? condensedIndex(n, cx, cy) : condensedIndex(n, cy, cx)]!;
      } else {
        currentMin = Number.POSITIVE_INFINITY;
      }
      // Row cx of the condensed matrix: entries (i, cx) for i < cx step by n - i - 2; entries
      // (cx, i) for i > cx are contiguous.
      let idx = cx - 1;
      for (let i = 0; i < cx; i++) {
        if (size[i]! > 0) {
          const v = dist[idx]!;
          if (v < currentMin) {
            currentMin = v;
            cy = i;
          }
        }
        idx += n - i - 2;
      }
      idx = condensedIndex(n, cx, cx + 1);
      for (let i = cx + 1; i < n; i++, idx++) {
        if (size[i]! > 0) {
          const v = dist[idx]!;
          if (v < currentMin) {
            currentMin = v;
            cy = i;
          }
        }
      }
      if (chainLength > 1 && cy === chain[chainLength - 2]) break;
      chain[chainLength++] = cy;
    }
    chainLength -= 2;
    if (cx > cy) {
      const tmp = cx;
      cx = cy;
      cy = tmp;
    }
    const nx = size[cx]!;
    const ny = size[cy]!;
    out[step * 4] = cx;
    out[step * 4 + 1] = cy;
    out[step * 4 + 2] = currentMin;
    out[step * 4 + 3] = nx + ny;
    size[cx] = 0;
    size[cy] = nx + ny;
    // Lance-Williams update of the merged cluster's distances (it lives on in slot cy).
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === cy) continue;
      const ix = i < cx ? condensedIndex(n, i, cx) : condensedIndex(n, cx, i);
      const iy = i < cy ? condensedIndex(n, i, cy) : condensedIndex(n, cy, i);
      const dxi = dist[ix]!;
      const dyi = dist[iy]!;
      dist[iy] = linkage === "complete" ? Math.max(dxi, dyi) : (nx * dxi + ny * dyi) / (nx + ny);
    }
    if ((step & 0xff) === 0xff) progress("hierarchical: merging", 0.3 + (0.7 * step) / n);
  }
  return out;
}

/**
 * Ward linkage by the same nearest-neighbour chain, but with each cluster held as its centroid
 * and size instead of a distance matrix: the Ward distance of clusters A and B is
 * sqrt(2 |A| |B| / (|A| + |B|)) |c_A - c_B|, which is exactly what SciPy's Lance-Williams
 * recursion computes. O(n d) memory, and each chain step reads the centroids contiguously.
 */
function wardChain(x: Matrix, progress: Progress): Float64Array {
  const { n, d } = x;
  const scan = wardScanKernel(d);
  // Live clusters are kept compacted in slot order (position p holds slot slots[p]), so a scan
  // reads only live centroids, contiguously; order is kept, so ties break as in SciPy.
  let centroids = Float64Array.from(x.data);
  let sizes = new Float64Array(n).fill(1);
  let slots = new Int32Array(n);
  for (let i = 0; i < n; i++) slots[i] = i;
  let m = n;
  let live = n;
  const positionOf = new Int32Array(n);
  for (let i = 0; i < n; i++) positionOf[i] = i;
  const out = new Float64Array(Math.max(0, n - 1) * 4);
  // The chain holds positions; compaction rewrites them.
  const chain = new Int32Array(n);
  let chainLength = 0;
  const result = new Float64Array(1);
  const distance = (a: number, b: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = centroids[a * d + t]! - centroids[b * d + t]!;
      s += diff * diff;
    }
    const na = sizes[a]!;
    const nb = sizes[b]!;
    return Math.sqrt(((2 * na * nb) / (na + nb)) * s);
  };
  for (let step = 0; step < n - 1; step++) {
    if (live * 2 < m && m > 64) {
      // Hold the chain as slots while compacting: the loop below overwrites `slots` in place,
      // so reading slots[chain[c]] afterwards would name whichever cluster moved into that
      // position, and the chain would go on to merge clusters that are already one.
      for (let c = 0; c < chainLength; c++) chain[c] = slots[chain[c]!]!;
      let w = 0;
      for (let p = 0; p < m; p++) {
        if (sizes[p]! === 0) continue;
        if (w !== p) {
          centroids.copyWithin(w * d, p * d, p * d + d);
          sizes[w] = sizes[p]!;
          slots[w] = slots[p]!;
        }
        positionOf[slots[w]!] = w;
        w++;
      }
      for (let c = 0; c < chainLength; c++) chain[c] = positionOf[chain[c]!]!;
      m = w;
      centroids = centroids.subarray(0, m * d);
      sizes = sizes.subarray(0, m);
      slots = slots.subarray(0, m);
    }
    if (chainLength === 0) {
      chainLength = 1;
      chain[0] = 0;
      while (sizes[chain[0]!]! === 0) chain[0]!++;
    }
    let cx = 0;
    let cy = 0;
    let currentMin = 0;
    for (;;) {
      cx = chain[chainLength - 1]!;
      if (chainLength > 1) {
        cy = chain[chainLength - 2]!;
        currentMin = distance(cx, cy);
      } else {
        currentMin = Number.POSITIVE_INFINITY;
      }
      cy = scan(centroids, sizes, m, cx, cy, currentMin, result);
      currentMin = result[0]!;
      if (chainLength > 1 && cy === chain[chainLength - 2]) break;
      chain[chainLength++] = cy;
    }
    chainLength -= 2;
    if (cx > cy) {
      const tmp = cx;
      cx = cy;
      cy = tmp;
    }
    const nx = sizes[cx]!;
    const ny = sizes[cy]!;
    out[step * 4] = slots[cx]!;
    out[step * 4 + 1] = slots[cy]!;
    out[step * 4 + 2] = currentMin;
    out[step * 4 + 3] = nx + ny;
    // The merged cluster lives on in cy's place, as in SciPy.
    for (let t = 0; t < d; t++) {
      centroids[cy * d + t] = (nx * centroids[cx * d + t]! + ny * centroids[cy * d + t]!) / (nx + ny);
    }
    sizes[cx] = 0;
    sizes[cy] = nx + ny;
    live--;
    if ((step & 0xff) === 0xff) progress("hierarchical: merging", step / n);
  }
  return out;
}

/** SciPy's mst_single_linkage (Prim), with distances computed on the fly: O(n) memory. */
function primSingleLinkage(x: Matrix, progress: Progress): Float64Array {
  const { data, n, d } = x;
  const out = new Float64Array(Math.max(0, n - 1) * 4);
  const merged = new Uint8Array(n);
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let cx = 0;
  for (let step = 0; step < n - 1; step++) {
    let currentMin = Number.POSITIVE_INFINITY;
    let cy = -1;
    merged[cx] = 1;
    const xo = cx * d;
    for (let i = 0; i < n; i++) {
      if (merged[i] === 1) continue;
      const io = i * d;
      // Same operand order as SciPy's pdist(x)[condensed(min, max)]: row with lower index first.
      let s = 0;
      if (cx < i) {
        for (let t = 0; t < d; t++) {
          const diff = data[xo + t]! - data[io + t]!;
          s += diff * diff;
        }
      } else {
        for (let t = 0; t < d; t++) {
          const diff = data[io + t]! - data[xo + t]!;
          s += diff * diff;
        }
      }
      const dist = Math.sqrt(s);
      if (best[i]! > dist) best[i] = dist;
      if (best[i]! < currentMin) {
        currentMin = best[i]!;
        cy = i;
      }
    }
    out[step * 4] = cx;
    out[step * 4 + 1] = cy;
    out[step * 4 + 2] = currentMin;
    cx = cy;
    if ((step & 0xff) === 0xff) progress("hierarchical: spanning tree", step / n);
  }
  return out;
}

/**
 * SciPy's final steps: a stable sort of the merges by height, then cluster ids rewritten with
 * a union-find so that row j's new cluster is n + j, and sizes filled in.
 */
function relabel(raw: Float64Array, n: number): Float64Array {
  const m = raw.length / 4;
  const order = Array.from({ length: m }, (_, i) => i);
  order.sort((a, b) => raw[a * 4 + 2]! - raw[b * 4 + 2]! || a - b);
  const merges = new Float64Array(raw.length);
  const parent = new Int32Array(2 * n - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const sizes = new Float64Array(2 * n - 1).fill(1);
  let next = n;
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r]!;
    let c = v;
    while (parent[c] !== r) {
      const up = parent[c]!;
      parent[c] = r;
      c = up;
    }
    return r;
  };
  for (let row = 0; row < m; row++) {
    const src = order[row]! * 4;
    const a = find(raw[src]!);
    const b = find(raw[src + 1]!);
    // The linkage algorithms join two different clusters at every step; a merge within one
    // cluster would leave the tree one cluster short of a tree and every cut one cluster over.
    if (a === b) throw new Error(`hierarchical: merge ${row} joins cluster ${a} with itself`);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    merges[row * 4] = lo;
    merges[row * 4 + 1] = hi;
    merges[row * 4 + 2] = raw[src + 2]!;
    merges[row * 4 + 3] = sizes[a]! + sizes[b]!;
    parent[a] = next;
    parent[b] = next;
    sizes[next] = sizes[a]! + sizes[b]!;
    next++;
  }
  return merges;
}

/**
 * Labels after the first `count` merges, numbered by first appearance in row order. Each merge
 * must join two clusters that exist and are not yet merged, so `count` merges always leave
 * exactly n - count clusters; a linkage matrix that breaks this is refused rather than cut
 * into the wrong number of clusters.
 */
function labelsAfter(merges: Float64Array, n: number, count: number): { labels: Int32Array; k: number } {
  if (merges.length !== Math.max(0, n - 1) * 4) {
    throw new CoreInputError(`merges has ${merges.length / 4} rows, expected n - 1 = ${n - 1}`, {
      field: "merges",
    });
  }
  const parent = new Int32Array(Math.max(1, 2 * n - 1));
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  for (let row = 0; row < count; row++) {
    const a = merges[row * 4]!;
    const b = merges[row * 4 + 1]!;
    for (const id of [a, b]) {
      if (!Number.isInteger(id) || id < 0 || id >= n + row || parent[id] !== id || a === b) {
        throw new CoreInputError(
          `merges row ${row} joins cluster ${id}, which does not exist yet or was already merged`,
          { field: "merges" },
        );
      }
    }
    parent[a] = n + row;
    parent[b] = n + row;
  }
  // A parent always has a larger id than its child, so one pass from the top finds every root
  // (a single-linkage chain would make walking up from each row quadratic).
  for (let v = n + count - 1; v >= 0; v--) parent[v] = parent[parent[v]!]!;
  const labels = new Int32Array(n);
  const id = new Int32Array(parent.length).fill(-1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = parent[i]!;
    if (id[r]! < 0) id[r] = k++;
    labels[i] = id[r]!;
  }
  return { labels, k };
}

/**
 * k clusters: undo the last k - 1 merges (what scikit-learn's n_clusters does). The cut goes by
 * merge order, not by height, so merges at tied heights cannot change the count: the result
 * always has exactly k clusters, labelled 0..k-1, and the cut at k joins clusters of the cut at
 * k + 1 without splitting any.
 */
export function cutToK(merges: Float64Array, n: number, k: number): { labels: Int32Array; k: number } {
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new CoreInputError(`k must be an integer between 1 and ${n}, got ${k}`, { field: "k" });
  }
  return labelsAfter(merges, n, n - k);
}

/** Clusters joined by every merge lower than `threshold` (scikit-learn's distance_threshold). */
export function cutAtHeight(
  merges: Float64Array,
  n: number,
  threshold: number,
): { labels: Int32Array; k: number } {
  let count = 0;
  while (count < n - 1 && merges[count * 4 + 2]! < threshold) count++;
  return labelsAfter(merges, n, count);
}

function dendrogramOf(merges: Float64Array, n: number): Dendrogram {
  const m = n - 1;
  const heights = new Float64Array(Math.max(0, m));
  for (let j = 0; j < m; j++) heights[j] = merges[j * 4 + 2]!;
  const leafOrder = new Int32Array(n);
  if (n === 1) return { leafOrder, heights };
  // Depth-first from the root, left child (merges[.. 0]) first, as SciPy's leaves_list.
  const stack = [2 * n - 2];
  let w = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < n) {
      leafOrder[w++] = node;
      continue;
    }
    const row = node - n;
    stack.push(merges[row * 4 + 1]!, merges[row * 4]!);
  }
  return { leafOrder, heights };
}

/** The top of a dendrogram: what a chart of a large tree draws (SciPy's truncate_mode="lastp"). */
export interface TruncatedDendrogram {
  /** The p clusters left after undoing the last p - 1 merges, in the dendrogram's left-to-right order. */
  leaves: Array<{ /** Cluster id in the full linkage matrix. */ id: number; size: number }>;
  /**
   * The last p - 1 merges as a linkage matrix over the truncated tree: ids below p are
   * positions in `leaves`, p + j is the cluster made by row j.
   */
  merges: Float64Array;
}

/** Keeps the last p - 1 merges of a linkage matrix for drawing. */
export function truncateDendrogram(merges: Float64Array, n: number, p: number): TruncatedDendrogram {
  const total = merges.length / 4;
  if (total !== n - 1) {
    throw new CoreInputError(`merges has ${total} rows, expected n - 1 = ${n - 1}`, { field: "merges" });
  }
  if (!Number.isInteger(p) || p < 1)
    throw new CoreInputError(`p must be a positive integer, got ${p}`, { field: "p" });
  const keep = Math.min(p, n) - 1;
  const first = total - keep;
  const sizeOf = (id: number) => (id < n ? 1 : merges[(id - n) * 4 + 3]!);
  // Leaves in left-to-right order: walk down from the root through kept merges only.
  const leaves: TruncatedDendrogram["leaves"] = [];
  const leafPosition = new Map<number, number>();
  const root = n === 1 ? 0 : 2 * n - 2;
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id >= n && id - n >= first) {
      const row = id - n;
      stack.push(merges[row * 4 + 1]!, merges[row * 4]!);
      continue;
    }
    leafPosition.set(id, leaves.length);
    leaves.push({ id, size: sizeOf(id) });
  }
  const out = new Float64Array(keep * 4);
  const rename = (id: number) =>
    id >= n && id - n >= first ? leaves.length + (id - n - first) : leafPosition.get(id)!;
  for (let j = 0; j < keep; j++) {
    const row = first + j;
    out[j * 4] = rename(merges[row * 4]!);
    out[j * 4 + 1] = rename(merges[row * 4 + 1]!);
    out[j * 4 + 2] = merges[row * 4 + 2]!;
    out[j * 4 + 3] = merges[row * 4 + 3]!;
  }
  return { leaves, merges: out };
}
