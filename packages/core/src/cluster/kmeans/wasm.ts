/**
 * The k-means distance kernel: for a batch of rows, the nearest and second-nearest centroid and
 * both squared distances, optionally adding the rows to their cluster's sums (Lloyd) or moving
 * the rows that changed cluster between them (Hamerly); and Hamerly's filter, the distance of
 * candidate rows to their own centroid. It runs as WebAssembly SIMD (f64x2), built as bytes
 * here (no toolchain), with a plain JS twin that gives the same numbers when WebAssembly SIMD
 * is missing.
 *
 * Layout of the scan (measured on 1M x 8, k = 8: 24 ms a pass against 65 ms for the
 * row-at-a-time SIMD kernel it replaced, whose TurboFan code spilled the centroids each row):
 * - the batch is transposed into row pairs, so each f64x2 lane is one row and every lane does
 *   the same work: no horizontal adds, no lane extracts, no data-dependent branches;
 * - centroid-stationary: one centroid's values sit splatted in registers (8 features at a
 *   time) while every row pair of the batch streams past from L2, so nothing spills;
 * - the running best, second best and label of each pair live in a small scratch, updated
 *   with compare-and-bitselect.
 * Distances are ||x||^2 + 2 (||c||^2/2 - x.c), clamped at 0, with every dot product summed
 * left to right, feature 0 first, in both kernels: the wasm and JS paths agree to the bit.
 */

import { I32, uleb, V128, vec, wasmModule } from "../../wasm/assemble.js";

/** Feature counts the unrolled kernel is built for (keeps each module a few KB). */
export const WASM_MAX_D = 64;
/** Bytes of rows per batch: the batch, its transposed copy and the outputs stay in L2. */
const BATCH_BYTES = 128 * 1024;
/** Features whose centroid values are held in registers at once (x86-64 has 16 xmm registers). */
const GROUP = 8;
/** Per-pair scratch: best (f64x2), second best (f64x2), label (i64x2), partial dot, ||x||^2. */
const PAIR_BYTES = 80;

/** Rows per batch for d features: even, at least 2. */
export function batchRows(d: number): number {
  return Math.max(2, Math.min(4096, Math.floor(BATCH_BYTES / (8 * d)) & ~1));
}

/** What a scan adds to `sums`: nothing, each row, or each row times its weight (from `w`). */
export type ScanSums = "none" | "unit" | "weighted";

/**
 * Scans batches of rows against k centroids. Write a batch into `x` (row-major, up to `rows`
 * rows), call `scan(m)`, then read `label`, `first` and `second` (squared distances to the
 * nearest and second-nearest centroid, +Infinity when k = 1) for its m rows. With sums, each
 * row is also added to its nearest centroid's sum and count in `sums` ([k x d sums | k counts],
 * zero when the scanner is made, added to across scans, in row order).
 */
export interface RowScanner {
  readonly rows: number;
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly label: Int32Array;
  readonly first: Float64Array;
  readonly second: Float64Array;
  readonly sums: Float64Array;
  /** Hamerly's state for the rows of the batch: labels and upper and lower bounds. */
  readonly blockLabel: Int32Array;
  readonly blockUpper: Float64Array;
  readonly blockLower: Float64Array;
  /** Per centroid: its last move, how far its rows' lower bounds shrink, its half-gap. */
  readonly drift: Float64Array;
  readonly lowerDrift: Float64Array;
  readonly halfGap: Float64Array;
  /**
   * Rows (indices into `x`) that may have a nearer centroid, from `updateBounds`, with their
   * labels and the bound their own distance must exceed to need a scan.
   */
  readonly candidate: Int32Array;
  readonly candidateLabel: Int32Array;
  readonly candidateBound: Float64Array;
  /** Rows (indices into `x`) for `scanListed`, with their current labels in `pendingLabel`. */
  readonly pending: Int32Array;
  readonly pendingLabel: Int32Array;
  /** Scans the first m rows of `x`. */
  scan(m: number, sums?: ScanSums): void;
  /**
   * Scans the m rows listed in `pending`; results in list order. With sums, each row whose
   * nearest centroid is not its `pendingLabel` moves (times its weight in `w`, by list slot)
   * from that centroid's sum and count to the new one's.
   */
  scanListed(m: number, sums?: ScanSums): void;
  /**
   * Hamerly's bound update for the first n rows of the block state (drift tables set); lists
   * the candidates and returns how many.
   */
  updateBounds(n: number): number;
  /**
   * Sets the first m candidates' upper bound to their exact distance to their own centroid
   * (rows in `x`) and lists those still farther than their bound in `pending`/`pendingLabel`;
   * returns how many it listed.
   */
  filterCandidates(m: number): number;
}

