import { CancelledError, CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { KdTree, UNIFORM_UNKNOWN } from "./kd-tree.js";
import { UnionFind } from "./union-find.js";

export interface DbscanOptions {
  /** Neighbourhood radius: rows at euclidean distance <= eps are neighbours (scikit-learn's rule). */
  eps: number;
  /** Rows in a neighbourhood, the row itself included, for the row to be a core row. Default 5. */
  minSamples?: number;
  /** Only "euclidean" is supported. */
  metric?: "euclidean";
  /**
   * Spatial index: "grid" (d <= 3), "kd-tree" (any d) or "auto" (grid when d <= 3). Both give
   * the same labels; the option exists so tests can check that.
   */
  algorithm?: "auto" | "grid" | "kd-tree";
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

export interface DbscanResult {
  /** Cluster of each row, 0..nClusters-1, or -1 for noise. */
  labels: Int32Array;
  /** 1 for core rows. */
  isCore: Uint8Array;
  nClusters: number;
  /** Rows labelled -1. */
  noise: number;
}

/**
 * Density-based clustering (Ester et al. 1996) with exactly scikit-learn's output for the same
 * eps and min_samples: the same core rows, the same noise, and the same cluster numbers.
 *
 * scikit-learn numbers clusters in the order of their lowest-indexed core row and expands one
 * cluster completely before starting the next, so a border row reachable from several clusters
 * ends up in the one with the smallest number. We compute the same thing without its
 * per-row neighbourhood lists (O(n^2) memory at worst): core rows are counted with early exit,
 * core rows within eps of each other are joined in a union-find, clusters are numbered by
 * their smallest core row, and each border row takes the smallest cluster number among its
 * core neighbours.
 *
 * Spatial index: for d <= 3 a grid of cells of side eps/sqrt(d) (any two rows in a cell are
 * neighbours, so a cell with min_samples rows is all core and cells, not rows, are joined);
 * otherwise a KD-tree. Memory is O(n d) either way.
 */
export function dbscan(x: Matrix, options: DbscanOptions): DbscanResult {
  const { eps } = options;
  const minSamples = options.minSamples ?? 5;
  if (!(typeof eps === "number" && Number.isFinite(eps) && eps > 0)) {
    throw new CoreInputError(`eps must be a positive number, got ${eps}`, { field: "eps" });
  }
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new CoreInputError(`minSamples must be a positive integer, got ${minSamples}`, {
      field: "minSamples",
    });
  }
  if ((options.metric ?? "euclidean") !== "euclidean") {
    throw new CoreInputError(`metric ${options.metric} is not supported; use "euclidean"`, {
      field: "metric",
    });
  }
  if (x.d < 1) throw new CoreInputError("dbscan needs at least one column", { field: "d" });
  assertFinite(x);
  const algorithm = options.algorithm ?? "auto";
  const progress = progressReporter(options.onProgress);
  if (algorithm !== "kd-tree" && x.d <= 3) {
    const grid = buildGrid(x, eps);
    if (grid !== undefined) return gridDbscan(x, grid, eps * eps, minSamples, progress);
    if (algorithm === "grid") {
      throw new CoreInputError("the grid cannot index this data (eps is tiny next to its extent)", {
        field: "algorithm",
      });
    }
  } else if (algorithm === "grid") {
    throw new CoreInputError(`the grid index needs d <= 3, got d = ${x.d}`, { field: "algorithm" });
  }
  return treeDbscan(x, eps * eps, minSamples, progress);
}

type Progress = (stage: string, fraction: number) => void;

function progressReporter(onProgress: DbscanOptions["onProgress"]): Progress {
  return (stage, fraction) => {
    if (onProgress !== undefined && onProgress(stage, fraction) === false) throw new CancelledError(stage);
  };
}

/**
 * Numbers the clusters the way scikit-learn does (by their smallest core row) and labels
 * every core row. The union-find element of row i is elementOfRow[i] (a cell, or a tree
 * position). Arrays in, no callback: each phase of the grid path is its own small function
 * with one hot loop, so V8 optimises it once instead of deoptimising a long function each time
 * execution reaches a part it has not seen yet.
 */
function numberClusters(
  isCore: Uint8Array,
  sets: UnionFind,
  elementOfRow: Int32Array,
  rootCount: number,
): { labels: Int32Array; idOfRoot: Int32Array; nClusters: number } {
  const n = isCore.length;
  const labels = new Int32Array(n).fill(-1);
  const idOfRoot = new Int32Array(rootCount).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (isCore[i] === 0) continue;
    const r = sets.find(elementOfRow[i]!);
    if (idOfRoot[r]! < 0) idOfRoot[r] = next++;
    labels[i] = idOfRoot[r]!;
  }
  return { labels, idOfRoot, nClusters: next };
}

