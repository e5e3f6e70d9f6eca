import type { Matrix } from "../../matrix/matrix.js";
import type { UnionFind } from "./union-find.js";

const LEAF_SIZE = 16;
/** joinCore's per-node marks: not known to be one set yet, or holding no core row. */
export const UNIFORM_UNKNOWN = -1;
export const UNIFORM_NO_CORE = -2;

function sqDist(points: Float64Array, ao: number, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = points[ao + t]! - points[bo + t]!;
    s += diff * diff;
  }
  return s;
}

/**
 * A static KD-tree over the rows of a matrix for exact radius and k-nearest queries. Rows are
 * copied in tree order (`points`, `index[p]` = original row of tree position p) so that a leaf
 * is a contiguous block; every node keeps its bounding box, which prunes a query and, when a
 * node lies wholly inside the radius, lets a count take the whole node at once. Memory is
 * O(n d); nothing here is quadratic.
 */
export class KdTree {
  readonly n: number;
  readonly d: number;
  /** Rows in tree order, n * d. */
  readonly points: Float64Array;
  /** Original row of each tree position. */
  readonly index: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Child node ids; -1 for a leaf. */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private nodes = 0;
  private stack: Int32Array;

  constructor(x: Matrix) {
    const { n, d } = x;
    this.n = n;
    this.d = d;
    const capacity = Math.max(1, 2 * Math.ceil((2 * n) / LEAF_SIZE) + 1);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.lo = new Float64Array(capacity * d);
    this.hi = new Float64Array(capacity * d);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    this.stack = new Int32Array(64);
    if (n > 0) this.build(x.data, perm, 0, n);
    this.index = perm;
    this.points = new Float64Array(n * d);
    for (let p = 0; p < n; p++) {
      const o = perm[p]! * d;
      for (let t = 0; t < d; t++) this.points[p * d + t] = x.data[o + t]!;
    }
  }

  private build(data: Float64Array, perm: Int32Array, from: number, to: number): number {
    const d = this.d;
    const node = this.nodes++;
    this.start[node] = from;
    this.end[node] = to;
    const lo = this.lo;
    const hi = this.hi;
    const bo = node * d;
    for (let t = 0; t < d; t++) {
      lo[bo + t] = Number.POSITIVE_INFINITY;
      hi[bo + t] = Number.NEGATIVE_INFINITY;
    }
    for (let p = from; p < to; p++) {
      const o = perm[p]! * d;
      for (let t = 0; t < d; t++) {
        const v = data[o + t]!;
        if (v < lo[bo + t]!) lo[bo + t] = v;
        if (v > hi[bo + t]!) hi[bo + t] = v;
      }
    }
    let splitDim = 0;
    let widest = -1;
    for (let t = 0; t < d; t++) {
      const w = hi[bo + t]! - lo[bo + t]!;
      if (w > widest) {
        widest = w;
        splitDim = t;
      }
    }
    if (to - from <= LEAF_SIZE || widest <= 0) {
      this.left[node] = -1;
      this.right[node] = -1;
      return node;
    }
    const mid = (from + to) >>> 1;
    select(data, d, perm, from, to - 1, mid, splitDim);
    this.left[node] = this.build(data, perm, from, mid);
    this.right[node] = this.build(data, perm, mid, to);
    return node;
  }