// ---- the function bodies' assembler (also used by seeding-wasm.ts) ----------------------------

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Emits a function body; each method pushes one instruction (stack machine order). */
export class Code {
  readonly bytes: number[] = [];
  get(l: number): this {
    this.bytes.push(0x20, ...uleb(l));
    return this;
  }
  set(l: number): this {
    this.bytes.push(0x21, ...uleb(l));
    return this;
  }
  tee(l: number): this {
    this.bytes.push(0x22, ...uleb(l));
    return this;
  }
  i32(v: number): this {
    this.bytes.push(0x41, ...sleb(v));
    return this;
  }
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  simd(opcode: number, ...imm: number[]): this {
    this.bytes.push(0xfd, ...uleb(opcode), ...imm);
    return this;
  }
  /** v128.load at [top + offset] (align hint 8 bytes: offsets are multiples of 8, not 16). */
  vload(offset: number): this {
    return this.simd(0x00, 3, ...uleb(offset));
  }
  vstore(offset: number): this {
    return this.simd(0x0b, 3, ...uleb(offset));
  }
  splatLoad(offset: number): this {
    return this.simd(0x0a, 3, ...uleb(offset));
  }
  f64load(offset: number): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  i32store(offset: number): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  vconst(bytes: number[]): this {
    return this.simd(0x0c, ...bytes);
  }
  f64x2(value: number): this {
    const b = new Uint8Array(new Float64Array([value, value]).buffer);
    return this.vconst([...b]);
  }
  add(): this {
    return this.simd(0xf0, 0x01);
  }
  sub(): this {
    return this.simd(0xf1, 0x01);
  }
  mul(): this {
    return this.simd(0xf2, 0x01);
  }
  max(): this {
    return this.simd(0xf5, 0x01);
  }
  lt(): this {
    return this.simd(0x49);
  }
  bitselect(): this {
    return this.simd(0x52);
  }
  /** Lanes 0 of a and b (low doubles): [a0, b0]; hi: [a1, b1]. */
  interleave(hi: boolean): this {
    const a = hi ? 8 : 0;
    const lanes = [
      ...Array.from({ length: 8 }, (_, i) => a + i),
      ...Array.from({ length: 8 }, (_, i) => 16 + a + i),
    ];
    return this.simd(0x0d, ...lanes);
  }
  f64load0(): this {
    return this.f64load(0);
  }
  f64store(offset: number): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  /** local += step (i32). */
  bump(l: number, step: number): this {
    return this.get(l).i32(step).op(0x6a).set(l);
  }
}

// Parameters and locals of scan(nRows, k, offC, offH, offX, offT, offB, offLab, offD1, offD2,
// offSums, offW, offIdx, offMoves).
const NPARAMS = 14;
const P = {
  n: 0,
  k: 1,
  offC: 2,
  offH: 3,
  offX: 4,
  offT: 5,
  offB: 6,
  offLab: 7,
  offD1: 8,
  offD2: 9,
  offSums: 10,
  offW: 11,
  offIdx: 12,
  offMoves: 13,
} as const;
const L = { q: 14, np: 15, xo: 16, rb: 17, to: 18, tend: 19, bo: 20, j: 21, co: 22 } as const;
const V = { a: 23, b: 24, v: 25, m: 26, b1: 27, h: 28, jj: 29, acc: 30, xx: 31, c: 32 } as const;

/**
 * The kernel for d features: scan(nRows, k, offC, offH, offX, offT, offB, offLab, offD1, offD2,
 * offSums, offW) with centroids (k x d) at offC, their half-norms (k) at offH, nRows rows at
 * offX; scratch of nRows/2 pairs at offT (d f64x2 each) and offB (PAIR_BYTES each); writes
 * labels (i32) at offLab and squared distances to the nearest and second-nearest centroid at
 * offD1/offD2 (each with room for one row more than nRows). When offSums is not 0 each row
 * (times its weight at offW, when offW is not 0) is added to its centroid's sum at offSums and
 * its weight (or 1) to the count that follows the k x d sums. When offIdx is not 0 the rows
 * scanned are the ones whose indices (i32, into the rows at offX) are listed there, in that
 * order. With offMoves (i32 old labels of the listed rows) the sums change only for rows whose
 * label differs from the old one: the row (times its weight) leaves the old centroid's sum and
 * count and joins the new one's, as Hamerly's incremental update needs.
 */