function finish(labels: Int32Array, isCore: Uint8Array, nClusters: number): DbscanResult {
  let noise = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! < 0) noise++;
  return { labels, isCore, nClusters, noise };
}

// ------------------------------------------------------------------------------------- grid

interface Grid {
  readonly d: number;
  /** Rows in cell order, n * d. */
  readonly points: Float64Array;
  /** Original row of each cell-ordered position. */
  readonly order: Int32Array;
  /** Cell of each original row. */
  readonly cellOfRow: Int32Array;
  /** Cell c holds positions cellStart[c] .. cellStart[c + 1]. */
  readonly cellStart: Int32Array;
  /**
   * Cells whose rows can be within eps of cell c: neighbours[neighbourStart[c]] is c itself,
   * then the adjacent cells (at most one step away in every dimension) up to innerEnd[c],
   * then the cells two steps away, up to neighbourStart[c + 1].
   */
  readonly neighbourStart: Int32Array;
  readonly innerEnd: Int32Array;
  readonly neighbours: Int32Array;
  readonly cells: number;
}

/**
 * Cells of side eps/sqrt(d) (shrunk by a relative margin that covers the rounding of
 * floor((x - min) / side), so two rows sharing a cell are within eps even in floating point).
 * A row within eps of a row of cell c lies at most 2 cells away in every dimension. Undefined
 * when the key space does not fit in 2^52.
 */
