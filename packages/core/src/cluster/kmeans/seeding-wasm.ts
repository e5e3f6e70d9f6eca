/**
 * The k-means++ seeding kernel: the two passes over every row that each seeding step makes, in
 * WebAssembly SIMD (f64x2), built as bytes at run time like the iterations' kernel (wasm.ts).
 *
 * - `potentials`: for each of T candidates, the sum over the rows of
 *   (weight x) min(squared distance to the candidate, squared distance to the nearest centroid
 *   chosen so far), i.e. the potential if that candidate were chosen;
 * - `update`: each row's squared distance to the nearest chosen centroid, after a new one.
 *
 * A batch of rows is copied into the module's memory; each f64x2 lane is one row of a pair (the
 * pair's values are interleaved in registers, not in memory), the candidates' values sit in
 * memory already splatted, and every lane does the same work: no branches on the data. Each
 * distance is summed feature 0 first, (x - c)^2 at a time, exactly as the scalar loop in init.ts
 * sums it, so the distances are the same bits; the potentials are summed in another order (even
 * and odd rows apart, batch by batch), so a near-tie between two candidates can go the other way
 * than in the scalar loop: equally valid centroids, not the same ones.
 */
import { I32, uleb, V128, vec, wasmModule } from "../../wasm/assemble.js";
import { Code, type WasmApi, type WasmMemory } from "./wasm.js";

/** Feature counts the kernel is built for (the rows' values of a pair stay in registers). */
export const SEEDING_WASM_MAX_D = 16;
/** Rows per batch: 128 KB of rows, even. */
export function seedingBatchRows(d: number): number {
  return Math.max(2, Math.floor((128 * 1024) / (8 * d)) & ~1);
}

type Pass = (...args: number[]) => void;

export interface SeedingKernel {
  /** potentials(pairs, offX, offClosest, nCandidates, offCandidates, offOut) */
  readonly potentials: Pass;
  /** potentialsWeighted(pairs, offX, offClosest, offW, nCandidates, offCandidates, offOut) */
  readonly potentialsWeighted: Pass;
  /** update(pairs, offX, offClosest, offChosen) */
  readonly update: Pass;
  readonly memory: WasmMemory;
}

/**
 * Loads the 2 rows of the pair at local `xo` (d values each, rowBytes apart) into the v128
 * locals v0 .. v0 + d - 1, feature t of both rows in local v0 + t.
 */
function loadPair(c: Code, d: number, xo: number, v0: number, a: number, b: number): void {
  const rowBytes = 8 * d;
  for (let t = 0; t + 1 < d; t += 2) {
    c.get(xo)
      .vload(t * 8)
      .set(a);
    c.get(xo)
      .vload(rowBytes + t * 8)
      .set(b);
    c.get(a)
      .get(b)
      .interleave(false)
      .set(v0 + t);
    c.get(a)
      .get(b)
      .interleave(true)
      .set(v0 + t + 1);
  }
  if (d % 2 === 1) {
    const t = d - 1;
    c.get(xo)
      .splatLoad(t * 8)
      .get(xo)
      .f64load(rowBytes + t * 8)
      .simd(0x22, 1) // f64x2.replace_lane 1
      .set(v0 + t);
  }
}

/** acc = sum over t of (v_t - candidate_t)^2, feature 0 first; the candidate's splatted values at local `cp`. */
function distance(c: Code, d: number, cp: number, v0: number, e: number, acc: number): void {
  for (let t = 0; t < d; t++) {
    c.get(v0 + t)
      .get(cp)
      .vload(t * 16)
      .sub()
      .set(e);
    if (t === 0) c.get(e).get(e).mul().set(acc);
    else c.get(acc).get(e).get(e).mul().add().set(acc);
  }
}

const f64x2Min = (c: Code) => c.simd(0xf4);
/** local += step (i32). */
const bump = (c: Code, l: number, step: number) => c.get(l).i32(step).op(0x6a).set(l);
/** local = local + 1; loop again while local < limit (unsigned); end of the loop. */
const next = (c: Code, l: number, limit: number) =>
  c.get(l).i32(1).op(0x6a).tee(l).get(limit).op(0x49, 0x0d, 0, 0x0b);

