/**
 * t-SNE's two inner loops as WebAssembly SIMD (f64x2), built as bytes here (no toolchain), each
 * with a plain JS twin that runs when WebAssembly SIMD is missing and gives the same bits:
 *
 * - `sums` (twin in repulsion.ts): for a group's points and its Barnes-Hut interaction list
 *   (x, y, weight per entry), per point z_i = sum w q and sum w q^2 (y_i - y_e), with
 *   q = 1 / (1 + |y_i - y_e|^2). Each f64x2 lane is one point, two vectors (four points) per pass
 *   over the list, so an entry is loaded (splatted) once for four points and two independent
 *   chains of divisions keep the unit busy.
 * - `attract` (twin in tsne-steps.ts): the attraction along P's upper triangle, one point's (x, y) per
 *   f64x2, scattered to both ends of each pair.
 *
 * Every lane does the operations of the JS loop in the same order (((1 + dx dx) + dy dy), then w q,
 * then (w q) q), and wasm has no fused multiply-add, so both paths agree to the bit. In `sums` the
 * points t and t + 2 of each group of four share one division (q_t = s_{t+2} / (s_t s_{t+2}) and the
 * other way round, s = 1 + |y_i - y_e|^2): the division is the slow unit, and the JS twin pairs the
 * same points, reading past the group's end as the kernel does.
 */

import { I32, uleb, V128, vec, wasmModule } from "../wasm/assemble.js";

/** sums(x, y, fx, fy, z, quads, list, len): byte addresses, `quads` groups of four points. */
function sumsBody(): number[] {
  const P = { x: 0, y: 1, fx: 2, fy: 3, z: 4, quads: 5, list: 6, len: 7 };
  const e = 8;
  const end = 9;
  // v128 locals: per vector A/B the points, differences, q, sums; the entry; a temporary.
  const V = {
    xa: 10,
    xb: 11,
    ya: 12,
    yb: 13,
    ex: 14,
    ey: 15,
    w: 16,
    dxa: 17,
    dya: 18,
    dxb: 19,
    dyb: 20,
    qa: 21,
    qb: 22,
    za: 23,
    zb: 24,
    fxa: 25,
    fxb: 26,
    fya: 27,
    fyb: 28,
    t: 29,
    r: 30,
  };
  const b: number[] = [];
  const get = (l: number) => b.push(0x20, ...uleb(l));
  const set = (l: number) => b.push(0x21, ...uleb(l));
  const simd = (op: number) => b.push(0xfd, ...uleb(op));
  const vload = (offset: number) => b.push(0xfd, 0x00, 3, ...uleb(offset));
  const vstore = (offset: number) => b.push(0xfd, 0x0b, 3, ...uleb(offset));
  const splat = (offset: number) => b.push(0xfd, 0x0a, 3, ...uleb(offset));
  const f64x2 = (value: number) => {
    b.push(0xfd, 0x0c, ...new Uint8Array(new Float64Array([value, value]).buffer));
  };
  const add = () => simd(0xf0);
  const sub = () => simd(0xf1);
  const mul = () => simd(0xf2);
  const div = () => simd(0xf3);
  const bump = (l: number, step: number) => {
    get(l);
    b.push(0x41, ...uleb(step), 0x6a); // i32.const step; i32.add
    set(l);
  };

  // end = list + 24 len
  get(P.list);
  get(P.len);
  b.push(0x41, 24, 0x6c, 0x6a); // i32.const 24; i32.mul; i32.add
  set(end);
  b.push(0x03, 0x40); // loop over groups of four points
  for (const [l, p, off] of [
    [V.xa, P.x, 0],
    [V.xb, P.x, 16],
    [V.ya, P.y, 0],
    [V.yb, P.y, 16],
  ] as const) {
    get(p);
    vload(off);
    set(l);
  }
  for (const l of [V.za, V.zb, V.fxa, V.fxb, V.fya, V.fyb]) {
    f64x2(0);
    set(l);
  }
  get(P.list);
  set(e);
  b.push(0x03, 0x40); // loop over the list (never empty: a group lists its own points)
  get(e);
  splat(0);
  set(V.ex);
  get(e);
  splat(8);
  set(V.ey);
  get(e);
  splat(16);
  set(V.w);
  for (const [px, py, dx, dy, q] of [
    [V.xa, V.ya, V.dxa, V.dya, V.qa],
    [V.xb, V.yb, V.dxb, V.dyb, V.qb],
  ] as const) {
    get(px);
    get(V.ex);
    sub();
    set(dx);
    get(py);
    get(V.ey);
    sub();
    set(dy);
    // s = (1 + dx dx) + dy dy, kept in q for now
    f64x2(1);
    get(dx);
    get(dx);
    mul();
    add();
    get(dy);
    get(dy);
    mul();
    add();
    set(q);
  }
  // One division for both vectors: r = 1 / (sa sb), qa = sb r, qb = sa r.
  f64x2(1);
  get(V.qa);
  get(V.qb);
  mul();
  div();
  set(V.r);
  get(V.qb);
  get(V.r);
  mul();
  set(V.t);
  get(V.qa);
  get(V.r);
  mul();
  set(V.qb);
  get(V.t);
  set(V.qa);
  for (const [dx, dy, q, z, fx, fy] of [
    [V.dxa, V.dya, V.qa, V.za, V.fxa, V.fya],
    [V.dxb, V.dyb, V.qb, V.zb, V.fxb, V.fyb],
  ] as const) {
    // t = w q; z += t; t = t q; fx += t dx; fy += t dy
    get(V.w);
    get(q);
    mul();
    set(V.t);
    get(z);
    get(V.t);
    add();
    set(z);
    get(V.t);
    get(q);
    mul();
    set(V.t);
    get(fx);
    get(V.t);
    get(dx);
    mul();
    add();
    set(fx);
    get(fy);
    get(V.t);
    get(dy);
    mul();
    add();
    set(fy);
  }
  bump(e, 24);
  get(e);
  get(end);
  b.push(0x49, 0x0d, 0, 0x0b); // i32.lt_u; br_if 0; end (list loop)
  for (const [p, a, c] of [
    [P.fx, V.fxa, V.fxb],
    [P.fy, V.fya, V.fyb],
    [P.z, V.za, V.zb],
  ] as const) {
    get(p);
    get(a);
    vstore(0);
    get(p);
    get(c);
    vstore(16);
  }
  for (const p of [P.x, P.y, P.fx, P.fy, P.z]) bump(p, 32);
  get(P.quads);
  b.push(0x41, 1, 0x6b); // i32.const 1; i32.sub
  b.push(0x22, ...uleb(P.quads)); // local.tee quads
  b.push(0x0d, 0, 0x0b); // br_if 0; end (group loop)
  b.push(0x0b); // end function
  return [
    ...vec([
      [...uleb(2), I32],
      [...uleb(21), V128],
    ]),
    ...b,
  ];
}