export function buildScanModule(d: number): Uint8Array {
  const c = new Code();
  const rowBytes = d * 8;
  const pairBytes = d * 16;
  const groups: number[][] = [];
  for (let t = 0; t < d; t += GROUP)
    groups.push(Array.from({ length: Math.min(GROUP, d - t) }, (_, i) => t + i));

  // np = (n + 1) >> 1; exit when no rows
  c.op(0x02, 0x40); // block $exit
  c.get(P.n).op(0x45, 0x0d, 0); // br_if $exit (n == 0)
  c.get(P.n).i32(1).op(0x6a).i32(1).op(0x76).set(L.np);

  // ---- transpose into pairs, ||x||^2 per pair, reset best/second/label ----
  c.i32(0).set(L.q);
  c.get(P.offX).set(L.xo);
  c.get(P.offT).set(L.to);
  c.get(P.offB).set(L.bo);
  c.op(0x03, 0x40); // loop
  // rows 2q and 2q + 1: listed at offIdx, or the next two; an odd last row pairs with itself
  const rowAt = (slot: number) =>
    c
      .get(P.offIdx)
      .get(L.q)
      .i32(3)
      .op(0x74)
      .op(0x6a)
      .op(0x28, 2, ...uleb(slot * 4))
      .i32(rowBytes)
      .op(0x6c)
      .get(P.offX)
      .op(0x6a);
  c.get(P.offIdx).op(0x04, 0x40); // if listed
  rowAt(0).set(L.xo);
  rowAt(1).set(L.rb);
  c.op(0x05); // else
  c.get(L.xo).i32(rowBytes).op(0x6a).set(L.rb);
  c.op(0x0b); // end if
  c.get(L.rb);
  c.get(L.xo);
  c.get(L.q).i32(1).op(0x74).i32(1).op(0x6a).get(P.n).op(0x49); // (2q + 1) < n (unsigned)
  c.op(0x1b).set(L.rb); // select
  const square = (first: boolean) => {
    // xx = first ? v * v : xx + v * v, with v on the local V.v
    if (first) c.get(V.v).get(V.v).mul().set(V.xx);
    else c.get(V.xx).get(V.v).get(V.v).mul().add().set(V.xx);
  };
  for (let t = 0; t + 1 < d; t += 2) {
    c.get(L.xo)
      .vload(t * 8)
      .set(V.a);
    c.get(L.rb)
      .vload(t * 8)
      .set(V.b);
    for (const hi of [false, true]) {
      c.get(V.a).get(V.b).interleave(hi).set(V.v);
      c.get(L.to)
        .get(V.v)
        .vstore((t + (hi ? 1 : 0)) * 16);
      square(t === 0 && !hi);
    }
  }
  if (d % 2 === 1) {
    const t = d - 1;
    c.get(L.xo)
      .splatLoad(t * 8)
      .get(L.rb)
      .f64load(t * 8)
      .simd(0x22, 1)
      .set(V.v); // replace lane 1
    c.get(L.to)
      .get(V.v)
      .vstore(t * 16);
    square(t === 0);
  }
  c.get(L.bo).f64x2(Number.POSITIVE_INFINITY).vstore(0);
  c.get(L.bo).f64x2(Number.POSITIVE_INFINITY).vstore(16);
  c.get(L.bo).vconst(new Array(16).fill(0)).vstore(32);
  c.get(L.bo).get(V.xx).vstore(64);
  c.bump(L.xo, 2 * rowBytes)
    .bump(L.to, pairBytes)
    .bump(L.bo, PAIR_BYTES);
  c.get(L.q).i32(1).op(0x6a).tee(L.q).get(L.np).op(0x49, 0x0d, 0, 0x0b); // br_if loop; end
  c.get(L.to).set(L.tend);

  // ---- centroids, one at a time, every pair streaming past ----
  c.i32(0).set(L.j);
  c.get(P.offC).set(L.co);
  c.op(0x03, 0x40); // loop over centroids
  c.get(P.offH).get(L.j).i32(3).op(0x74).op(0x6a).splatLoad(0).set(V.h);
  c.get(L.j).op(0xad).simd(0x12).set(V.jj); // i64.extend_i32_u, i64x2.splat
  groups.forEach((group, g) => {
    const last = g === groups.length - 1;
    group.forEach((t, i) => {
      c.get(L.co)
        .splatLoad(t * 8)
        .set(V.c + i);
    });
    c.get(P.offT).set(L.to);
    c.get(P.offB).set(L.bo);
    c.op(0x03, 0x40); // loop over pairs
    group.forEach((t, i) => {
      if (i === 0 && g === 0) {
        c.get(V.c)
          .get(L.to)
          .vload(t * 16)
          .mul();
      } else {
        if (i === 0) c.get(L.bo).vload(48);
        c.get(V.c + i)
          .get(L.to)
          .vload(t * 16)
          .mul()
          .add();
      }
    });
    if (!last) {
      c.set(V.acc);
      c.get(L.bo).get(V.acc).vstore(48);
    } else {
      c.set(V.acc);
      c.get(V.h).get(V.acc).sub().set(V.v);
      c.get(L.bo).vload(0).set(V.b1);
      c.get(V.v).get(V.b1).lt().set(V.m);
      // second = v < best ? best : (v < second ? v : second); best = v < best ? v : best
      c.get(L.bo);
      c.get(V.b1);
      c.get(V.v).get(L.bo).vload(16).get(V.v).get(L.bo).vload(16).lt().bitselect();
      c.get(V.m).bitselect().vstore(16);
      c.get(L.bo).get(V.v).get(V.b1).get(V.m).bitselect().vstore(0);
      c.get(L.bo).get(V.jj).get(L.bo).vload(32).get(V.m).bitselect().vstore(32);
    }
    c.bump(L.bo, PAIR_BYTES);
    c.get(L.to).i32(pairBytes).op(0x6a).tee(L.to).get(L.tend).op(0x49, 0x0d, 0, 0x0b); // br_if; end
  });
  c.bump(L.co, rowBytes);
  c.get(L.j).i32(1).op(0x6a).tee(L.j).get(P.k).op(0x49, 0x0d, 0, 0x0b); // br_if; end

  // ---- per pair: distances (clamped at 0) and labels ----
  c.i32(0).set(L.q);
  c.get(P.offB).set(L.bo);
  c.op(0x03, 0x40);
  for (const [field, out] of [
    [0, P.offD1],
    [16, P.offD2],
  ] as const) {
    c.get(out).get(L.q).i32(4).op(0x74).op(0x6a); // out + 16 q
    c.get(L.bo).vload(64).f64x2(2).get(L.bo).vload(field).mul().add();
    c.f64x2(0).max().vstore(0);
  }
  for (const lane of [0, 1]) {
    c.get(P.offLab).get(L.q).i32(3).op(0x74).op(0x6a); // offLab + 8 q
    c.get(L.bo)
      .vload(32)
      .simd(0x1b, 2 * lane)
      .i32store(4 * lane); // i32x4.extract_lane
  }
  c.bump(L.bo, PAIR_BYTES);
  c.get(L.q).i32(1).op(0x6a).tee(L.q).get(L.np).op(0x49, 0x0d, 0, 0x0b);

  // ---- sums and counts, row by row in order (q: the row, j: its label, bo: its sum, h: w) ----
  c.get(P.offSums).op(0x45, 0x0d, 0); // br_if $exit (offSums == 0)
  c.get(P.k).i32(rowBytes).op(0x6c).get(P.offSums).op(0x6a).set(L.tend); // counts at offSums + k d 8
  const one = [...new Uint8Array(new Float64Array([1]).buffer)];
  // sums[label] (+|-)= w x for the row at xo; count[label] (+|-)= w
  const move = (label: number, sign: 1 | -1, weighted: boolean) => {
    c.get(label).i32(rowBytes).op(0x6c).get(P.offSums).op(0x6a).set(L.bo);
    const combine = () => (sign > 0 ? c.add() : c.sub());
    for (let t = 0; t + 1 < d; t += 2) {
      c.get(L.bo)
        .get(L.bo)
        .vload(t * 8);
      if (weighted) c.get(V.h);
      c.get(L.xo).vload(t * 8);
      if (weighted) c.mul();
      combine().vstore(t * 8);
    }
    if (d % 2 === 1) {
      const t = d - 1;
      c.get(L.bo)
        .get(L.bo)
        .f64load(t * 8);
      if (weighted) c.get(V.h).simd(0x21, 0); // f64x2.extract_lane 0
      c.get(L.xo).f64load(t * 8);
      if (weighted) c.op(0xa2); // f64.mul
      c.op(sign > 0 ? 0xa0 : 0xa1).f64store(t * 8); // f64.add | f64.sub
    }
    c.get(L.tend).get(label).i32(3).op(0x74).op(0x6a).tee(L.bo);
    c.get(L.bo).f64load0();
    if (weighted) c.get(V.h).simd(0x21, 0);
    else c.op(0x44, ...one); // f64.const 1
    c.op(sign > 0 ? 0xa0 : 0xa1).f64store(0);
  };
  for (const moves of [false, true]) {
    for (const weighted of [false, true]) {
      // if ((offMoves != 0) == moves && (offW != 0) == weighted)
      c.get(P.offMoves).op(0x45);
      if (moves) c.op(0x45);
      c.get(P.offW).op(0x45);
      if (weighted) c.op(0x45);
      c.op(0x71, 0x04, 0x40); // i32.and, if
      c.i32(0).set(L.q);
      c.op(0x03, 0x40); // loop
      c.op(0x02, 0x40); // block: continue
      if (moves) {
        // the row listed at offIdx, moving from its old label (offMoves) to its new one
        c.get(P.offIdx).get(L.q).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0);
        c.i32(rowBytes).op(0x6c).get(P.offX).op(0x6a).set(L.xo);
        c.get(P.offMoves).get(L.q).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).set(L.co);
      } else {
        c.get(L.q).i32(rowBytes).op(0x6c).get(P.offX).op(0x6a).set(L.xo);
      }
      c.get(P.offLab).get(L.q).i32(2).op(0x74).op(0x6a).op(0x28, 2, 0).set(L.j);
      if (moves) c.get(L.co).get(L.j).op(0x46, 0x0d, 0); // br_if continue (old == new)
      if (weighted) c.get(P.offW).get(L.q).i32(3).op(0x74).op(0x6a).splatLoad(0).set(V.h);
      if (moves) move(L.co, -1, weighted);
      move(L.j, 1, weighted);
      c.op(0x0b); // end block
      c.get(L.q).i32(1).op(0x6a).tee(L.q).get(P.n).op(0x49, 0x0d, 0, 0x0b); // br_if; end loop
      c.op(0x0b); // end if
    }
  }
  c.op(0x0b); // end block $exit
  c.op(0x0b); // end function

  const locals = vec([
    [...uleb(L.co - L.q + 1), I32],
    [...uleb(V.c - V.a + Math.min(GROUP, d)), V128],
  ]);
  const body = [...locals, ...c.bytes];
  const filterBody = buildFilter(d);
  const boundsBody = buildBounds();
  return wasmModule([
    { name: "scan", params: NPARAMS, body },
    { name: "filter", params: 9, returnsI32: true, body: filterBody },
    { name: "bounds", params: 10, returnsI32: true, body: boundsBody },
  ]);
}