  private push(top: number, node: number): number {
    if (top >= this.stack.length) {
      const grown = new Int32Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[top] = node;
    return top + 1;
  }

  /**
   * Number of tree rows within sqrt(radius2) of `query` (read from q[qo..qo+d)), the point
   * itself included when it is in the tree; stops counting at `limit`. When the count stays
   * below `limit` and `collect` is given, the tree positions of those rows are written to
   * collect[collectAt ..] (at most limit - 1 of them).
   */
  countWithin(
    q: Float64Array,
    qo: number,
    radius2: number,
    limit: number,
    collect?: Int32Array,
    collectAt = 0,
  ): number {
    if (this.n === 0) return 0;
    const { d, points, lo, hi, left, right, start, end } = this;
    let count = 0;
    let top = this.push(0, 0);
    while (top > 0) {
      const node = this.stack[--top]!;
      const bo = node * d;
      let near = 0;
      let far = 0;
      for (let t = 0; t < d; t++) {
        const v = q[qo + t]!;
        const a = lo[bo + t]!;
        const b = hi[bo + t]!;
        const below = a - v;
        const above = v - b;
        if (below > 0) near += below * below;
        else if (above > 0) near += above * above;
        const span = below < 0 ? -below : below;
        const span2 = above < 0 ? -above : above;
        const m = Math.max(span, span2);
        far += m * m;
      }
      if (near > radius2) continue;
      if (far <= radius2) {
        const size = end[node]! - start[node]!;
        if (count + size >= limit) return count + size;
        if (collect !== undefined)
          for (let p = start[node]!; p < end[node]!; p++) collect[collectAt + count++] = p;
        else count += size;
        continue;
      }
      if (left[node]! < 0) {
        for (let p = start[node]!, po = p * d, e = end[node]!; p < e; p++, po += d) {
          let s = 0;
          for (let t = 0; t < d; t++) {
            const diff = q[qo + t]! - points[po + t]!;
            s += diff * diff;
          }
          if (s <= radius2) {
            if (count + 1 >= limit) return count + 1;
            if (collect !== undefined) collect[collectAt + count] = p;
            count++;
          }
        }
        continue;
      }
      top = this.push(top, left[node]!);
      top = this.push(top, right[node]!);
    }
    return count;
  }

  /**
   * Joins core row p (a tree position; `isCore` is by tree position) in `sets` with every core
   * row within sqrt(radius2) of it, through whole nodes where it can. `uniform[node]` (one per
   * node, UNIFORM_UNKNOWN at first) records a core row whose set holds every core row of the
   * node, or UNIFORM_NO_CORE. Sets only merge, so a node once uniform stays uniform: a node in
   * p's set already is skipped, one in another set is joined as soon as any of its core rows is
   * within the radius. Inside a dense cluster, after its first few rows, a query ends at a few
   * nodes instead of listing thousands of neighbours.
   */
  joinCore(p: number, radius2: number, isCore: Uint8Array, sets: UnionFind, uniform: Int32Array): void {
    const { d, points, left, right, start, end } = this;
    const qo = p * d;
    let top = this.push(0, 0);
    while (top > 0) {
      const node = this.stack[--top]!;
      const mark = uniform[node]!;
      if (mark === UNIFORM_NO_CORE) continue;
      const near = this.nearFar(node, points, qo);
      if (near > radius2) continue;
      const isInside = this.far <= radius2;
      if (mark >= 0) {
        if (sets.find(mark) === sets.find(p)) continue;
        if (isInside || this.anyCoreWithin(node, qo, radius2, isCore, uniform)) sets.union(p, mark);
        continue;
      }
      if (isInside || left[node]! < 0) {
        // Every row of the node is checked (or within the radius): join p with its core rows,
        // then the node is uniform when they all share one set.
        let first = -1;
        for (let q = start[node]!, po = q * d, e = end[node]!; q < e; q++, po += d) {
          if (isCore[q] !== 1) continue;
          if (first < 0) first = q;
          if (sets.find(q) === sets.find(p)) continue;
          if (isInside || sqDist(points, qo, po, d) <= radius2) sets.union(p, q);
        }
        if (first < 0) uniform[node] = UNIFORM_NO_CORE;
        else {
          const root = sets.find(first);
          let isOne = true;
          for (let q = first + 1, e = end[node]!; q < e && isOne; q++) {
            if (isCore[q] === 1 && sets.find(q) !== root) isOne = false;
          }
          if (isOne) uniform[node] = first;
        }
        continue;
      }
      const l = left[node]!;
      const r = right[node]!;
      const ml = uniform[l]!;
      const mr = uniform[r]!;
      if (ml !== UNIFORM_UNKNOWN && mr !== UNIFORM_UNKNOWN) {
        if (ml === UNIFORM_NO_CORE && mr === UNIFORM_NO_CORE) {
          uniform[node] = UNIFORM_NO_CORE;
          continue;
        }
        if (ml === UNIFORM_NO_CORE || mr === UNIFORM_NO_CORE || sets.find(ml) === sets.find(mr)) {
          // Both halves are one set: handle the node as a whole.
          uniform[node] = ml >= 0 ? ml : mr;
          top = this.push(top, node);
          continue;
        }
      }
      top = this.push(top, l);
      top = this.push(top, r);
    }
  }

  /** Whether some core row under `node` is within sqrt(radius2) of points[qo..qo+d). */
  private anyCoreWithin(
    node: number,
    qo: number,
    radius2: number,
    isCore: Uint8Array,
    uniform: Int32Array,
  ): boolean {
    const { d, points, left, right, start, end } = this;
    // Its own stack: the caller's traversal is in progress on this.stack.
    const stack = [node];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (uniform[at] === UNIFORM_NO_CORE) continue;
      if (this.nearFar(at, points, qo) > radius2) continue;
      const isInside = this.far <= radius2;
      if (isInside || left[at]! < 0) {
        for (let q = start[at]!, po = q * d, e = end[at]!; q < e; q++, po += d) {
          if (isCore[q] === 1 && (isInside || sqDist(points, qo, po, d) <= radius2)) return true;
        }
        continue;
      }
      stack.push(left[at]!, right[at]!);
    }
    return false;
  }

