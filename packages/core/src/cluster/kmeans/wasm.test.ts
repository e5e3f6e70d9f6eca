import { afterEach, describe, expect, it } from "vitest";
import type { Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { halfNorms } from "./kernels.js";
import { kmeans } from "./kmeans.js";
import {
  batchRows,
  buildScanModule,
  rowScanner,
  setWasmDisabled,
  WASM_MAX_D,
  wasmAvailable,
} from "./wasm.js";

function normal(n: number, d: number, seed: number): Matrix {
  const random = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return { data, n, d };
}

interface Scan {
  label: number[];
  first: number[];
  second: number[];
}

/** Scans the first m rows of x (m <= one batch) with the wasm kernel or its JS twin. */
function scan(x: Matrix, m: number, centroids: Float64Array, k: number, useWasm: boolean): Scan {
  setWasmDisabled(!useWasm);
  try {
    expect(wasmAvailable(x.d)).toBe(useWasm);
    const scanner = rowScanner(x.d, k, centroids, halfNorms(centroids, k, x.d));
    scanner.x.set(x.data.subarray(0, m * x.d));
    scanner.scan(m);
    return {
      label: Array.from(scanner.label.subarray(0, m)),
      first: Array.from(scanner.first.subarray(0, m)),
      second: Array.from(scanner.second.subarray(0, m)),
    };
  } finally {
    setWasmDisabled(false);
  }
}

describe("k-means distance kernel (WebAssembly SIMD and its JS twin)", () => {
  afterEach(() => setWasmDisabled(false));

  it("builds a valid module for every supported d", () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
      .WebAssembly;
    for (const d of [1, 2, 3, 7, 8, 9, 16, 17, 33, WASM_MAX_D]) {
      expect(wasm.validate(buildScanModule(d))).toBe(true);
      expect(wasmAvailable(d)).toBe(true);
    }
    expect(wasmAvailable(WASM_MAX_D + 1)).toBe(false);
  });

  for (const [d, k, m] of [
    [8, 8, 2048],
    [8, 5, 1001],
    [3, 4, 7],
    [5, 1, 64],
    [1, 3, 33],
    [13, 2, 300],
    [17, 9, 255],
  ] as const) {
    it(`finds the nearest and second-nearest centroid, bit for bit like the JS twin (d = ${d}, k = ${k}, ${m} rows)`, () => {
      expect(m).toBeLessThanOrEqual(batchRows(d));
      const x = normal(m, d, d * 31 + k);
      const centroids = normal(k, d, 99 + k).data;
      const fromWasm = scan(x, m, centroids, k, true);
      const fromJs = scan(x, m, centroids, k, false);
      expect(fromWasm).toEqual(fromJs);
      // And both are right: brute force with squared differences.
      for (let i = 0; i < m; i++) {
        const dist = Array.from({ length: k }, (_, j) => {
          let s = 0;
          for (let t = 0; t < d; t++) s += (x.data[i * d + t]! - centroids[j * d + t]!) ** 2;
          return s;
        });
        const sorted = [...dist].sort((a, b) => a - b);
        expect(fromWasm.label[i]).toBe(dist.indexOf(sorted[0]!));
        expect(fromWasm.first[i]).toBeCloseTo(sorted[0]!, 9);
        if (k === 1) expect(fromWasm.second[i]).toBe(Number.POSITIVE_INFINITY);
        else expect(fromWasm.second[i]).toBeCloseTo(sorted[1]!, 9);
      }
    });
  }

  it("keeps the first of equally near centroids, like the JS twin", () => {
    // Rows on the bisector of centroids 0 and 1, and a duplicated centroid (2 = 3).
    const x: Matrix = { data: new Float64Array([0, 1, 0, -3, 4, 4, 4, 4.5]), n: 4, d: 2 };
    const centroids = new Float64Array([-1, 0, 1, 0, 4, 4, 4, 4]);
    const fromWasm = scan(x, 4, centroids, 4, true);
    expect(fromWasm.label).toEqual([0, 0, 2, 2]);
    expect(fromWasm).toEqual(scan(x, 4, centroids, 4, false));
  });

  for (const d of [1, 3, 8, 9]) {
    it(`updates Hamerly's bounds and filters candidates like the JS twin (d = ${d})`, () => {
      const k = 5;
      const m = 500;
      const x = normal(m, d, 7 + d);
      const centroids = normal(k, d, 8 + d).data;
      const random = createRandom(d);
      const labels = Int32Array.from({ length: m }, () => random.int(k));
      const upper = Float64Array.from({ length: m }, () => random.next() * 3);
      const lower = Float64Array.from({ length: m }, () => random.next() * 3);
      const drift = Float64Array.from({ length: k }, () => random.next() * 0.2);
      const lowerDrift = Float64Array.from({ length: k }, () => random.next() * 0.2);
      const halfGap = Float64Array.from({ length: k }, () => random.next());
      const run = (useWasm: boolean) => {
        setWasmDisabled(!useWasm);
        try {
          const scanner = rowScanner(d, k, centroids, halfNorms(centroids, k, d));
          scanner.x.set(x.data);
          scanner.blockLabel.set(labels);
          scanner.blockUpper.set(upper);
          scanner.blockLower.set(lower);
          scanner.drift.set(drift);
          scanner.lowerDrift.set(lowerDrift);
          scanner.halfGap.set(halfGap);
          const nc = scanner.updateBounds(m);
          const candidates = Array.from(scanner.candidate.subarray(0, nc));
          const pendingCount = scanner.filterCandidates(nc);
          return {
            candidates,
            pending: Array.from(scanner.pending.subarray(0, pendingCount)),
            pendingLabel: Array.from(scanner.pendingLabel.subarray(0, pendingCount)),
            upper: Array.from(scanner.blockUpper.subarray(0, m)),
            lower: Array.from(scanner.blockLower.subarray(0, m)),
          };
        } finally {
          setWasmDisabled(false);
        }
      };
      const fromWasm = run(true);
      expect(fromWasm).toEqual(run(false));
      // Candidates: rows whose drifted upper bound exceeds max(lower, half-gap); pending: those
      // whose exact own distance still does.
      for (let r = 0; r < m; r++) {
        const a = labels[r]!;
        const u = upper[r]! + drift[a]!;
        const l = lower[r]! - lowerDrift[a]!;
        const bound = Math.max(l, halfGap[a]!);
        expect(fromWasm.lower[r]).toBe(l);
        expect(fromWasm.candidates.includes(r)).toBe(u > bound);
        if (u <= bound) {
          expect(fromWasm.upper[r]).toBe(u);
          continue;
        }
        let s = 0;
        for (let t = 0; t < d; t++) s += (x.data[r * d + t]! - centroids[a * d + t]!) ** 2;
        expect(fromWasm.upper[r]).toBeCloseTo(Math.sqrt(s), 12);
        expect(fromWasm.pending.includes(r)).toBe(Math.sqrt(s) > bound);
      }
      expect(fromWasm.candidates.length).toBeGreaterThan(0);
      expect(fromWasm.pending.length).toBeGreaterThan(0);
    });
  }

  for (const algorithm of ["lloyd", "hamerly"] as const) {
    it(`k-means (${algorithm}) with and without WebAssembly reaches the same labels and inertia`, () => {
      const x = normal(20_000, 8, 5);
      const options = { seed: 1, nInit: 2, algorithm, maxIter: 30 };
      const withWasm = kmeans(x, 6, options);
      setWasmDisabled(true);
      const withJs = kmeans(x, 6, options);
      setWasmDisabled(false);
      expect(withWasm.iterations).toBe(withJs.iterations);
      expect(withWasm.inertia).toBe(withJs.inertia);
      expect(Array.from(withWasm.labels)).toEqual(Array.from(withJs.labels));
    });
  }
});