/**
 * filter(nc, offX, offCand, offCandLab, offC, offBound, offUp, offPend, offPendLab) -> m: for
 * each of nc candidates (i32 indices into the rows at offX, with i32 labels) the distance to its
 * own centroid (squares summed left to right over the features, then the square root) becomes
 * its upper bound (f64 at offUp, by row); a candidate farther than its bound (f64 at offBound)
 * is appended, with its label, to the pending lists. Returns how many were appended.
 */
function buildFilter(d: number): number[] {
  const c = new Code();
  const rowBytes = d * 8;
  const [nc, offX, offCand, offCandLab, offC, offBound, offUp, offPend, offPendLab] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  const [i, xo, co, m, r, a, sum, v] = [9, 10, 11, 12, 13, 14, 15, 16];
  const at = (base: number, shift: number) => c.get(base).get(i).i32(shift).op(0x74).op(0x6a);
  c.op(0x02, 0x40);
  c.get(nc).op(0x45, 0x0d, 0);
  c.op(0x03, 0x40);
  at(offCand, 2).op(0x28, 2, 0).tee(r).i32(rowBytes).op(0x6c).get(offX).op(0x6a).set(xo);
  at(offCandLab, 2).op(0x28, 2, 0).tee(a).i32(rowBytes).op(0x6c).get(offC).op(0x6a).set(co);
  for (let t = 0; t < d; t++) {
    c.get(xo)
      .f64load(t * 8)
      .get(co)
      .f64load(t * 8)
      .op(0xa1)
      .set(v); // f64.sub
    if (t === 0) c.get(v).get(v).op(0xa2).set(sum);
    else c.get(sum).get(v).get(v).op(0xa2, 0xa0).set(sum); // f64.mul, f64.add
  }
  c.get(offUp).get(r).i32(3).op(0x74).op(0x6a).get(sum).op(0x9f).tee(sum).f64store(0); // f64.sqrt
  c.get(offPend).get(m).i32(2).op(0x74).op(0x6a).get(r).i32store(0);
  c.get(offPendLab).get(m).i32(2).op(0x74).op(0x6a).get(a).i32store(0);
  c.get(m).get(sum);
  at(offBound, 3).f64load0();
  c.op(0x64, 0x6a).set(m); // m += distance > bound (kept by counting, no branch)
  c.get(i).i32(1).op(0x6a).tee(i).get(nc).op(0x49, 0x0d, 0, 0x0b); // br_if; end loop
  c.op(0x0b); // end block
  c.get(m).op(0x0b); // return m; end function
  return [
    ...vec([
      [...uleb(6), I32],
      [...uleb(2), 0x7c],
    ]),
    ...c.bytes,
  ];
}