function potentialsBody(d: number, weighted: boolean): number[] {
  const c = new Code();
  const P = weighted
    ? { np: 0, offX: 1, offCl: 2, offW: 3, nCand: 4, offCand: 5, offOut: 6 }
    : { np: 0, offX: 1, offCl: 2, offW: -1, nCand: 3, offCand: 4, offOut: 5 };
  const first = weighted ? 7 : 6;
  const [q, xo, clo, wo, j, cp, op] = [0, 1, 2, 3, 4, 5, 6].map((i) => first + i) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const v0 = first + 7;
  const [a, b, cl, w, acc, e] = [0, 1, 2, 3, 4, 5].map((i) => v0 + d + i) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  c.op(0x02, 0x40); // block $exit
  c.get(P.np).op(0x45, 0x0d, 0); // br_if $exit (no pairs)
  c.i32(0).set(q);
  c.get(P.offX).set(xo);
  c.get(P.offCl).set(clo);
  if (weighted) c.get(P.offW).set(wo);
  c.op(0x03, 0x40); // loop over pairs
  loadPair(c, d, xo, v0, a, b);
  c.get(clo).vload(0).set(cl);
  if (weighted) c.get(wo).vload(0).set(w);
  c.i32(0).set(j);
  c.get(P.offCand).set(cp);
  c.get(P.offOut).set(op);
  c.op(0x03, 0x40); // loop over candidates
  distance(c, d, cp, v0, e, acc);
  c.get(acc).get(cl);
  f64x2Min(c);
  if (weighted) c.get(w).mul();
  c.set(e);
  c.get(op).get(op).vload(0).get(e).add().vstore(0);
  bump(c, cp, 16 * d);
  bump(c, op, 16);
  next(c, j, P.nCand);
  bump(c, xo, 16 * d);
  bump(c, clo, 16);
  if (weighted) bump(c, wo, 16);
  next(c, q, P.np);
  c.op(0x0b); // end block
  c.op(0x0b); // end function
  return [
    ...vec([
      [...uleb(7), I32],
      [...uleb(d + 6), V128],
    ]),
    ...c.bytes,
  ];
}

function updateBody(d: number): number[] {
  const c = new Code();
  const P = { np: 0, offX: 1, offCl: 2, offChosen: 3 };
  const [q, xo, clo] = [4, 5, 6];
  const v0 = 7;
  const [a, b, acc, e] = [v0 + d, v0 + d + 1, v0 + d + 2, v0 + d + 3];
  c.op(0x02, 0x40);
  c.get(P.np).op(0x45, 0x0d, 0);
  c.i32(0).set(q);
  c.get(P.offX).set(xo);
  c.get(P.offCl).set(clo);
  c.op(0x03, 0x40);
  loadPair(c, d, xo, v0, a, b);
  distance(c, d, P.offChosen, v0, e, acc);
  c.get(clo).get(acc).get(clo).vload(0);
  f64x2Min(c);
  c.vstore(0);
  bump(c, xo, 16 * d);
  bump(c, clo, 16);
  next(c, q, P.np);
  c.op(0x0b);
  c.op(0x0b);
  return [
    ...vec([
      [...uleb(3), I32],
      [...uleb(d + 4), V128],
    ]),
    ...c.bytes,
  ];
}

export function buildSeedingModule(d: number): Uint8Array {
  return wasmModule([
    { name: "potentials", params: 6, body: potentialsBody(d, false) },
    { name: "potentialsWeighted", params: 7, body: potentialsBody(d, true) },
    { name: "update", params: 4, body: updateBody(d) },
  ]);
}

const modules = new Map<number, object | null>();
let isDisabled = false;

/** Turns the WebAssembly seeding kernel off (true) or back on, e.g. to compare it with the JS loop. */
export function setSeedingWasmDisabled(value: boolean): void {
  isDisabled = value;
}

/**
 * A fresh instance of the kernel for d features (its own memory, freed with it once the seeding
 * is done), or undefined when WebAssembly SIMD is unavailable. The module is compiled once per d.
 */
export function seedingKernel(d: number): SeedingKernel | undefined {
  if (isDisabled || d < 1 || d > SEEDING_WASM_MAX_D) return undefined;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return undefined;
  let module = modules.get(d);
  if (module === undefined) {
    module = null;
    try {
      const bytes = buildSeedingModule(d);
      if (wasm.validate(bytes)) module = new wasm.Module(bytes);
    } catch {
      module = null;
    }
    modules.set(d, module);
  }
  if (module === null) return undefined;
  const { potentials, potentialsWeighted, update, mem } = new wasm.Instance(module, {}).exports;
  return {
    potentials: potentials as Pass,
    potentialsWeighted: potentialsWeighted as Pass,
    update: update as Pass,
    memory: mem as WasmMemory,
  };
}
