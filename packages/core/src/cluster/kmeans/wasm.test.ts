import { afterEach, describe, expect, it } from "vitest";
import type { Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { halfNorms, lloydRange, partialLength } from "./kernels.js";
import { kmeans } from "./kmeans.js";
import { buildAssignModule, setWasmDisabled, wasmKernel, wasmLloyd } from "./wasm.js";

function normal(n: number, d: number, seed: number): Matrix {
  const random = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return { data, n, d };
}

/** The JS path's partial for rows [start, end): lloydRange with the wasm kernel switched off. */
function jsPartial(
  x: Matrix,
  k: number,
  centroids: Float64Array,
  labels: Int32Array,
  start: number,
  end: number,
) {
  setWasmDisabled(true);
  try {
    const out = new Float64Array(partialLength(k, x.d));
    const state = {
      x: x.data,
      d: x.d,
      k,
      weights: undefined,
      labels,
      upper: new Float64Array(0),
      lower: new Float64Array(0),
    };
    lloydRange(state, centroids, start, end, out, true, false);
    return out;
  } finally {
    setWasmDisabled(false);
  }
}

describe("WebAssembly SIMD Lloyd kernel", () => {
  afterEach(() => setWasmDisabled(false));

  it("builds a valid module for every supported d", () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
      .WebAssembly;
    for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 16, 32]) {
      expect(wasm.validate(buildAssignModule(d))).toBe(true);
      expect(wasmKernel(d)).not.toBeNull();
    }
    expect(wasmKernel(8)).not.toBeNull();
    expect(wasmKernel(33)).toBeNull();
  });

  for (const [d, k] of [
    [8, 8],
    [8, 5],
    [3, 4],
    [5, 7],
    [13, 2],
    [1, 3],
  ] as const) {
    it(`gives the JS path's labels, sums, counts and inertia (d = ${d}, k = ${k})`, () => {
      const n = 3000;
      const x = normal(n, d, d * 31 + k);
      const centroids = normal(k, d, 99 + k).data;
      const jsLabels = new Int32Array(n).fill(-1);
      const expected = jsPartial(x, k, centroids, jsLabels, 100, n - 7);
      const labels = new Int32Array(n).fill(-1);
      const out = new Float64Array(partialLength(k, d));
      expect(
        wasmLloyd(x.data, d, k, labels, centroids, halfNorms(centroids, k, d), 100, n - 7, out, true),
      ).toBe(true);
      expect(Array.from(labels)).toEqual(Array.from(jsLabels));
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(expected[i]!, 9);
      expect(out[k * d + k + 1]).toBe(n - 107);
      // Nothing changes on a second pass: no label moves.
      const again = new Float64Array(partialLength(k, d));
      wasmLloyd(x.data, d, k, labels, centroids, halfNorms(centroids, k, d), 100, n - 7, again, false);
      expect(again[k * d + k + 1]).toBe(0);
      expect(again[k * d + k]).toBeCloseTo(expected[k * d + k]!, 9);
    });
  }

  it("k-means with and without the kernel reaches the same labels and inertia", () => {
    const x = normal(20_000, 8, 5);
    const options = { seed: 1, nInit: 2, algorithm: "lloyd" as const, maxIter: 30 };
    const withWasm = kmeans(x, 6, options);
    setWasmDisabled(true);
    const withJs = kmeans(x, 6, options);
    setWasmDisabled(false);
    expect(withWasm.iterations).toBe(withJs.iterations);
    expect(withWasm.inertia).toBeCloseTo(withJs.inertia, 6);
    expect(Array.from(withWasm.labels)).toEqual(Array.from(withJs.labels));
  });

  it("falls back to JS (returns false) when disabled, as when WebAssembly SIMD is unavailable", () => {
    setWasmDisabled(true);
    const out = new Float64Array(partialLength(2, 8));
    const ok = wasmLloyd(
      new Float64Array(16),
      8,
      2,
      new Int32Array(2),
      new Float64Array(16),
      new Float64Array(2),
      0,
      2,
      out,
      true,
    );
    expect(ok).toBe(false);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });
});