/**
 * attract(from, to, y, out, rowStart, cols, vals): for each row i in [from, to) and each stored pair
 * (i, j) (the upper triangle of P), f = p_ij q_ij (y_i - y_j) added to row i's sum and taken from
 * out[j]; then out[i] += the row's sum. Byte addresses; y and out hold (x, y) per point, one f64x2
 * each.
 */
function attractBody(): number[] {
  const P = { from: 0, to: 1, y: 2, out: 3, start: 4, cols: 5, vals: 6 };
  const L = { i: 7, t: 8, end: 9, a: 10 };
  const V = { yi: 11, acc: 12, d: 13, sq: 14, f: 15 };
  const b: number[] = [];
  const get = (l: number) => b.push(0x20, ...uleb(l));
  const set = (l: number) => b.push(0x21, ...uleb(l));
  const simd = (op: number, ...imm: number[]) => b.push(0xfd, ...uleb(op), ...imm);
  const i32 = (v: number) => b.push(0x41, ...uleb(v));
  // address = base + (index << shift)
  const address = (base: number, index: number, shift: number) => {
    get(base);
    get(index);
    i32(shift);
    b.push(0x74, 0x6a); // i32.shl; i32.add
  };
  get(P.from);
  set(L.i);
  b.push(0x02, 0x40); // block
  get(L.i);
  get(P.to);
  b.push(0x4f, 0x0d, 0); // i32.ge_u; br_if 0
  b.push(0x03, 0x40); // loop over rows
  address(P.y, L.i, 4);
  simd(0x00, 3, 0); // v128.load
  set(V.yi);
  simd(0x0c, ...new Array(16).fill(0)); // v128.const 0
  set(V.acc);
  address(P.start, L.i, 2);
  b.push(0x28, 2, 0); // i32.load
  set(L.t);
  address(P.start, L.i, 2);
  b.push(0x28, 2, 4); // i32.load offset 4
  set(L.end);
  b.push(0x02, 0x40); // block
  get(L.t);
  get(L.end);
  b.push(0x4f, 0x0d, 0); // i32.ge_u; br_if 0
  b.push(0x03, 0x40); // loop over the row's pairs
  // d = y_i - y_j
  get(V.yi);
  get(P.y);
  address(P.cols, L.t, 2);
  b.push(0x28, 2, 0); // i32.load: j
  i32(4);
  b.push(0x74, 0x6a); // << 4; + y
  simd(0x00, 3, 0);
  simd(0xf1); // f64x2.sub
  set(V.d);
  get(V.d);
  get(V.d);
  simd(0xf2); // f64x2.mul
  set(V.sq);
  // pq = p / ((1 + dx dx) + dy dy)
  address(P.vals, L.t, 3);
  b.push(0x2b, 3, 0); // f64.load
  b.push(0x44, ...new Uint8Array(new Float64Array([1]).buffer)); // f64.const 1
  get(V.sq);
  simd(0x21, 0); // f64x2.extract_lane 0
  b.push(0xa0); // f64.add
  get(V.sq);
  simd(0x21, 1); // f64x2.extract_lane 1
  b.push(0xa0, 0xa3); // f64.add; f64.div
  simd(0x14); // f64x2.splat
  get(V.d);
  simd(0xf2); // f = pq d (the same product either way round)
  set(V.f);
  get(V.acc);
  get(V.f);
  simd(0xf0); // f64x2.add
  set(V.acc);
  // out[j] -= f
  get(P.out);
  address(P.cols, L.t, 2);
  b.push(0x28, 2, 0);
  i32(4);
  b.push(0x74, 0x6a);
  b.push(0x22, ...uleb(L.a)); // local.tee a
  get(L.a);
  simd(0x00, 3, 0);
  get(V.f);
  simd(0xf1);
  simd(0x0b, 3, 0); // v128.store
  get(L.t);
  i32(1);
  b.push(0x6a, 0x22, ...uleb(L.t)); // t + 1, tee t
  get(L.end);
  b.push(0x49, 0x0d, 0, 0x0b, 0x0b); // i32.lt_u; br_if 0; end loop; end block
  // out[i] += acc
  address(P.out, L.i, 4);
  b.push(0x22, ...uleb(L.a));
  get(L.a);
  simd(0x00, 3, 0);
  get(V.acc);
  simd(0xf0);
  simd(0x0b, 3, 0);
  get(L.i);
  i32(1);
  b.push(0x6a, 0x22, ...uleb(L.i));
  get(P.to);
  b.push(0x49, 0x0d, 0, 0x0b, 0x0b); // i32.lt_u; br_if 0; end loop; end block
  b.push(0x0b); // end function
  return [
    ...vec([
      [...uleb(4), I32],
      [...uleb(5), V128],
    ]),
    ...b,
  ];
}