/**
 * bounds(n, offLab, offUp, offLo, offDrift, offLowerDrift, offGap, offCand, offCandLab,
 * offCandBound) -> nc: Hamerly's bound update for n rows (i32 labels, f64 upper and lower bounds,
 * updated in place): upper grows by the own centroid's drift, lower shrinks by the cluster's
 * lower drift; a row whose upper bound exceeds max(lower, half-gap of its centroid) is appended
 * to the candidates with its label and that bound. Returns how many were appended.
 */
function buildBounds(): number[] {
  const c = new Code();
  const [n, offLab, offUp, offLo, offDrift, offLowerDrift, offGap, offCand, offCandLab, offCandBound] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [r, a, nc, u, l, bound] = [10, 11, 12, 13, 14, 15];
  const row = (base: number, shift: number) => c.get(base).get(r).i32(shift).op(0x74).op(0x6a);
  const byLabel = (base: number) => c.get(base).get(a).i32(3).op(0x74).op(0x6a).f64load0();
  c.op(0x02, 0x40);
  c.get(n).op(0x45, 0x0d, 0);
  c.op(0x03, 0x40);
  row(offLab, 2).op(0x28, 2, 0).set(a);
  row(offUp, 3).f64load0();
  byLabel(offDrift);
  c.op(0xa0).set(u); // f64.add
  row(offLo, 3).f64load0();
  byLabel(offLowerDrift);
  c.op(0xa1).set(l); // f64.sub
  row(offLo, 3).get(l).f64store(0);
  row(offUp, 3).get(u).f64store(0);
  c.get(l);
  byLabel(offGap);
  c.op(0xa5).set(bound); // f64.max
  // Written at slot nc either way, kept by counting it: no branch to mispredict.
  c.get(offCand).get(nc).i32(2).op(0x74).op(0x6a).get(r).i32store(0);
  c.get(offCandLab).get(nc).i32(2).op(0x74).op(0x6a).get(a).i32store(0);
  c.get(offCandBound).get(nc).i32(3).op(0x74).op(0x6a).get(bound).f64store(0);
  c.get(nc).get(u).get(bound).op(0x64, 0x6a).set(nc); // nc += u > bound
  c.get(r).i32(1).op(0x6a).tee(r).get(n).op(0x49, 0x0d, 0, 0x0b); // br_if; end loop
  c.op(0x0b); // end block
  c.get(nc).op(0x0b); // return nc; end function
  return [
    ...vec([
      [...uleb(3), I32],
      [...uleb(3), 0x7c],
    ]),
    ...c.bytes,
  ];
}