function buildGrid(x: Matrix, eps: number): Grid | undefined {
  const { data, n, d } = x;
  const min = new Float64Array(d).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
  columnBounds(data, n, d, min, max);
  let extent = 0;
  for (let t = 0; t < d; t++) extent = Math.max(extent, n > 0 ? max[t]! - min[t]! : 0);
  const base = eps / Math.sqrt(d);
  const shrink = 1 - 1e-9 - 1e-14 * (extent / base);
  if (shrink < 0.5) return undefined;
  const side = base * shrink;
  const dims = new Float64Array(d);
  let keySpace = 1;
  for (let t = 0; t < d; t++) {
    dims[t] = Math.floor((n > 0 ? max[t]! - min[t]! : 0) / side) + 1;
    keySpace *= dims[t]!;
  }
  if (keySpace > 2 ** 52 || dims.some((v) => v > 2 ** 31 - 1)) return undefined;
  if (keySpace <= DENSE_CELLS_PER_ROW * n + DENSE_CELLS_EXTRA)
    return buildDenseGrid(x, min, side, dims, keySpace);

  // Cell key of every row: row-major over the cell coordinates.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let t = 0; t < d; t++) {
      let c = Math.floor((data[i * d + t]! - min[t]!) / side);
      if (c >= dims[t]!) c = dims[t]! - 1;
      key = key * dims[t]! + c;
    }
    keys[i] = key;
  }

  // Rows sorted by (key, row). When key * n + row fits in 2^53 one native numeric sort of the
  // packed values does it; otherwise sort an index array with a comparator.
  const order = new Int32Array(n);
  if (keySpace * Math.max(n, 1) <= 2 ** 53) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * n + i;
    packed.sort();
    for (let p = 0; p < n; p++) {
      const v = packed[p]!;
      order[p] = v - Math.floor(v / n) * n;
    }
  } else {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => keys[a]! - keys[b]! || a - b);
  }

  // Cells in key order, their row ranges, integer coordinates and keys.
  const cellStartList = new Int32Array(n + 1);
  const cellKeys = new Float64Array(n);
  const cellOfRow = new Int32Array(n);
  let cells = 0;
  for (let p = 0; p < n; p++) {
    const key = keys[order[p]!]!;
    if (p === 0 || key !== cellKeys[cells - 1]) {
      cellKeys[cells] = key;
      cellStartList[cells++] = p;
    }
    cellOfRow[order[p]!] = cells - 1;
  }
  cellStartList[cells] = n;
  const cellStart = cellStartList.slice(0, cells + 1);
  const coords = new Int32Array(cells * d);
  for (let c = 0; c < cells; c++) {
    let key = cellKeys[c]!;
    for (let t = d - 1; t >= 0; t--) {
      const q = Math.floor(key / dims[t]!);
      coords[c * d + t] = key - q * dims[t]!;
      key = q;
    }
  }
  const points = new Float64Array(n * d);
  for (let p = 0; p < n; p++) {
    const o = order[p]! * d;
    for (let t = 0; t < d; t++) points[p * d + t] = data[o + t]!;
  }

  // Neighbouring cells. For every offset of the leading dimensions, the cells -2..+2 along the
  // last dimension have keys in [key(c) + shift - 2, key(c) + shift + 2]; as c runs through the
  // cells in key order those windows only move forward, so one pointer per offset finds them
  // in a single sweep. Candidates are confirmed by their coordinates (a window can wrap into
  // the next row) and sorted into rings: self, adjacent, two away.
  const reach = 2;
  const width = 2 * reach + 1;
  const prefixCount = width ** (d - 1);
  const shifts = new Float64Array(prefixCount);
  // Offset of each leading dimension for each prefix, to confirm a candidate's own row.
  const offsets = new Int32Array(prefixCount * Math.max(1, d - 1));
  for (let prefix = 0; prefix < prefixCount; prefix++) {
    let rest = prefix;
    let shift = 0;
    let stride = dims[d - 1]!;
    for (let t = d - 2; t >= 0; t--) {
      const offset = (rest % width) - reach;
      offsets[prefix * (d - 1) + t] = offset;
      shift += offset * stride;
      rest = Math.floor(rest / width);
      stride *= dims[t]!;
    }
    shifts[prefix] = shift;
  }
  const pointers = new Int32Array(prefixCount);
  const neighbourStart = new Int32Array(cells + 1);
  const innerEnd = new Int32Array(cells);
  let neighbours = new Int32Array(Math.max(16, cells * (d === 1 ? 5 : 12)));
  const outer = new Int32Array(width ** d);
  let count = 0;
  for (let c = 0; c < cells; c++) {
    if (count + width ** d > neighbours.length) {
      const grown = new Int32Array(Math.max(neighbours.length * 2, count + width ** d));
      grown.set(neighbours);
      neighbours = grown;
    }
    const key = cellKeys[c]!;
    const co = c * d;
    neighbours[count++] = c;
    let outerCount = 0;
    for (let prefix = 0; prefix < prefixCount; prefix++) {
      const lo = key + shifts[prefix]! - reach;
      const hi = lo + 2 * reach;
      let j = pointers[prefix]!;
      while (j < cells && cellKeys[j]! < lo) j++;
      pointers[prefix] = j;
      candidates: for (; j < cells && cellKeys[j]! <= hi; j++) {
        if (j === c) continue;
        const bo = j * d;
        // A window can wrap into another row of cells when the last dimension is short.
        for (let t = 0; t < d - 1; t++) {
          if (coords[bo + t]! - coords[co + t]! !== offsets[prefix * (d - 1) + t]) continue candidates;
        }
        let ring = Math.abs(coords[bo + d - 1]! - coords[co + d - 1]!);
        if (ring > reach) continue;
        for (let t = 0; t < d - 1; t++) ring = Math.max(ring, Math.abs(offsets[prefix * (d - 1) + t]!));
        if (ring <= 1) neighbours[count++] = j;
        else outer[outerCount++] = j;
      }
    }
    innerEnd[c] = count;
    for (let k = 0; k < outerCount; k++) neighbours[count++] = outer[k]!;
    neighbourStart[c + 1] = count;
  }
  return {
    d,
    points,
    order,
    cellOfRow,
    cellStart,
    neighbourStart,
    innerEnd,
    neighbours: neighbours.subarray(0, count),
    cells,
  };
}

