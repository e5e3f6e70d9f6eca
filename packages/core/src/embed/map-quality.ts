import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";

export interface MapQuality {
  /**
   * Trustworthiness (Venna & Kaski 2001; scikit-learn's `trustworthiness`): 1 minus a penalty for
   * the map's k nearest neighbours that are not among the input's, weighted by how far down the
   * input's ranking they are. 1 is perfect.
   */
  readonly trustworthiness: number;
  /** Share of each point's k nearest input neighbours that are among its k nearest on the map. */
  readonly knnPreservation: number;
  /** Points the figures were measured on (all, or a seeded sample of them). */
  readonly queries: number;
}

function squaredDistances(data: Float64Array, d: number, n: number, i: number, out: Float64Array): void {
  const io = i * d;
  for (let j = 0; j < n; j++) {
    let s = 0;
    const jo = j * d;
    for (let c = 0; c < d; c++) {
      const diff = data[io + c]! - data[jo + c]!;
      s += diff * diff;
    }
    out[j] = s;
  }
  out[i] = Number.POSITIVE_INFINITY;
}

/** Indices of the k smallest of `dist` (ties by index), nearest first: one insertion pass. */
function smallest(dist: Float64Array, k: number): Int32Array {
  const idx = new Int32Array(k);
  const best = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < dist.length; j++) {
    const v = dist[j]!;
    if (v >= best[k - 1]!) continue;
    let at = k - 1;
    while (at > 0 && best[at - 1]! > v) {
      best[at] = best[at - 1]!;
      idx[at] = idx[at - 1]!;
      at--;
    }
    best[at] = v;
    idx[at] = j;
  }
  return idx;
}

/**
 * How well a 2-D map keeps neighbourhoods of the input rows: trustworthiness and k-NN preservation
 * at `k` (default 10). Ranks cost a pass over all rows per map neighbour, so above `maxQueries` (default
 * 2,000) a seeded sample of points is measured, each still ranked against all n; the normaliser is
 * scikit-learn's, averaged over the points measured.
 */
export function mapQuality(
  x: Matrix,
  map: Matrix,
  options: { k?: number; maxQueries?: number; seed?: number } = {},
): MapQuality {
  const { n, d, data } = x;
  const k = options.k ?? 10;
  if (map.n !== n) throw new CoreInputError(`map has ${map.n} rows, input ${n}`, { field: "map" });
  if (!(k >= 1 && k < n / 2)) throw new CoreInputError(`k must be from 1 to n / 2, got ${k}`, { field: "k" });
  const maxQueries = options.maxQueries ?? 2000;
  let queries: Int32Array;
  if (n > maxQueries) {
    const random = createRandom(options.seed ?? 0);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (let t = 0; t < maxQueries; t++) {
      const s = t + random.int(n - t);
      const tmp = all[t]!;
      all[t] = all[s]!;
      all[s] = tmp;
    }
    queries = all.slice(0, maxQueries);
  } else {
    queries = Int32Array.from({ length: n }, (_, i) => i);
  }
  const inputDist = new Float64Array(n);
  const mapDist = new Float64Array(n);
  let penalty = 0;
  let kept = 0;
  for (const i of queries) {
    squaredDistances(data, d, n, i, inputDist);
    squaredDistances(map.data, map.d, n, i, mapDist);
    // The input rank of each map neighbour: 1 + the points nearer to i than it (ties by index).
    for (const j of smallest(mapDist, k)) {
      const dj = inputDist[j]!;
      let r = 1;
      for (let l = 0; l < n; l++) {
        const dl = inputDist[l]!;
        if (dl < dj || (dl === dj && l < j)) r++;
      }
      if (r > k) penalty += r - k;
      else kept++;
    }
  }
  const m = queries.length;
  return {
    trustworthiness: 1 - (2 / (m * k * (2 * n - 3 * k - 1))) * penalty,
    knnPreservation: kept / (m * k),
    queries: m,
  };
}