// ---- the compiled kernel, one instance per d on each thread -------------------------------

type ScanFn = (...args: number[]) => void;
/** The part of the WebAssembly JS API used here (core has no DOM or Node typings in src). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
interface Compiled {
  readonly scan: ScanFn;
  readonly filter: (...args: number[]) => number;
  readonly bounds: (...args: number[]) => number;
  readonly memory: WasmMemory;
}

const compiled = new Map<number, Compiled | null>();
let disabled = false;

/** Turns the WebAssembly kernel off (true) or back on, e.g. to compare it with the JS path. */
export function setWasmDisabled(value: boolean): void {
  disabled = value;
}

/** The compiled kernel for d features, or null when WebAssembly SIMD is unavailable. */
function compile(d: number): Compiled | null {
  if (disabled || d < 1 || d > WASM_MAX_D) return null;
  let kernel = compiled.get(d);
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = buildScanModule(d);
    if (wasm?.validate(bytes)) {
      const instance = new wasm.Instance(new wasm.Module(bytes), {});
      const { scan, filter, bounds, mem } = instance.exports;
      kernel = {
        scan: scan as ScanFn,
        filter: filter as Compiled["filter"],
        bounds: bounds as Compiled["bounds"],
        memory: mem as WasmMemory,
      };
    }
  } catch {
    kernel = null;
  }
  compiled.set(d, kernel);
  return kernel;
}