/**
 * A grid whose key space is small next to n (the usual case: eps is not tiny next to the data's
 * extent) is built in O(n + cells): a counting sort of the rows by cell key, and a table from
 * key to cell, so each cell's neighbours are looked up, not searched for. Same cells, same row
 * order (by key, then row) and the same neighbour rings as the sorted build.
 */
const DENSE_CELLS_PER_ROW = 4;
const DENSE_CELLS_EXTRA = 1 << 16;

function buildDenseGrid(
  x: Matrix,
  min: Float64Array,
  side: number,
  dims: Float64Array,
  keySpace: number,
): Grid {
  const { data, n, d } = x;
  const keys = new Int32Array(n);
  const rowsOfKey = new Int32Array(keySpace);
  cellKeysOf(data, n, d, min, side, dims, keys, rowsOfKey);
  // Occupied keys become cells, in key order; cellOfKey is the lookup table (-1: empty).
  const cellOfKey = new Int32Array(keySpace);
  const cells = numberOccupied(rowsOfKey, cellOfKey);
  const cellStart = new Int32Array(cells + 1);
  const cellKeys = new Int32Array(cells);
  cellRanges(rowsOfKey, cellStart, cellKeys);
  // Stable placement: within a cell, rows keep their order.
  const order = new Int32Array(n);
  const cellOfRow = new Int32Array(n);
  const points = new Float64Array(n * d);
  placeRows(data, n, d, keys, cellOfKey, cellStart.slice(0, cells), order, cellOfRow, points);

  // Offsets to the cells up to two steps away in every dimension, adjacent ones first.
  const reach = 2;
  const width = 2 * reach + 1;
  const strides = new Float64Array(d);
  strides[d - 1] = 1;
  for (let t = d - 2; t >= 0; t--) strides[t] = strides[t + 1]! * dims[t + 1]!;
  const offsets: number[][] = [];
  for (let code = 0; code < width ** d; code++) {
    const offset: number[] = [];
    for (let t = 0, rest = code; t < d; t++, rest = Math.floor(rest / width))
      offset.push((rest % width) - reach);
    if (offset.some((o) => o !== 0)) offsets.push(offset);
  }
  const ringOf = (offset: number[]) => Math.max(...offset.map(Math.abs));
  offsets.sort((a, b) => ringOf(a) - ringOf(b));
  const rings: DenseRings = {
    m: offsets.length,
    delta: Int32Array.from(offsets, (o) => o.reduce((acc, v, t) => acc + v * strides[t]!, 0)),
    step: Int32Array.from(offsets.flat()),
    innerCount: offsets.filter((o) => ringOf(o) <= 1).length,
  };
  const neighbourStart = new Int32Array(cells + 1);
  const innerEnd = new Int32Array(cells);
  const neighbours = new Int32Array(cells * (rings.m + 1));
  const count = denseNeighbours(cellKeys, d, dims, cellOfKey, rings, neighbourStart, innerEnd, neighbours);
  return {
    d,
    points,
    order,
    cellOfRow,
    cellStart,
    neighbourStart,
    innerEnd,
    neighbours: neighbours.subarray(0, count),
    cells,
  };
}