  /** Squared distance from points[qo..] to the node's box; the farthest corner's in `this.far`. */
  private far = 0;
  private nearFar(node: number, q: Float64Array, qo: number): number {
    const { d, lo, hi } = this;
    const bo = node * d;
    let near = 0;
    let far = 0;
    for (let t = 0; t < d; t++) {
      const v = q[qo + t]!;
      const below = lo[bo + t]! - v;
      const above = v - hi[bo + t]!;
      if (below > 0) near += below * below;
      else if (above > 0) near += above * above;
      const m = Math.max(below < 0 ? -below : below, above < 0 ? -above : above);
      far += m * m;
    }
    this.far = far;
    return near;
  }

  /** Number of nodes (for per-node state such as joinCore's `uniform`). */
  get nodeCount(): number {
    return this.nodes;
  }

  /**
   * Tree positions of every row within sqrt(radius2) of `query`, written to `out` (grown and
   * returned when too small); the count is in `found.count`.
   */
  within(
    q: Float64Array,
    qo: number,
    radius2: number,
    out: Int32Array,
    found: { count: number },
  ): Int32Array {
    const { d, points, lo, hi, left, right, start, end } = this;
    let count = 0;
    let buffer = out;
    if (this.n === 0) {
      found.count = 0;
      return buffer;
    }
    let top = this.push(0, 0);
    while (top > 0) {
      const node = this.stack[--top]!;
      const bo = node * d;
      let near = 0;
      for (let t = 0; t < d; t++) {
        const v = q[qo + t]!;
        const below = lo[bo + t]! - v;
        const above = v - hi[bo + t]!;
        if (below > 0) near += below * below;
        else if (above > 0) near += above * above;
      }
      if (near > radius2) continue;
      if (left[node]! < 0) {
        for (let p = start[node]!, po = p * d, e = end[node]!; p < e; p++, po += d) {
          let s = 0;
          for (let t = 0; t < d; t++) {
            const diff = q[qo + t]! - points[po + t]!;
            s += diff * diff;
          }
          if (s <= radius2) {
            if (count === buffer.length) {
              const grown = new Int32Array(Math.max(16, buffer.length * 2));
              grown.set(buffer);
              buffer = grown;
            }
            buffer[count++] = p;
          }
        }
        continue;
      }
      top = this.push(top, left[node]!);
      top = this.push(top, right[node]!);
    }
    found.count = count;
    return buffer;
  }

