/** Bits per axis of a point's Morton key: cells stop splitting 16 levels below the root. */
const KEY_BITS = 16;

/** Spreads the low 16 bits of v to the even bit positions. */
function spread(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

/**
 * A quadtree over 2-D points in flat typed arrays, rebuilt from scratch every gradient step without
 * allocating. Points are stored in tree order (`order`, positions `px`/`py`): every node covers a
 * contiguous range [start, start + count), so "node a contains node b" is a range test and the points
 * of a leaf are read from adjacent memory. Non-empty children of a node are consecutive node ids,
 * in quadrant order (x low/high, then y low/high).
 *
 * The build sorts the points by Morton key (the quadrant digits of the root square, y bit over x bit,
 * level by level), so every cell is a run of the sorted keys and a node's children are found by
 * binary search on its run: one radix sort and O(nodes x log n), instead of a partition pass over
 * all points at every level. Cells stop splitting at 16 levels (width root / 65,536) or at `leafSize`.
 *
 * `groups` are the largest nodes with at most `groupSize` points: Barnes' (1990) grouping, where
 * one walk of the tree serves every point of a group.
 */
export class QuadTree {
  /** Centre of mass, cell width (geometric, square), point range, first child and child count. */
  mx = new Float64Array(0);
  my = new Float64Array(0);
  /** Bounding box of the node's points (tighter than the cell). */
  x0 = new Float64Array(0);
  x1 = new Float64Array(0);
  y0 = new Float64Array(0);
  y1 = new Float64Array(0);
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
  private depth = new Uint8Array(0);
  private readonly keys: Uint32Array;
  private readonly scratchKeys: Uint32Array;
  private readonly scratchOrder: Int32Array;
  private readonly histogram = new Int32Array(4 * 256);
  private readonly stack: Int32Array;

  constructor(
    readonly n: number,
    readonly groupSize = 32,
    /** Leaves hold at most this many points (more only when the points share a finest cell). */
    readonly leafSize = 4,
  ) {
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.keys = new Uint32Array(n);
    this.scratchKeys = new Uint32Array(n);
    this.scratchOrder = new Int32Array(n);
    this.groups = new Int32Array(Math.max(16, n));
    // Two numbers per pending node; each level leaves at most three siblings waiting.
    this.stack = new Int32Array(2 * (3 * KEY_BITS + 4));
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
    this.x0 = f(this.x0);
    this.x1 = f(this.x1);
    this.y0 = f(this.y0);
    this.y1 = f(this.y1);
    this.width = f(this.width);
    this.start = i(this.start);
    this.count = i(this.count);
    this.firstChild = i(this.firstChild);
    const c = new Uint8Array(capacity);
    c.set(this.children.subarray(0, this.size));
    this.children = c;
    const d = new Uint8Array(capacity);
    d.set(this.depth.subarray(0, this.size));
    this.depth = d;
  }

  private add(width: number, start: number, count: number, depth: number): number {
    if (this.size === this.mx.length) this.grow(this.mx.length * 2);
    const id = this.size++;
    this.width[id] = width;
    this.start[id] = start;
    this.count[id] = count;
    this.depth[id] = depth;
    this.firstChild[id] = -1;
    this.children[id] = 0;
    return id;
  }

  /** Rebuilds the tree over y (n x 2, row-major). */
  build(y: Float64Array): void {
    const { n, order, keys } = this;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const x = y[2 * i]!;
      const v = y[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (v < minY) minY = v;
      if (v > maxY) maxY = v;
    }
    const width = Math.max(maxX - minX, maxY - minY) * (1 + 1e-9) + 1e-12;
    const ox = (minX + maxX) / 2 - width / 2;
    const oy = (minY + maxY) / 2 - width / 2;
    const scale = (1 << KEY_BITS) / width;
    const top = (1 << KEY_BITS) - 1;
    // Keys in the previous step's tree order: nearly sorted already, which the radix sort ignores
    // but the memory access pattern does not.
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      const kx = Math.min(top, Math.max(0, Math.floor((y[2 * i]! - ox) * scale)));
      const ky = Math.min(top, Math.max(0, Math.floor((y[2 * i + 1]! - oy) * scale)));
      keys[t] = (spread(kx) | (spread(ky) << 1)) >>> 0;
    }
    this.sortByKey();
    const { px, py } = this;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      px[t] = y[2 * i]!;
      py[t] = y[2 * i + 1]!;
    }

    this.size = 0;
    this.groupCount = 0;
    this.add(width, 0, n, 0);
    // Depth-first with an explicit stack of (node, inside-a-group) so node ids of a subtree stay
    // close together; children get their ids when their parent is split.
    const stack = this.stack;
    let at = 0;
    stack[at++] = 0;
    stack[at++] = 0;
    while (at > 0) {
      const inGroup = stack[--at]!;
      const node = stack[--at]!;
      this.splitNode(node);
      const first = this.firstChild[node]!;
      const isGroup = inGroup === 0 && this.count[node]! <= this.groupSize;
      if (inGroup === 0 && (isGroup || first < 0)) this.groups[this.groupCount++] = node;
      if (first < 0) continue;
      const childInGroup = inGroup === 1 || isGroup ? 1 : 0;
      for (let c = this.children[node]! - 1; c >= 0; c--) {
        stack[at++] = first + c;
        stack[at++] = childInGroup;
      }
    }
    // Centres of mass and bounding boxes bottom-up: children have larger ids than their parent.
    const { mx, my, x0, x1, y0, y1, count, firstChild, children } = this;
    for (let node = this.size - 1; node >= 0; node--) {
      const first = firstChild[node]!;
      let sx = 0;
      let sy = 0;
      let lx = Number.POSITIVE_INFINITY;
      let hx = Number.NEGATIVE_INFINITY;
      let ly = Number.POSITIVE_INFINITY;
      let hy = Number.NEGATIVE_INFINITY;
      if (first < 0) {
        const s = this.start[node]!;
        const e = s + count[node]!;
        for (let t = s; t < e; t++) {
          const x = px[t]!;
          const v = py[t]!;
          sx += x;
          sy += v;
          if (x < lx) lx = x;
          if (x > hx) hx = x;
          if (v < ly) ly = v;
          if (v > hy) hy = v;
        }
      } else {
        for (let c = first; c < first + children[node]!; c++) {
          sx += mx[c]! * count[c]!;
          sy += my[c]! * count[c]!;
          if (x0[c]! < lx) lx = x0[c]!;
          if (x1[c]! > hx) hx = x1[c]!;
          if (y0[c]! < ly) ly = y0[c]!;
          if (y1[c]! > hy) hy = y1[c]!;
        }
      }
      mx[node] = sx / count[node]!;
      my[node] = sy / count[node]!;
      x0[node] = lx;
      x1[node] = hx;
      y0[node] = ly;
      y1[node] = hy;
    }
  }

  /** LSD radix sort of `keys` (8 bits a pass), carrying `order` along. */
  private sortByKey(): void {
    const { n, histogram } = this;
    let keys = this.keys;
    let order = this.order;
    let keysTo = this.scratchKeys;
    let orderTo = this.scratchOrder;
    histogram.fill(0);
    for (let t = 0; t < n; t++) {
      const k = keys[t]!;
      histogram[k & 0xff]!++;
      histogram[256 + ((k >>> 8) & 0xff)]!++;
      histogram[512 + ((k >>> 16) & 0xff)]!++;
      histogram[768 + (k >>> 24)]!++;
    }
    for (let pass = 0; pass < 4; pass++) {
      const base = pass * 256;
      let sum = 0;
      for (let b = 0; b < 256; b++) {
        const c = histogram[base + b]!;
        histogram[base + b] = sum;
        sum += c;
      }
      const shift = pass * 8;
      for (let t = 0; t < n; t++) {
        const k = keys[t]!;
        const to = histogram[base + ((k >>> shift) & 0xff)]!++;
        keysTo[to] = k;
        orderTo[to] = order[t]!;
      }
      const k = keys;
      keys = keysTo;
      keysTo = k;
      const o = order;
      order = orderTo;
      orderTo = o;
    }
    // Four passes: the sorted keys and order are back in this.keys and this.order.
  }

  /** Unless the node is small enough to be a leaf, its non-empty quadrants as consecutive nodes. */
  private splitNode(node: number): void {
    const start = this.start[node]!;
    const count = this.count[node]!;
    const depth = this.depth[node]!;
    if (count <= this.leafSize || depth >= KEY_BITS) return;
    const keys = this.keys;
    const end = start + count;
    const shift = 2 * (KEY_BITS - 1 - depth);
    const w = this.width[node]! / 2;
    let first = -1;
    let made = 0;
    let from = start;
    for (let q = 0; q < 4; q++) {
      // The end of quadrant q's run: the first key whose digit at this level exceeds q.
      let lo = from;
      let hi = end;
      if (q < 3) {
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (((keys[mid]! >>> shift) & 3) <= q) lo = mid + 1;
          else hi = mid;
        }
      } else lo = end;
      if (lo > from) {
        const id = this.add(w, from, lo - from, depth + 1);
        if (first < 0) first = id;
        made++;
      }
      from = lo;
    }
    this.firstChild[node] = first;
    this.children[node] = made;
  }
}
