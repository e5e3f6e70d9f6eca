/**
 * A small WebAssembly assembler: the binary format's encodings and the one module shape Strata's
 * kernels share (k-means scans, k-means++ seeding, t-SNE sums): functions of i32 parameters (byte
 * offsets and counts) over one exported memory. The kernels write their bodies themselves.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function name(s: string): number[] {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

export interface WasmFunction {
  /** Its export name. */
  name: string;
  /** How many i32 parameters it takes. */
  params: number;
  /** Whether it returns one i32. */
  returnsI32?: boolean;
  /** Its body: local declarations, then the code, ending with `end` (0x0b). */
  body: number[];
}

/** A module of `functions` (exported by name, in order) and one memory of at least a page, exported as "mem". */
export function wasmModule(functions: ReadonlyArray<WasmFunction>): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vec(new Array(f.params).fill([I32])),
    ...vec(f.returnsI32 ? [[I32]] : []),
  ]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(
      7,
      vec([...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), [...name("mem"), 0x02, 0]]),
    ),
    ...section(10, vec(functions.map((f) => [...uleb(f.body.length), ...f.body]))),
  ]);
}