  /**
   * Squared distance from `query` to its k-th nearest tree row (the row itself counts when it
   * is in the tree, as scikit-learn's min_samples does). `heap` must hold k values.
   */
  kthNearest2(q: Float64Array, qo: number, k: number, heap: Float64Array): number {
    const { d, points, lo, hi, left, right, start, end } = this;
    // Max-heap of the k smallest squared distances seen so far.
    let size = 0;
    let top = this.push(0, 0);
    while (top > 0) {
      const node = this.stack[--top]!;
      const bo = node * d;
      let near = 0;
      for (let t = 0; t < d; t++) {
        const v = q[qo + t]!;
        const below = lo[bo + t]! - v;
        const above = v - hi[bo + t]!;
        if (below > 0) near += below * below;
        else if (above > 0) near += above * above;
      }
      if (size === k && near >= heap[0]!) continue;
      const l = left[node]!;
      if (l < 0) {
        for (let p = start[node]!, po = p * d, e = end[node]!; p < e; p++, po += d) {
          let s = 0;
          for (let t = 0; t < d; t++) {
            const diff = q[qo + t]! - points[po + t]!;
            s += diff * diff;
          }
          if (size < k) {
            heapPush(heap, size++, s);
          } else if (s < heap[0]!) {
            heapReplaceTop(heap, size, s);
          }
        }
        continue;
      }
      // Visit the nearer child first (pushed last) so the heap tightens early.
      const r = right[node]!;
      const dl = boxDistance2(q, qo, lo, hi, l * d, d);
      const dr = boxDistance2(q, qo, lo, hi, r * d, d);
      if (dl <= dr) {
        top = this.push(top, r);
        top = this.push(top, l);
      } else {
        top = this.push(top, l);
        top = this.push(top, r);
      }
    }
    return size < k ? Number.POSITIVE_INFINITY : heap[0]!;
  }
}

function boxDistance2(
  q: Float64Array,
  qo: number,
  lo: Float64Array,
  hi: Float64Array,
  bo: number,
  d: number,
): number {
  let near = 0;
  for (let t = 0; t < d; t++) {
    const v = q[qo + t]!;
    const below = lo[bo + t]! - v;
    const above = v - hi[bo + t]!;
    if (below > 0) near += below * below;
    else if (above > 0) near += above * above;
  }
  return near;
}

function heapPush(heap: Float64Array, size: number, value: number): void {
  let i = size;
  heap[i] = value;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! >= heap[i]!) break;
    const tmp = heap[parent]!;
    heap[parent] = heap[i]!;
    heap[i] = tmp;
    i = parent;
  }
}

function heapReplaceTop(heap: Float64Array, size: number, value: number): void {
  heap[0] = value;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let largest = i;
    if (l < size && heap[l]! > heap[largest]!) largest = l;
    if (r < size && heap[r]! > heap[largest]!) largest = r;
    if (largest === i) return;
    const tmp = heap[largest]!;
    heap[largest] = heap[i]!;
    heap[i] = tmp;
    i = largest;
  }
}

/** Quickselect: reorders perm[left..right] so that perm[k] holds the row with the k-th smallest coordinate `dim`. */
function select(
  data: Float64Array,
  d: number,
  perm: Int32Array,
  left: number,
  right: number,
  k: number,
  dim: number,
): void {
  let l = left;
  let r = right;
  while (r > l) {
    // Median of three as the pivot keeps sorted input from going quadratic.
    const m = (l + r) >>> 1;
    const a = data[perm[l]! * d + dim]!;
    const b = data[perm[m]! * d + dim]!;
    const c = data[perm[r]! * d + dim]!;
    const pivot = a < b ? (b < c ? b : Math.max(a, c)) : a < c ? a : Math.max(b, c);
    let i = l;
    let j = r;
    while (i <= j) {
      while (data[perm[i]! * d + dim]! < pivot) i++;
      while (data[perm[j]! * d + dim]! > pivot) j--;
      if (i <= j) {
        const tmp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}
