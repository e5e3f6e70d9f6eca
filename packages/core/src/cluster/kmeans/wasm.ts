/**
 * A WebAssembly SIMD (f64x2) kernel for the Lloyd assignment step, built as bytes here (no
 * toolchain): for d features it is unrolled over the features, holds the row as d splatted
 * f64x2 values and scores two centroids per multiply, keeping the nearest; it also adds the row
 * to its cluster's sum and count. The arithmetic is written in the same order as the JS loops in
 * kernels.ts (the d = 8 tree, or four strided partial sums otherwise), so labels, inertia and
 * sums are the same numbers as the JS path (up to the sign of an exact zero).
 *
 * Data is copied into the module's memory a block of rows at a time (one memcpy of the rows and
 * labels per block), so any Float64Array, shared or not, works. When WebAssembly SIMD is not
 * available (or the module fails to compile) `wasmLloyd` returns false and the caller runs JS.
 */

/** Feature counts the unrolled kernel is built for (keeps the module a few KB). */
export const WASM_MAX_D = 32;
const BLOCK_ROWS = 16_384;

// Value types and opcodes (WebAssembly core spec + SIMD proposal).
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Ne: 0x47,
  i32LtU: 0x49,
  f64Lt: 0x63,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f64Add: 0xa0,
  f64Mul: 0xa2,
  f64ConvertI32S: 0xb7,
} as const;
const simd = {
  load: 0x00,
  load64Splat: 0x0a,
  f64x2ExtractLane: 0x21,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

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

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

// Parameters and locals of the kernel function.
const P = {
  nRows: 0,
  kp: 1,
  offC: 2,
  offH: 3,
  offOut: 4,
  offCounts: 5,
  offLab: 6,
  offX: 7,
  accumulate: 8,
  offScalars: 9,
} as const;
const L = {
  r: 10,
  xo: 11,
  p: 12,
  co: 13,
  ho: 14,
  best: 15,
  bo: 16,
  changed: 17,
  v1: 18,
  lane: 19,
  xx: 20,
  dist: 21,
  inertia: 22,
  s0: 23,
  v: 27,
  xs: 28,
} as const;

/**
 * The kernel for d features:
 * assign(nRows, kp, offC, offH, offOut, offCounts, offLab, offX, accumulate, offScalars).
 * Centroids at offC as kp pairs, each d f64x2 values (feature t of centroids 2p and 2p+1);
 * half-norms at offH as kp f64x2; sums (k*d) at offOut and counts (k) at offCounts, added to;
 * labels (i32, old in, new out) at offLab; rows at offX; offScalars holds [inertia f64,
 * changed f64], added to.
 */
export function buildAssignModule(d: number): Uint8Array {
  const c: number[] = [];
  const get = (i: number) => c.push(op.localGet, ...uleb(i));
  const set = (i: number) => c.push(op.localSet, ...uleb(i));
  const i32c = (v: number) => c.push(op.i32Const, ...sleb(v));
  const f64c = (v: number) => {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    c.push(op.f64Const, ...b);
  };
  const mem = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
  const s = (o: number, ...rest: number[]) => c.push(0xfd, ...uleb(o), ...rest);

  // inertia = changed = 0; r = 0; xo = offX
  f64c(0);
  set(L.inertia);
  i32c(0);
  set(L.changed);
  i32c(0);
  set(L.r);
  get(P.offX);
  set(L.xo);
  c.push(op.block, 0x40); // exit if nRows == 0
  get(L.r);
  get(P.nRows);
  c.push(op.i32LtU, 0x45 /* i32.eqz */, op.brIf, 0);
  c.push(op.loop, 0x40); // rows
  for (let t = 0; t < d; t++) {
    get(L.xo);
    s(simd.load64Splat, ...mem(3, t * 8));
    set(L.xs + t);
  }
  i32c(0);
  set(L.best);
  f64c(Number.POSITIVE_INFINITY);
  set(L.v1);
  i32c(0);
  set(L.p);
  get(P.offC);
  set(L.co);
  get(P.offH);
  set(L.ho);
  c.push(op.loop, 0x40); // centroid pairs
  const prod = (t: number) => {
    get(L.xs + t);
    get(L.co);
    s(simd.load, ...mem(3, t * 16));
    s(simd.f64x2Mul);
  };
  if (d === 8) {
    // ((x0c0 + x1c1) + x2c2) + x3c3 + (((x4c4 + x5c5) + x6c6) + x7c7), as in kernels.ts
    prod(0);
    prod(1);
    s(simd.f64x2Add);
    prod(2);
    s(simd.f64x2Add);
    prod(3);
    s(simd.f64x2Add);
    prod(4);
    prod(5);
    s(simd.f64x2Add);
    prod(6);
    s(simd.f64x2Add);
    prod(7);
    s(simd.f64x2Add);
    s(simd.f64x2Add);
  } else {
    // four strided partial sums s0..s3 over t < d - d % 4, the tail into s0, (s0 + s1) + (s2 + s3)
    const d4 = d - (d % 4);
    const started = [false, false, false, false];
    const addTo = (m: number, t: number) => {
      if (started[m]) {
        get(L.s0 + m);
        prod(t);
        s(simd.f64x2Add);
      } else {
        prod(t);
        started[m] = true;
      }
      set(L.s0 + m);
    };
    for (let t = 0; t < d4; t += 4) for (let m = 0; m < 4; m++) addTo(m, t + m);
    for (let t = d4; t < d; t++) addTo(0, t);
    const term = (m: number) => {
      if (started[m]) get(L.s0 + m);
      else c.push(0xfd, ...uleb(0x0c), ...new Array(16).fill(0)); // v128.const 0
    };
    term(0);
    term(1);
    s(simd.f64x2Add);
    term(2);
    term(3);
    s(simd.f64x2Add);
    s(simd.f64x2Add);
  }
  set(L.v);
  get(L.ho);
  s(simd.load, ...mem(3, 0));
  get(L.v);
  s(simd.f64x2Sub);
  set(L.v);
  // best = 2p + lane and v1 = lane where lane < v1 (a branch: measured faster than select here).
  for (let lane = 0; lane < 2; lane++) {
    get(L.v);
    s(simd.f64x2ExtractLane, lane);
    c.push(op.localTee, ...uleb(L.lane));
    get(L.v1);
    c.push(op.f64Lt, op.if, 0x40);
    get(L.lane);
    set(L.v1);
    get(L.p);
    i32c(1);
    c.push(0x74 /* i32.shl */);
    if (lane === 1) {
      i32c(1);
      c.push(op.i32Add);
    }
    set(L.best);
    c.push(op.end);
  }
  get(L.co);
  i32c(d * 16);
  c.push(op.i32Add);
  set(L.co);
  get(L.ho);
  i32c(16);
  c.push(op.i32Add);
  set(L.ho);
  get(L.p);
  i32c(1);
  c.push(op.i32Add, op.localTee, ...uleb(L.p));
  get(P.kp);
  c.push(op.i32LtU, op.brIf, 0, op.end); // end pairs loop
  // xx, in the JS order
  const sq = (t: number) => {
    get(L.xo);
    c.push(op.f64Load, ...mem(3, t * 8));
    get(L.xo);
    c.push(op.f64Load, ...mem(3, t * 8), op.f64Mul);
  };
  if (d === 8) {
    sq(0);
    sq(1);
    c.push(op.f64Add);
    sq(2);
    c.push(op.f64Add);
    sq(3);
    c.push(op.f64Add);
    sq(4);
    sq(5);
    c.push(op.f64Add);
    sq(6);
    c.push(op.f64Add);
    sq(7);
    c.push(op.f64Add, op.f64Add);
  } else {
    f64c(0);
    for (let t = 0; t < d; t++) {
      sq(t);
      c.push(op.f64Add);
    }
  }
  set(L.xx);
  // dist = xx + 2 v1, clamped at 0
  get(L.xx);
  f64c(2);
  get(L.v1);
  c.push(op.f64Mul, op.f64Add, op.localTee, ...uleb(L.dist));
  f64c(0);
  c.push(op.f64Lt, op.if, 0x40);
  f64c(0);
  set(L.dist);
  c.push(op.end);
  get(L.inertia);
  get(L.dist);
  c.push(op.f64Add);
  set(L.inertia);
  // labels
  get(P.offLab);
  get(L.r);
  i32c(4);
  c.push(op.i32Mul, op.i32Add, op.localTee, ...uleb(L.bo));
  c.push(op.i32Load, ...mem(2, 0));
  get(L.best);
  c.push(op.i32Ne, op.if, 0x40);
  get(L.bo);
  get(L.best);
  c.push(op.i32Store, ...mem(2, 0));
  get(L.changed);
  i32c(1);
  c.push(op.i32Add);
  set(L.changed);
  c.push(op.end);
  // sums and counts
  get(P.accumulate);
  c.push(op.if, 0x40);
  get(P.offOut);
  get(L.best);
  i32c(d * 8);
  c.push(op.i32Mul, op.i32Add);
  set(L.bo);
  for (let t = 0; t < d; t++) {
    get(L.bo);
    get(L.bo);
    c.push(op.f64Load, ...mem(3, t * 8));
    get(L.xo);
    c.push(op.f64Load, ...mem(3, t * 8), op.f64Add, op.f64Store, ...mem(3, t * 8));
  }
  get(P.offCounts);
  get(L.best);
  i32c(8);
  c.push(op.i32Mul, op.i32Add);
  c.push(op.localTee, ...uleb(L.bo));
  get(L.bo);
  c.push(op.f64Load, ...mem(3, 0));
  f64c(1);
  c.push(op.f64Add, op.f64Store, ...mem(3, 0));
  c.push(op.end);
  // next row
  get(L.xo);
  i32c(d * 8);
  c.push(op.i32Add);
  set(L.xo);
  get(L.r);
  i32c(1);
  c.push(op.i32Add, op.localTee, ...uleb(L.r));
  get(P.nRows);
  c.push(op.i32LtU, op.brIf, 0, op.end, op.end); // end rows loop, end block
  // scalars: inertia and changed, added to
  get(P.offScalars);
  get(P.offScalars);
  c.push(op.f64Load, ...mem(3, 0));
  get(L.inertia);
  c.push(op.f64Add, op.f64Store, ...mem(3, 0));
  get(P.offScalars);
  get(P.offScalars);
  c.push(op.f64Load, ...mem(3, 8));
  get(L.changed);
  c.push(op.f64ConvertI32S, op.f64Add, op.f64Store, ...mem(3, 8));
  c.push(op.end);

  const locals = vec([
    [...uleb(8), I32],
    [...uleb(5), F64],
    [...uleb(5 + d), V128],
  ]);
  const body = [...locals, ...c];
  const params = new Array(10).fill(I32);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(
      7,
      vec([
        [...name("assign"), 0x00, 0],
        [...name("mem"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

type AssignFn = (...args: number[]) => void;
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
interface Kernel {
  readonly assign: AssignFn;
  readonly memory: WasmMemory;
}

const kernels = new Map<number, Kernel | null>();
let disabled = false;

/** Turns the WebAssembly kernel off (true) or back on, e.g. to compare it with the JS path. */
export function setWasmDisabled(value: boolean): void {
  disabled = value;
}

/** The compiled kernel for d features, or null when WebAssembly SIMD is unavailable. */
export function wasmKernel(d: number): Kernel | null {
  if (disabled || d < 1 || d > WASM_MAX_D) return null;
  let kernel = kernels.get(d);
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = buildAssignModule(d);
    if (wasm?.validate(bytes)) {
      const instance = new wasm.Instance(new wasm.Module(bytes), {});
      kernel = {
        assign: instance.exports.assign as AssignFn,
        memory: instance.exports.mem as WasmMemory,
      };
    }
  } catch {
    kernel = null;
  }
  kernels.set(d, kernel);
  return kernel;
}

/**
 * Lloyd assignment of rows [start, end) with unit weights via the wasm kernel: writes labels,
 * adds sums and counts (when `accumulate`), inertia and changed-label count into `out`
 * (layout of kernels.ts `partialLength`). Returns false (doing nothing) when the kernel is
 * unavailable for this d.
 */
export function wasmLloyd(
  x: Float64Array,
  d: number,
  k: number,
  labels: Int32Array,
  centroids: Float64Array,
  hn: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  accumulate: boolean,
): boolean {
  const kernel = wasmKernel(d);
  if (kernel === null) return false;
  const kp = (k + 1) >> 1;
  const kd = k * d;
  const block = Math.min(BLOCK_ROWS, Math.max(0, end - start));
  const offC = 0;
  const offH = offC + kp * d * 16;
  const offOut = offH + kp * 16;
  const offCounts = offOut + kd * 8;
  const offScalars = offCounts + k * 8;
  const offLab = offScalars + 16;
  const offX = offLab + ((block * 4 + 15) & ~15);
  const need = offX + block * d * 8;
  const memory = kernel.memory;
  if (memory.buffer.byteLength < need) {
    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65_536));
  }
  const buf = memory.buffer;
  const f = new Float64Array(buf);
  // centroid pairs: value (p, t, lane) = centroid 2p + lane, feature t; a missing odd one is 0 with half-norm +inf
  for (let p = 0; p < kp; p++) {
    for (let lane = 0; lane < 2; lane++) {
      const j = 2 * p + lane;
      for (let t = 0; t < d; t++) f[(offC >> 3) + (p * d + t) * 2 + lane] = j < k ? centroids[j * d + t]! : 0;
      f[(offH >> 3) + p * 2 + lane] = j < k ? hn[j]! : Number.POSITIVE_INFINITY;
    }
  }
  f.set(out.subarray(0, kd + k), offOut >> 3);
  f[offScalars >> 3] = 0;
  f[(offScalars >> 3) + 1] = 0;
  const lab = new Int32Array(buf, offLab, block);
  const xs = new Float64Array(buf, offX, block * d);
  for (let s = start; s < end; s += block) {
    const rows = Math.min(block, end - s);
    lab.set(labels.subarray(s, s + rows));
    xs.set(x.subarray(s * d, (s + rows) * d));
    kernel.assign(rows, kp, offC, offH, offOut, offCounts, offLab, offX, accumulate ? 1 : 0, offScalars);
    labels.set(lab.subarray(0, rows), s);
  }
  out.set(f.subarray(offOut >> 3, (offOut >> 3) + kd + k), 0);
  out[kd + k]! += f[offScalars >> 3]!;
  out[kd + k + 1]! += f[(offScalars >> 3) + 1]!;
  return true;
}