function columnBounds(data: Float64Array, n: number, d: number, min: Float64Array, max: Float64Array): void {
  for (let i = 0, o = 0; i < n; i++, o += d) {
    for (let t = 0; t < d; t++) {
      const v = data[o + t]!;
      if (v < min[t]!) min[t] = v;
      if (v > max[t]!) max[t] = v;
    }
  }
}

/** Each row's cell key (row-major over the cell coordinates) and the rows per key. */
function cellKeysOf(
  data: Float64Array,
  n: number,
  d: number,
  min: Float64Array,
  side: number,
  dims: Float64Array,
  keys: Int32Array,
  rowsOfKey: Int32Array,
): void {
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let key = 0;
    for (let t = 0; t < d; t++) {
      let c = Math.floor((data[o + t]! - min[t]!) / side);
      if (c >= dims[t]!) c = dims[t]! - 1;
      key = key * dims[t]! + c;
    }
    keys[i] = key;
    rowsOfKey[key]!++;
  }
}

/** Numbers the occupied keys in key order (cellOfKey, -1 when empty); returns how many. */
function numberOccupied(rowsOfKey: Int32Array, cellOfKey: Int32Array): number {
  let cells = 0;
  for (let key = 0; key < rowsOfKey.length; key++) cellOfKey[key] = rowsOfKey[key]! > 0 ? cells++ : -1;
  return cells;
}

/** Where each cell's rows start in cell order, and each cell's key. */
function cellRanges(rowsOfKey: Int32Array, cellStart: Int32Array, cellKeys: Int32Array): void {
  let c = 0;
  let at = 0;
  for (let key = 0; key < rowsOfKey.length; key++) {
    const count = rowsOfKey[key]!;
    if (count === 0) continue;
    cellStart[c] = at;
    cellKeys[c++] = key;
    at += count;
  }
  cellStart[c] = at;
}

function placeRows(
  data: Float64Array,
  n: number,
  d: number,
  keys: Int32Array,
  cellOfKey: Int32Array,
  fill: Int32Array,
  order: Int32Array,
  cellOfRow: Int32Array,
  points: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const c = cellOfKey[keys[i]!]!;
    cellOfRow[i] = c;
    const p = fill[c]!++;
    order[p] = i;
    for (let t = 0; t < d; t++) points[p * d + t] = data[i * d + t]!;
  }
}

/** The m offsets to the cells up to two steps away: key deltas, steps per dimension, adjacent first. */
interface DenseRings {
  readonly m: number;
  readonly delta: Int32Array;
  readonly step: Int32Array;
  readonly innerCount: number;
}

/** Each cell's neighbour list (itself, the adjacent cells, then the ones two away); returns its length. */
function denseNeighbours(
  cellKeys: Int32Array,
  d: number,
  dims: Float64Array,
  cellOfKey: Int32Array,
  rings: DenseRings,
  neighbourStart: Int32Array,
  innerEnd: Int32Array,
  neighbours: Int32Array,
): number {
  const { m, delta, step, innerCount } = rings;
  const coord = new Int32Array(d);
  let count = 0;
  for (let c = 0; c < cellKeys.length; c++) {
    const key = cellKeys[c]!;
    for (let t = d - 1, rest = key; t >= 0; t--) {
      const q = Math.floor(rest / dims[t]!);
      coord[t] = rest - q * dims[t]!;
      rest = q;
    }
    neighbours[count++] = c;
    for (let k = 0; k < m; k++) {
      if (k === innerCount) innerEnd[c] = count;
      let isInside = true;
      for (let t = 0; t < d; t++) {
        const v = coord[t]! + step[k * d + t]!;
        if (v < 0 || v >= dims[t]!) {
          isInside = false;
          break;
        }
      }
      if (!isInside) continue;
      const b = cellOfKey[key + delta[k]!]!;
      if (b >= 0) neighbours[count++] = b;
    }
    if (innerCount === m) innerEnd[c] = count;
    neighbourStart[c + 1] = count;
  }
  return count;
}

