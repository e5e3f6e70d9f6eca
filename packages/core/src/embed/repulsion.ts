import type { QuadTree } from "./quadtree.js";
import type { RepulsionKernel } from "./tsne-wasm.js";

/**
 * The repulsive half of the gradient by Barnes-Hut (van der Maaten 2014) with Barnes' (1990)
 * grouping: each group of up to `groupSize` neighbouring points (a quadtree node) gets one
 * interaction list, cells that are far enough from the whole group's bounding box (width < theta x
 * distance from the cell's centre of mass to the box, so for each of its points the usual
 * per-point criterion holds too) and the points of the cells that are not; every point of the
 * group then sums over that list in one tight loop. Writes sum_j q_ij^2 (y_i - y_j) per point into
 * `rep` and returns Z = sum_{i != j} q_ij.
 *
 * The lists are built in one descent of the tree rather than one walk from the root per group: a
 * cell accepted for a node's box is accepted for every node inside it (their boxes are inside and
 * no nearer to the cell), so a node tests only the cells its parent opened, accepts or opens them
 * in turn and hands what it opened, with its children's siblings, down to its children. The top of
 * the tree is tested once, not once per group. The criterion is the per-group walk's, applied to
 * leaves too (a far leaf is one entry, not its points).
 *
 * Measured on a converged 20,000-point map at theta 0.5 (groups of 64, leaves of 8): forces within
 * 1.0% of the exact sums (RMS, relative), 10 ms a step against 35-43 ms for a walk per group of 32
 * with the sums in JS.
 *
 * With a `kernel` (tsne-wasm.ts) the list is written into the kernel's memory and the sums run
 * as WebAssembly SIMD, four points at a time; the same bits as the JS loop here.
 *
 * With a `part`, only the groups whose first point (in tree order) lies in [part.from, part.to) are
 * summed, and subtrees holding none of them are not descended: two threads with the same tree
 * take one part each. A group's list does not depend on which other groups are summed, so its
 * numbers are the same bits either way; each group's share of Z goes to `part.zAt` at its first
 * point, for the caller to add up in tree order, and its list length to `part.cost` at each of
 * its points (what the group cost, to balance the next step's parts).
 */
