/** Deepest split: below it a cell's points are treated as one leaf, however many. */
const MAX_DEPTH = 32;

/**
 * A quadtree over 2-D points in flat typed arrays, rebuilt from scratch every gradient step.
 * Points are stored in tree order (`order`, positions `px`/`py`): every node covers a contiguous
 * range [start, start + count), so "node a contains node b" is a range test and the points of a
 * leaf are read from adjacent memory. Non-empty children of a node are consecutive node ids.
 *
 * `groups` are the largest nodes with at most `groupSize` points: Barnes' (1990) grouping, where
 * one walk of the tree serves every point of a group.
 */
export class QuadTree {
  /** Centre of mass, cell width (geometric, square), point range, first child and child count. */
  mx = new Float64Array(0);
  my = new Float64Array(0);
  width = new Float64Array(0);
  start = new Int32Array(0);
  count = new Int32Array(0);
  firstChild = new Int32Array(0);
  children = new Uint8Array(0);
  size = 0;
  readonly order: Int32Array;
  readonly px: Float64Array;
  readonly py: Float64Array;
  groups: Int32Array;
  groupCount = 0;
  private cx = new Float64Array(0);
  private cy = new Float64Array(0);
  private readonly scratchOrder: Int32Array;
  private readonly scratchX: Float64Array;
  private readonly scratchY: Float64Array;
  private readonly stack: Int32Array;

  constructor(
    readonly n: number,
    readonly groupSize = 32,
    /** Leaves hold at most this many points (more only when the points coincide). */
    readonly leafSize = 4,
  ) {
    this.order = new Int32Array(n);
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.scratchOrder = new Int32Array(n);
    this.scratchX = new Float64Array(n);
    this.scratchY = new Float64Array(n);
    this.groups = new Int32Array(Math.max(16, n));
    // Three numbers per pending node; each level leaves at most three siblings waiting.
    this.stack = new Int32Array(3 * (3 * MAX_DEPTH + 4));
    this.grow(Math.max(64, Math.ceil(n / 2)));
  }

  private grow(capacity: number): void {
    const f = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.size));
      return b;
    };
    const i = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.mx = f(this.mx);
    this.my = f(this.my);
    this.width = f(this.width);
    this.cx = f(this.cx);
    this.cy = f(this.cy);
    this.start = i(this.start);
    this.count = i(this.count);
    this.firstChild = i(this.firstChild);
    const c = new Uint8Array(capacity);
    c.set(this.children.subarray(0, this.size));
    this.children = c;
  }

  private add(cx: number, cy: number, width: number, start: number, count: number): number {
    if (this.size === this.mx.length) this.grow(this.mx.length * 2);
    const id = this.size++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.width[id] = width;
    this.start[id] = start;
    this.count[id] = count;
    this.firstChild[id] = -1;
    this.children[id] = 0;
    return id;
  }

  /** Rebuilds the tree over y (n x 2, row-major). */
  build(y: Float64Array): void {
    const { n, order, px, py } = this;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const x = y[2 * i]!;
      const v = y[2 * i + 1]!;
      order[i] = i;
      px[i] = x;
      py[i] = v;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (v < minY) minY = v;
      if (v > maxY) maxY = v;
    }
    this.size = 0;
    this.groupCount = 0;
    const width = Math.max(maxX - minX, maxY - minY) * (1 + 1e-9) + 1e-12;
    this.add((minX + maxX) / 2, (minY + maxY) / 2, width, 0, n);
    // Depth-first with an explicit stack of (node, depth, inside-a-group) so node ids of a subtree
    // stay close together.
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    stack[top++] = 0;
    stack[top++] = 0;
    while (top > 0) {
      const inGroup = stack[--top]!;
      const depth = stack[--top]!;
      const node = stack[--top]!;
      this.splitNode(node, depth);
      const first = this.firstChild[node]!;
      const isGroup = inGroup === 0 && this.count[node]! <= this.groupSize;
      if (inGroup === 0 && (isGroup || first < 0)) this.groups[this.groupCount++] = node;
      if (first < 0) continue;
      const childInGroup = inGroup === 1 || isGroup ? 1 : 0;
      for (let c = this.children[node]! - 1; c >= 0; c--) {
        stack[top++] = first + c;
        stack[top++] = depth + 1;
        stack[top++] = childInGroup;
      }
    }
  }

  /** Centre of mass of the node; then, unless it is small enough to be a leaf, its four quadrants. */
  private splitNode(node: number, depth: number): void {
    const { order, px, py, scratchOrder, scratchX, scratchY } = this;
    const start = this.start[node]!;
    const count = this.count[node]!;
    const end = start + count;
    const cx = this.cx[node]!;
    const cy = this.cy[node]!;
    let sx = 0;
    let sy = 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let t = start; t < end; t++) {
      const x = px[t]!;
      const v = py[t]!;
      sx += x;
      sy += v;
      if (x < cx) {
        if (v < cy) c0++;
        else c2++;
      } else if (v < cy) c1++;
    }
    this.mx[node] = sx / count;
    this.my[node] = sy / count;
    if (count <= this.leafSize || depth >= MAX_DEPTH) return;
    const c3 = count - c0 - c1 - c2;
    let a0 = start;
    let a1 = a0 + c0;
    let a2 = a1 + c1;
    let a3 = a2 + c2;
    for (let t = start; t < end; t++) {
      const x = px[t]!;
      const v = py[t]!;
      let at: number;
      if (x < cx) at = v < cy ? a0++ : a2++;
      else at = v < cy ? a1++ : a3++;
      scratchOrder[at] = order[t]!;
      scratchX[at] = x;
      scratchY[at] = v;
    }
    order.set(scratchOrder.subarray(start, end), start);
    px.set(scratchX.subarray(start, end), start);
    py.set(scratchY.subarray(start, end), start);
    const w = this.width[node]! / 2;
    const h = w / 2;
    const counts = [c0, c1, c2, c3];
    let offset = start;
    let first = -1;
    let made = 0;
    for (let q = 0; q < 4; q++) {
      const cq = counts[q]!;
      if (cq > 0) {
        const id = this.add(cx + (q & 1 ? h : -h), cy + (q & 2 ? h : -h), w, offset, cq);
        if (first < 0) first = id;
        made++;
      }
      offset += cq;
    }
    this.firstChild[node] = first;
    this.children[node] = made;
  }
}