function gridDbscan(
  x: Matrix,
  grid: Grid,
  eps2: number,
  minSamples: number,
  progress: Progress,
): DbscanResult {
  const { n } = x;
  const { cells, cellStart, order } = grid;
  progress("dbscan: core rows", 0);
  // 1. Core rows (positions in cell order).
  const corePos = new Uint8Array(n);
  markCoreCells(grid, eps2, minSamples, corePos);
  progress("dbscan: connecting", 0.4);
  // 2. Put each cell's core rows first so "the core rows of a cell" is a range.
  const coreEnd = new Int32Array(cells);
  coreRowsFirst(grid, corePos, coreEnd);
  // 3. Join cells holding core rows within eps of each other (rows of one cell always are).
  // Adjacent cells first: inside a dense cluster they join everything, so the costlier checks
  // of cells two steps apart are mostly skipped by the union-find.
  const sets = new UnionFind(cells);
  joinCells(grid, coreEnd, eps2, sets, false);
  joinCells(grid, coreEnd, eps2, sets, true);
  progress("dbscan: labelling", 0.7);
  // 4. Number clusters by their smallest core row, as scikit-learn does.
  const isCore = new Uint8Array(n);
  scatterFlags(corePos, order, isCore);
  const { labels, idOfRoot, nClusters } = numberClusters(isCore, sets, grid.cellOfRow, cells);
  const cellCluster = new Int32Array(cells).fill(-1);
  clusterOfCells(cellStart, coreEnd, sets, idOfRoot, cellCluster);
  // 5. Border rows take the smallest cluster number among their core neighbours.
  labelBorders(grid, coreEnd, cellCluster, nClusters, eps2, labels);
  progress("dbscan: done", 1);
  return finish(labels, isCore, nClusters);
}

/** Core rows by position; a cell with minSamples rows is all core (its diagonal is below eps). */
function markCoreCells(grid: Grid, eps2: number, minSamples: number, corePos: Uint8Array): void {
  const { d, points, cellStart, neighbourStart, neighbours, cells } = grid;
  for (let c = 0; c < cells; c++) {
    const from = cellStart[c]!;
    const to = cellStart[c + 1]!;
    if (to - from >= minSamples) {
      corePos.fill(1, from, to);
      continue;
    }
    for (let p = from; p < to; p++) {
      // Every row of the row's own cell is a neighbour.
      const count = countUpTo(
        points,
        d,
        p,
        neighbours,
        neighbourStart[c]! + 1,
        neighbourStart[c + 1]!,
        cellStart,
        eps2,
        to - from,
        minSamples,
      );
      if (count >= minSamples) corePos[p] = 1;
    }
  }
}

/** `count` plus the rows of the listed cells within eps of position p, stopping at `limit`. */
function countUpTo(
  points: Float64Array,
  d: number,
  p: number,
  neighbours: Int32Array,
  from: number,
  to: number,
  cellStart: Int32Array,
  eps2: number,
  count: number,
  limit: number,
): number {
  const po = p * d;
  for (let k = from; k < to; k++) {
    const b = neighbours[k]!;
    for (let q = cellStart[b]!, qo = q * d, qe = cellStart[b + 1]!; q < qe; q++, qo += d) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = points[po + t]! - points[qo + t]!;
        s += diff * diff;
      }
      if (s <= eps2 && ++count >= limit) return count;
    }
  }
  return count;
}

function coreRowsFirst(grid: Grid, corePos: Uint8Array, coreEnd: Int32Array): void {
  const { d, points, order, cellStart, cells } = grid;
  for (let c = 0; c < cells; c++) {
    let w = cellStart[c]!;
    for (let p = w, e = cellStart[c + 1]!; p < e; p++) {
      if (corePos[p] === 0) continue;
      if (p !== w) swapPositions(points, order, corePos, d, p, w);
      w++;
    }
    coreEnd[c] = w;
  }
}