export function repulsion(
  tree: QuadTree,
  theta2: number,
  rep: Float64Array,
  list: InteractionList,
  kernel: RepulsionKernel | null = null,
  part: RepulsionPart | null = null,
): number {
  const {
    mx,
    my,
    x0: boxX0,
    x1: boxX1,
    y0: boxY0,
    y1: boxY1,
    width,
    start,
    count,
    firstChild,
    children,
    order,
    px,
    py,
  } = tree;
  const groupSize = tree.groupSize;
  let entries = kernel === null ? list.entries : kernel.entries;
  let open = list.open;
  let z = 0;

  const room = (need: number) => {
    if (3 * need > entries.length) entries = list.grow(3 * need);
  };
  const openRoom = (need: number) => {
    if (need > open.length) open = list.growOpen(need);
  };

  // The node's open cells are open[from, to), each tested against the node's box: accepted, a cell
  // entry (centre of mass, weight = its points); a leaf not accepted, its points; otherwise opened
  // (children written from `to` on). The first `len` entries are the node's ancestors' list.
  const partFrom = part === null ? 0 : part.from;
  const partTo = part === null ? px.length : part.to;
  const descend = (node: number, from: number, to: number, len: number): void => {
    const isGroup = count[node]! <= groupSize || firstChild[node]! < 0;
    if (isGroup && (start[node]! < partFrom || start[node]! >= partTo)) return;
    const bx0 = boxX0[node]!;
    const bx1 = boxX1[node]!;
    const by0 = boxY0[node]!;
    const by1 = boxY1[node]!;
    let at = to;
    // In a group, what is opened is tested again at once (a stack over the same buffer): the
    // group's list is complete when the loop ends.
    let o = from;
    let top = to;
    for (;;) {
      let cell: number;
      if (isGroup) {
        if (top > from) cell = open[--top]!;
        else break;
      } else if (o < to) cell = open[o++]!;
      else break;
      const nc = count[cell]!;
      const cmx = mx[cell]!;
      const cmy = my[cell]!;
      const dx = cmx < bx0 ? bx0 - cmx : cmx > bx1 ? cmx - bx1 : 0;
      const dy = cmy < by0 ? by0 - cmy : cmy > by1 ? cmy - by1 : 0;
      const w = width[cell]!;
      const first = firstChild[cell]!;
      if (w * w < theta2 * (dx * dx + dy * dy)) {
        room(len + 1);
        const e = 3 * len++;
        entries[e] = cmx;
        entries[e + 1] = cmy;
        entries[e + 2] = nc;
      } else if (first < 0) {
        const ns = start[cell]!;
        room(len + nc);
        for (let t = ns; t < ns + nc; t++) {
          const e = 3 * len++;
          entries[e] = px[t]!;
          entries[e + 1] = py[t]!;
          entries[e + 2] = 1;
        }
      } else if (isGroup) {
        openRoom(top + 4);
        for (let c = 0; c < children[cell]!; c++) open[top++] = first + c;
      } else {
        openRoom(at + 4);
        for (let c = 0; c < children[cell]!; c++) open[at++] = first + c;
      }
    }
    if (isGroup) {
      // The group's own points, each one itself included (distance 0: q = 1, no force, taken off Z).
      const gs = start[node]!;
      const ge = gs + count[node]!;
      room(len + ge - gs);
      for (let t = gs; t < ge; t++) {
        const e = 3 * len++;
        entries[e] = px[t]!;
        entries[e + 1] = py[t]!;
        entries[e + 2] = 1;
      }
      const share = sumGroup(gs, ge, len);
      z += share;
      if (part !== null) {
        part.zAt[gs] = share;
        part.cost.fill(len, gs, ge);
      }
      return;
    }
    // Each child: what this node opened, and the child's siblings.
    const first = firstChild[node]!;
    const kids = children[node]!;
    const opened = at - to;
    for (let c = 0; c < kids; c++) {
      const childStart = start[first + c]!;
      // No group of the part starts in this child's points.
      if (childStart >= partTo || childStart + count[first + c]! <= partFrom) continue;
      openRoom(at + opened + 4);
      open.copyWithin(at, to, at);
      let end = at + opened;
      for (let s = 0; s < kids; s++) if (s !== c) open[end++] = first + s;
      descend(first + c, at, end, len);
    }
  };

  /** Sums over the first `len` entries for the points [gs, ge) into `rep`; returns their share of Z. */
  const sumGroup = (gs: number, ge: number, len: number): number => {
    let share = 0;
    if (kernel !== null) {
      // The kernel reads the group's points in fours, so up to three past its end: copied per
      // group (a part's groups only), past n the kernel's zeros.
      const copyEnd = Math.min(px.length, ge + 3);
      kernel.px.set(px.subarray(gs, copyEnd), gs);
      kernel.py.set(py.subarray(gs, copyEnd), gs);
      kernel.sums(gs, ge - gs, len);
      const { fx, fy, z: zs } = kernel;
      for (let t = gs; t < ge; t++) {
        share += zs[t]! - 1;
        const i = order[t]!;
        rep[2 * i] = fx[t]!;
        rep[2 * i + 1] = fy[t]!;
      }
      return share;
    }
    // Four points per pass over the list, as the kernel's lanes: an entry is loaded once for all
    // four, and points t and t + 2 share one division (see tsne-wasm.ts). Past the group's end (and
    // past n, as zeros) points are computed and not stored, since their values round the partners'.
    const n = px.length;
    for (let t = gs; t < ge; t += 4) {
      const xa0 = px[t]!;
      const ya0 = py[t]!;
      const xa1 = t + 1 < n ? px[t + 1]! : 0;
      const ya1 = t + 1 < n ? py[t + 1]! : 0;
      const xb0 = t + 2 < n ? px[t + 2]! : 0;
      const yb0 = t + 2 < n ? py[t + 2]! : 0;
      const xb1 = t + 3 < n ? px[t + 3]! : 0;
      const yb1 = t + 3 < n ? py[t + 3]! : 0;
      let za0 = 0;
      let za1 = 0;
      let zb0 = 0;
      let zb1 = 0;
      let fxa0 = 0;
      let fxa1 = 0;
      let fxb0 = 0;
      let fxb1 = 0;
      let fya0 = 0;
      let fya1 = 0;
      let fyb0 = 0;
      let fyb1 = 0;
      for (let e = 0; e < 3 * len; e += 3) {
        const ex = entries[e]!;
        const ey = entries[e + 1]!;
        const w = entries[e + 2]!;
        const dxa0 = xa0 - ex;
        const dya0 = ya0 - ey;
        const dxa1 = xa1 - ex;
        const dya1 = ya1 - ey;
        const dxb0 = xb0 - ex;
        const dyb0 = yb0 - ey;
        const dxb1 = xb1 - ex;
        const dyb1 = yb1 - ey;
        const sa0 = 1 + dxa0 * dxa0 + dya0 * dya0;
        const sa1 = 1 + dxa1 * dxa1 + dya1 * dya1;
        const sb0 = 1 + dxb0 * dxb0 + dyb0 * dyb0;
        const sb1 = 1 + dxb1 * dxb1 + dyb1 * dyb1;
        const r0 = 1 / (sa0 * sb0);
        const r1 = 1 / (sa1 * sb1);
        const qa0 = sb0 * r0;
        const qa1 = sb1 * r1;
        const qb0 = sa0 * r0;
        const qb1 = sa1 * r1;
        const ta0 = w * qa0;
        const ta1 = w * qa1;
        const tb0 = w * qb0;
        const tb1 = w * qb1;
        za0 += ta0;
        za1 += ta1;
        zb0 += tb0;
        zb1 += tb1;
        const ua0 = ta0 * qa0;
        const ua1 = ta1 * qa1;
        const ub0 = tb0 * qb0;
        const ub1 = tb1 * qb1;
        fxa0 += ua0 * dxa0;
        fya0 += ua0 * dya0;
        fxa1 += ua1 * dxa1;
        fya1 += ua1 * dya1;
        fxb0 += ub0 * dxb0;
        fyb0 += ub0 * dyb0;
        fxb1 += ub1 * dxb1;
        fyb1 += ub1 * dyb1;
      }
      const zs = [za0, za1, zb0, zb1];
      const fxs = [fxa0, fxa1, fxb0, fxb1];
      const fys = [fya0, fya1, fyb0, fyb1];
      for (let k = 0; k < 4 && t + k < ge; k++) {
        share += zs[k]! - 1;
        const i = order[t + k]!;
        rep[2 * i] = fxs[k]!;
        rep[2 * i + 1] = fys[k]!;
      }
    }
    return share;
  };

  descend(0, 0, 0, 0);
  return z;
}

/** The groups one thread sums (see `repulsion`), and where it leaves their shares of Z and costs. */
export interface RepulsionPart {
  /** Groups whose first point (tree order) is in [from, to). */
  readonly from: number;
  readonly to: number;
  /** Share of Z of each group, at its first point's tree position. */
  readonly zAt: Float64Array;
  /** The group's list length at each of its points' tree positions. */
  readonly cost: Float64Array;
}

/** Scratch space of the interaction lists (x, y, weight per entry) and the open cells, kept across steps. */
export class InteractionList {
  entries: Float64Array;
  open: Int32Array;
  constructor(capacity: number) {
    this.entries = new Float64Array(3 * capacity);
    this.open = new Int32Array(1024);
  }
  /** Room for `need` values (three per entry); returns the new array. */
  grow(need: number): Float64Array {
    const b = new Float64Array(Math.max(need, 2 * this.entries.length));
    b.set(this.entries);
    this.entries = b;
    return b;
  }
  growOpen(need: number): Int32Array {
    const b = new Int32Array(Math.max(need, 2 * this.open.length));
    b.set(this.open);
    this.open = b;
    return b;
  }
}