function buildModule(): Uint8Array {
  return wasmModule([
    { name: "sums", params: 8, body: sumsBody() },
    { name: "attract", params: 7, body: attractBody() },
  ]);
}

/** The part of the WebAssembly JS API used here (core has no DOM or Node typings in src). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
type Sums = (
  x: number,
  y: number,
  fx: number,
  fy: number,
  z: number,
  quads: number,
  list: number,
  len: number,
) => void;

type Attract = (
  from: number,
  to: number,
  y: number,
  out: number,
  start: number,
  cols: number,
  vals: number,
) => void;
interface Compiled {
  readonly sums: Sums;
  readonly attract: Attract;
  readonly memory: WasmMemory;
}
let compiled: Compiled | null | undefined;
let disabled = false;

/** Turns the WebAssembly kernel off (true) or back on, e.g. to compare it with the JS loop. */
export function setTsneWasmDisabled(value: boolean): void {
  disabled = value;
}

function compile(): Compiled | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = buildModule();
    if (wasm?.validate(bytes)) {
      const { sums, attract, mem } = new wasm.Instance(new wasm.Module(bytes), {}).exports;
      compiled = { sums: sums as Sums, attract: attract as Attract, memory: mem as WasmMemory };
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * Views into the module's memory for one map of n points: the group's points in tree order
 * (`px`, `py`, copied group by group as `repulsion` sums them), the interaction list (x, y, weight per entry; room
 * for n entries, the most a list can hold since its entries partition the points) and the sums per
 * point in tree order. One module per thread: a kernel is valid until the next `repulsionKernel`.
 */
export interface RepulsionKernel {
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly entries: Float64Array;
  readonly fx: Float64Array;
  readonly fy: Float64Array;
  readonly z: Float64Array;
  /** Sums for the points [start, start + count) against the first `len` entries. */
  sums(start: number, count: number, len: number): void;
}

/**
 * The attraction of t-SNE's gradient in the module's memory: the map `y` (x, y per point; the
 * optimiser works on this view directly), P's upper triangle in compressed rows (`rowStart`,
 * `cols`, `vals`, filled once) and `out`, which `attract(from, to)` overwrites with the pairs of
 * the rows [from, to): sum_j p_ij q_ij (y_i - y_j) per point over those pairs (both ends), the
 * same bits as the JS loop in tsne-steps.ts.
 */
export interface AttractionKernel {
  readonly y: Float64Array;
  readonly out: Float64Array;
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
  attract(from?: number, to?: number): void;
}

/**
 * Both kernels of a t-SNE map of n points with `pairs` stored pairs of P, in one module memory; null
 * when WebAssembly SIMD is unavailable or turned off. Valid until the next call on this thread.
 */
export function tsneKernels(
  n: number,
  pairs: number,
): { repulsion: RepulsionKernel; attraction: AttractionKernel } | null {
  if (disabled) return null;
  const module = compile();
  if (module === null) return null;
  const repulsionBytes = align16(repulsionRegion(n));
  const bytes = repulsionBytes + 16 * n * 2 + 8 * pairs + 4 * (n + 1) + 4 * pairs + 64;
  const repulsion = repulsionKernel(n, bytes);
  if (repulsion === null) return null;
  const buffer = module.memory.buffer;
  let at = repulsionBytes;
  const y = new Float64Array(buffer, at, 2 * n);
  at += 16 * n;
  const out = new Float64Array(buffer, at, 2 * n);
  at += 16 * n;
  const vals = new Float64Array(buffer, at, pairs);
  at += 8 * pairs;
  const rowStart = new Int32Array(buffer, at, n + 1);
  at += 4 * (n + 1);
  const cols = new Int32Array(buffer, at, pairs);
  const { attract } = module;
  const attraction: AttractionKernel = {
    y,
    out,
    rowStart,
    cols,
    vals,
    attract(from = 0, to = n) {
      out.fill(0);
      attract(from, to, y.byteOffset, out.byteOffset, rowStart.byteOffset, cols.byteOffset, vals.byteOffset);
    },
  };
  return { repulsion, attraction };
}

const align16 = (b: number) => (b + 15) & ~15;
/** Four spare values per array: the last group of four may run past n. */
const strideOf = (n: number) => 8 * (n + 4) + 16;
const repulsionRegion = (n: number) => 5 * strideOf(n) + 24 * Math.max(n, 1);

/** The kernel for maps of n points, or null when WebAssembly SIMD is unavailable or turned off. */
export function repulsionKernel(n: number, bytes = repulsionRegion(n)): RepulsionKernel | null {
  if (disabled) return null;
  const module = compile();
  if (module === null) return null;
  const stride = strideOf(n);
  const pages = Math.ceil(bytes / 65536) - module.memory.buffer.byteLength / 65536;
  if (pages > 0) module.memory.grow(pages);
  const buffer = module.memory.buffer;
  const view = (k: number, length: number) => new Float64Array(buffer, k * stride, length);
  const px = view(0, n + 4);
  const py = view(1, n + 4);
  const fx = view(2, n + 4);
  const fy = view(3, n + 4);
  const z = view(4, n + 4);
  px.fill(0);
  py.fill(0);
  const entries = new Float64Array(buffer, 5 * stride, 3 * Math.max(n, 1));
  const { sums } = module;
  const listAt = 5 * stride;
  return {
    px,
    py,
    entries,
    fx,
    fy,
    z,
    sums(start, count, len) {
      const at = 8 * start;
      sums(at, stride + at, 2 * stride + at, 3 * stride + at, 4 * stride + at, (count + 3) >> 2, listAt, len);
    },
  };
}