/** Whether scans for d features run in WebAssembly (false: the JS twin). */
export function wasmAvailable(d: number): boolean {
  return compile(d) !== null;
}

const align16 = (n: number) => (n + 15) & ~15;

/**
 * A scanner for d features against these k centroids (half-norms `hn`). The wasm one shares its
 * module's memory: use it before asking for another scanner with the same d on this thread.
 */
export function rowScanner(d: number, k: number, centroids: Float64Array, hn: Float64Array): RowScanner {
  const rows = batchRows(d);
  const kernel = compile(d);
  if (kernel === null) return jsScanner(d, k, centroids, hn, rows);
  const pairs = rows / 2;
  const offC = 0;
  const offH = align16(offC + k * d * 8);
  const offT = align16(offH + k * 8);
  const offB = offT + pairs * d * 16;
  const offX = offB + pairs * PAIR_BYTES;
  const offLab = align16(offX + rows * d * 8);
  const offD1 = align16(offLab + (rows + 2) * 4);
  const offD2 = align16(offD1 + (rows + 2) * 8);
  const offW = align16(offD2 + (rows + 2) * 8);
  const offSums = align16(offW + rows * 8);
  const offCand = align16(offSums + (k * d + k) * 8);
  const offCandLab = align16(offCand + rows * 4);
  const offBound = align16(offCandLab + rows * 4);
  const offBlockLab = align16(offBound + rows * 8);
  const offUp = align16(offBlockLab + rows * 4);
  const offLo = align16(offUp + rows * 8);
  const offDrift = align16(offLo + rows * 8);
  const offLowerDrift = align16(offDrift + k * 8);
  const offGap = align16(offLowerDrift + k * 8);
  const offPend = align16(offGap + k * 8);
  const offPendLab = align16(offPend + (rows + 2) * 4);
  const need = offPendLab + rows * 4;
  const memory = kernel.memory;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65_536));
  const buf = memory.buffer;
  new Float64Array(buf, offC, k * d).set(centroids.subarray(0, k * d));
  new Float64Array(buf, offH, k).set(hn.subarray(0, k));
  const sums = new Float64Array(buf, offSums, k * d + k);
  sums.fill(0);
  const { scan, filter, bounds } = kernel;
  return {
    rows,
    x: new Float64Array(buf, offX, rows * d),
    w: new Float64Array(buf, offW, rows),
    label: new Int32Array(buf, offLab, rows),
    first: new Float64Array(buf, offD1, rows),
    second: new Float64Array(buf, offD2, rows),
    sums,
    candidate: new Int32Array(buf, offCand, rows),
    candidateLabel: new Int32Array(buf, offCandLab, rows),
    candidateBound: new Float64Array(buf, offBound, rows),
    blockLabel: new Int32Array(buf, offBlockLab, rows),
    blockUpper: new Float64Array(buf, offUp, rows),
    blockLower: new Float64Array(buf, offLo, rows),
    drift: new Float64Array(buf, offDrift, k),
    lowerDrift: new Float64Array(buf, offLowerDrift, k),
    halfGap: new Float64Array(buf, offGap, k),
    pending: new Int32Array(buf, offPend, rows),
    pendingLabel: new Int32Array(buf, offPendLab, rows),
    scan(m: number, mode: ScanSums = "none") {
      const toSums = mode === "none" ? 0 : offSums;
      const w = mode === "weighted" ? offW : 0;
      scan(m, k, offC, offH, offX, offT, offB, offLab, offD1, offD2, toSums, w, 0, 0);
    },
    scanListed(m: number, mode: ScanSums = "none") {
      const toSums = mode === "none" ? 0 : offSums;
      const w = mode === "weighted" ? offW : 0;
      scan(m, k, offC, offH, offX, offT, offB, offLab, offD1, offD2, toSums, w, offPend, offPendLab);
    },
    updateBounds(n: number) {
      return bounds(
        n,
        offBlockLab,
        offUp,
        offLo,
        offDrift,
        offLowerDrift,
        offGap,
        offCand,
        offCandLab,
        offBound,
      );
    },
    filterCandidates(m: number) {
      return filter(m, offX, offCand, offCandLab, offC, offBound, offUp, offPend, offPendLab);
    },
  };
}