/** Joins neighbouring cells (adjacent ones, or with `isOuter` the ones two steps away) whose core rows touch. */
function joinCells(grid: Grid, coreEnd: Int32Array, eps2: number, sets: UnionFind, isOuter: boolean): void {
  const { d, points, cellStart, neighbourStart, innerEnd, neighbours, cells } = grid;
  for (let c = 0; c < cells; c++) {
    if (coreEnd[c] === cellStart[c]) continue;
    const from = isOuter ? innerEnd[c]! : neighbourStart[c]! + 1;
    const to = isOuter ? neighbourStart[c + 1]! : innerEnd[c]!;
    for (let k = from; k < to; k++) {
      const b = neighbours[k]!;
      if (b <= c || coreEnd[b] === cellStart[b]) continue;
      if (sets.find(b) === sets.find(c)) continue;
      if (anyPairWithin(points, d, cellStart[c]!, coreEnd[c]!, cellStart[b]!, coreEnd[b]!, eps2)) {
        sets.union(c, b);
      }
    }
  }
}

/** flags[order[p]] = byPosition[p]. */
function scatterFlags(byPosition: Uint8Array, order: Int32Array, flags: Uint8Array): void {
  for (let p = 0; p < order.length; p++) if (byPosition[p] === 1) flags[order[p]!] = 1;
}

function clusterOfCells(
  cellStart: Int32Array,
  coreEnd: Int32Array,
  sets: UnionFind,
  idOfRoot: Int32Array,
  cellCluster: Int32Array,
): void {
  for (let c = 0; c < coreEnd.length; c++) {
    if (coreEnd[c]! > cellStart[c]!) cellCluster[c] = idOfRoot[sets.find(c)]!;
  }
}

function labelBorders(
  grid: Grid,
  coreEnd: Int32Array,
  cellCluster: Int32Array,
  nClusters: number,
  eps2: number,
  labels: Int32Array,
): void {
  const { d, points, order, cellStart, neighbourStart, neighbours, cells } = grid;
  for (let c = 0; c < cells; c++) {
    for (let p = coreEnd[c]!, pe = cellStart[c + 1]!; p < pe; p++) {
      // Core rows in the row's own cell are neighbours without a distance check.
      let best = cellCluster[c]! >= 0 ? cellCluster[c]! : nClusters;
      for (let k = neighbourStart[c]! + 1, ke = neighbourStart[c + 1]!; k < ke; k++) {
        const b = neighbours[k]!;
        const cluster = cellCluster[b]!;
        if (cluster < 0 || cluster >= best) continue;
        if (anyWithin(points, d, p, cellStart[b]!, coreEnd[b]!, eps2)) best = cluster;
      }
      if (best < nClusters) labels[order[p]!] = best;
    }
  }
}

function swapPositions(
  points: Float64Array,
  order: Int32Array,
  flags: Uint8Array,
  d: number,
  a: number,
  b: number,
) {
  for (let t = 0; t < d; t++) {
    const tmp = points[a * d + t]!;
    points[a * d + t] = points[b * d + t]!;
    points[b * d + t] = tmp;
  }
  const o = order[a]!;
  order[a] = order[b]!;
  order[b] = o;
  const f = flags[a]!;
  flags[a] = flags[b]!;
  flags[b] = f;
}

function anyWithin(
  points: Float64Array,
  d: number,
  p: number,
  from: number,
  to: number,
  eps2: number,
): boolean {
  const po = p * d;
  for (let q = from, qo = from * d; q < to; q++, qo += d) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = points[po + t]! - points[qo + t]!;
      s += diff * diff;
    }
    if (s <= eps2) return true;
  }
  return false;
}

/** Above this many candidate pairs, two cells are compared through a KD-tree instead of pair by pair. */
const PAIR_SCAN_LIMIT = 4096;

/**
 * Whether some row of [aFrom, aTo) is within eps of some row of [bFrom, bTo). Dense cells are
 * compared by querying a KD-tree of the larger one, so two crowded cells just over eps apart
 * cost O(m log m) rather than O(m^2).
 */
function anyPairWithin(
  points: Float64Array,
  d: number,
  aFrom: number,
  aTo: number,
  bFrom: number,
  bTo: number,
  eps2: number,
): boolean {
  const a = aTo - aFrom;
  const b = bTo - bFrom;
  if (a * b <= PAIR_SCAN_LIMIT) {
    for (let p = aFrom; p < aTo; p++) if (anyWithin(points, d, p, bFrom, bTo, eps2)) return true;
    return false;
  }
  const [small, smallTo, large, largeTo] = a <= b ? [aFrom, aTo, bFrom, bTo] : [bFrom, bTo, aFrom, aTo];
  const tree = new KdTree({ data: points.subarray(large * d, largeTo * d), n: largeTo - large, d });
  for (let p = small; p < smallTo; p++) if (tree.countWithin(points, p * d, eps2, 1) > 0) return true;
  return false;
}

// ---------------------------------------------------------------------------------- KD-tree

/** Up to this minSamples the KD-tree path keeps non-core rows' neighbours from the first query. */
const MAX_KEPT_NEIGHBOURS = 255;

function treeDbscan(x: Matrix, eps2: number, minSamples: number, progress: Progress): DbscanResult {
  const { n } = x;
  progress("dbscan: index", 0);
  const tree = new KdTree(x);
  const { points, index, d } = tree;
  const corePos = new Uint8Array(n);
  // A non-core row has fewer than minSamples neighbours: keep them (n * (minSamples - 1)
  // positions at most) so that labelling border rows needs no second query.
  const width = minSamples - 1;
  const keep = width <= MAX_KEPT_NEIGHBOURS;
  const kept = keep ? new Int32Array(n * width) : undefined;
  const keptCount = keep ? new Uint8Array(n) : undefined;
  for (let p = 0; p < n; p++) {
    const count = tree.countWithin(points, p * d, eps2, minSamples, kept, p * width);
    if (count >= minSamples) corePos[p] = 1;
    else if (keptCount !== undefined) keptCount[p] = count;
    if ((p & 0x3fff) === 0x3fff) progress("dbscan: core rows", (0.4 * p) / n);
  }
  progress("dbscan: connecting", 0.4);
  const sets = new UnionFind(n);
  let buffer: Int32Array = new Int32Array(64);
  const found = { count: 0 };
  // Core rows within eps of each other are joined; whole nodes once their core rows share a set.
  const uniform = new Int32Array(tree.nodeCount).fill(UNIFORM_UNKNOWN);
  for (let p = 0; p < n; p++) {
    if (corePos[p] === 0) continue;
    tree.joinCore(p, eps2, corePos, sets, uniform);
    if ((p & 0x3fff) === 0x3fff) progress("dbscan: connecting", 0.4 + (0.3 * p) / n);
  }
  progress("dbscan: labelling", 0.7);
  const isCore = new Uint8Array(n);
  const posOfRow = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    posOfRow[index[p]!] = p;
    if (corePos[p] === 1) isCore[index[p]!] = 1;
  }
  const { labels, idOfRoot, nClusters } = numberClusters(isCore, sets, posOfRow, n);
  for (let p = 0; p < n; p++) {
    if (corePos[p] === 1) continue;
    let neighbourhood: Int32Array = buffer;
    let from = 0;
    let to = 0;
    if (kept !== undefined && keptCount !== undefined) {
      neighbourhood = kept;
      from = p * width;
      to = from + keptCount[p]!;
    } else {
      buffer = tree.within(points, p * d, eps2, buffer, found);
      neighbourhood = buffer;
      to = found.count;
    }
    let best = nClusters;
    for (let k = from; k < to; k++) {
      const q = neighbourhood[k]!;
      if (corePos[q] === 0) continue;
      const cluster = idOfRoot[sets.find(q)]!;
      if (cluster < best) best = cluster;
    }
    if (best < nClusters) labels[index[p]!] = best;
  }
  progress("dbscan: done", 1);
  return finish(labels, isCore, nClusters);
}