/** The JS twin of the kernel: the same arithmetic in the same order, row by row. */
function jsScanner(
  d: number,
  k: number,
  centroids: Float64Array,
  hn: Float64Array,
  rows: number,
): RowScanner {
  const x = new Float64Array(rows * d);
  const label = new Int32Array(rows);
  const first = new Float64Array(rows);
  const second = new Float64Array(rows);
  const w = new Float64Array(rows);
  const sums = new Float64Array(k * d + k);
  const candidate = new Int32Array(rows);
  const candidateLabel = new Int32Array(rows);
  const candidateBound = new Float64Array(rows);
  const blockLabel = new Int32Array(rows);
  const blockUpper = new Float64Array(rows);
  const blockLower = new Float64Array(rows);
  const drift = new Float64Array(k);
  const lowerDrift = new Float64Array(k);
  const halfGap = new Float64Array(k);
  const pending = new Int32Array(rows);
  const pendingLabel = new Int32Array(rows);
  // Scans row `row` of x into result slot r.
  const scanRow = (r: number, row: number) => {
    const o = row * d;
    let xx = x[o]! * x[o]!;
    for (let t = 1; t < d; t++) xx = xx + x[o + t]! * x[o + t]!;
    let b1 = Number.POSITIVE_INFINITY;
    let b2 = Number.POSITIVE_INFINITY;
    let best = 0;
    for (let j = 0, c = 0; j < k; j++, c += d) {
      let dot = centroids[c]! * x[o]!;
      for (let t = 1; t < d; t++) dot = dot + centroids[c + t]! * x[o + t]!;
      const v = hn[j]! - dot;
      if (v < b1) {
        b2 = b1;
        b1 = v;
        best = j;
      } else if (v < b2) {
        b2 = v;
      }
    }
    label[r] = best;
    first[r] = Math.max(xx + 2 * b1, 0);
    second[r] = Math.max(xx + 2 * b2, 0);
  };
  return {
    rows,
    x,
    w,
    label,
    first,
    second,
    sums,
    candidate,
    candidateLabel,
    candidateBound,
    blockLabel,
    blockUpper,
    blockLower,
    drift,
    lowerDrift,
    halfGap,
    pending,
    pendingLabel,
    scan(m: number, mode: ScanSums = "none") {
      for (let r = 0; r < m; r++) scanRow(r, r);
      if (mode === "none") return;
      const kd = k * d;
      for (let r = 0; r < m; r++) {
        const o = r * d;
        const b = label[r]! * d;
        if (mode === "weighted") {
          const wr = w[r]!;
          for (let t = 0; t < d; t++) sums[b + t]! += wr * x[o + t]!;
          sums[kd + label[r]!]! += wr;
        } else {
          for (let t = 0; t < d; t++) sums[b + t]! += x[o + t]!;
          sums[kd + label[r]!]! += 1;
        }
      }
    },
    scanListed(m: number, mode: ScanSums = "none") {
      for (let r = 0; r < m; r++) scanRow(r, pending[r]!);
      if (mode === "none") return;
      const kd = k * d;
      for (let r = 0; r < m; r++) {
        const a = pendingLabel[r]!;
        const b = label[r]!;
        if (a === b) continue;
        const o = pending[r]! * d;
        const wr = mode === "weighted" ? w[r]! : 1;
        for (let t = 0; t < d; t++) {
          const v = wr * x[o + t]!;
          sums[a * d + t]! -= v;
          sums[b * d + t]! += v;
        }
        sums[kd + a]! -= wr;
        sums[kd + b]! += wr;
      }
    },
    updateBounds(n: number) {
      let nc = 0;
      for (let r = 0; r < n; r++) {
        const a = blockLabel[r]!;
        const u = blockUpper[r]! + drift[a]!;
        const l = blockLower[r]! - lowerDrift[a]!;
        blockLower[r] = l;
        blockUpper[r] = u;
        const bound = Math.max(l, halfGap[a]!);
        if (u > bound) {
          candidate[nc] = r;
          candidateLabel[nc] = a;
          candidateBound[nc++] = bound;
        }
      }
      return nc;
    },
    filterCandidates(nc: number) {
      let m = 0;
      for (let i = 0; i < nc; i++) {
        const o = candidate[i]! * d;
        const c = candidateLabel[i]! * d;
        let sum = 0;
        for (let t = 0; t < d; t++) {
          const v = x[o + t]! - centroids[c + t]!;
          sum = t === 0 ? v * v : sum + v * v;
        }
        const u = Math.sqrt(sum);
        blockUpper[candidate[i]!] = u;
        if (u > candidateBound[i]!) {
          pending[m] = candidate[i]!;
          pendingLabel[m++] = candidateLabel[i]!;
        }
      }
      return m;
    },
  };
}
