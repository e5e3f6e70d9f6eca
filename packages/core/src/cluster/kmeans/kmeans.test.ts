import { describe, expect, it, onTestFinished } from "vitest";
import { CancelledError, CoreInputError } from "../../errors.js";
import { fromRows, type Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { assignToNearest, kmeans, kmeansPlusPlus, meanVariance } from "./index.js";
import { setSeedingCodeDisabled } from "./init.js";
import { setSeedingWasmDisabled } from "./seeding-wasm.js";

function blobs(n: number, centers: number[][], spread: number, seed: number): Matrix {
  const r = createRandom(seed);
  const d = centers[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centers[i % centers.length]!;
    for (let t = 0; t < d; t++) data[i * d + t] = c[t]! + spread * r.normal();
  }
  return { data, n, d };
}

function normals(n: number, d: number, seed: number): Matrix {
  const r = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return { data, n, d };
}

function bruteInertia(x: Matrix, labels: Int32Array, centroids: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.n; i++) {
    for (let t = 0; t < x.d; t++) {
      const v = x.data[i * x.d + t]! - centroids[labels[i]! * x.d + t]!;
      s += v * v;
    }
  }
  return s;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("kmeans", () => {
  it("splits two obvious groups on a line with the hand-computed centroids and inertia", () => {
    const x = fromRows([[0], [1], [2], [10], [11], [12]]);
    const result = kmeans(x, 2, { seed: 1 });
    const centroids = Array.from(result.centroids).sort((a, b) => a - b);
    expect(centroids).toEqual([1, 11]);
    // each group: (1^2 + 0 + 1^2) = 2
    expect(result.inertia).toBeCloseTo(4, 12);
    expect(result.labels[0]).toBe(result.labels[2]);
    expect(result.labels[3]).toBe(result.labels[5]);
    expect(result.labels[0]).not.toBe(result.labels[3]);
    expect(result.converged).toBe(true);
  });

  it("finds the square's four corners in 2-D", () => {
    const x = fromRows([
      [0, 0],
      [0, 1],
      [10, 0],
      [10, 1],
      [0, 10],
      [1, 10],
      [10, 10],
      [11, 11],
    ]);
    const result = kmeans(x, 4, { seed: 3 });
    // inertia: 0.5 + 0.5 + 0.5 + (0.5^2 * 4 = 1)
    expect(result.inertia).toBeCloseTo(2.5, 12);
  });

  it("reports an inertia equal to the sum of squared distances to the returned centroids", () => {
    const x = blobs(
      500,
      [
        [0, 0, 0],
        [5, 5, 5],
        [-5, 5, 0],
      ],
      1,
      4,
    );
    for (const algorithm of ["lloyd", "hamerly"] as const) {
      const result = kmeans(x, 3, { seed: 2, algorithm });
      expect(result.inertia).toBeCloseTo(bruteInertia(x, result.labels, result.centroids), 8);
      const nearest = assignToNearest(x, result.centroids, 3);
      expect(Array.from(nearest.labels)).toEqual(Array.from(result.labels));
    }
  });

  it("never raises the inertia from one Lloyd iteration to the next", () => {
    const x = normals(3000, 5, 11);
    const result = kmeans(x, 6, { seed: 5, algorithm: "lloyd", tol: 0, nInit: 1, init: "random" });
    const h = result.inertiaHistory!;
    expect(h.length).toBeGreaterThan(5);
    for (let i = 1; i < h.length; i++) expect(h[i]!).toBeLessThanOrEqual(h[i - 1]! * (1 + 1e-12));
    expect(result.inertia).toBeLessThanOrEqual(h[h.length - 1]! * (1 + 1e-12));
  });

  it("gives Hamerly and Lloyd the same clustering from the same start", () => {
    const x = normals(4000, 3, 12);
    const init = kmeansPlusPlus(x, 5, createRandom(9));
    const lloyd = kmeans(x, 5, { init, algorithm: "lloyd", tol: 0 });
    const hamerly = kmeans(x, 5, { init, algorithm: "hamerly", tol: 0 });
    expect(hamerly.iterations).toBe(lloyd.iterations);
    expect(Array.from(hamerly.labels)).toEqual(Array.from(lloyd.labels));
    expect(hamerly.inertia).toBeCloseTo(lloyd.inertia, 6);
  });

  it("gives the same clustering through the unrolled d = 8 loop as through the generic one", () => {
    const x8 = normals(3000, 8, 31);
    // The same rows with a zero ninth column take the generic path; distances are unchanged.
    const x9 = { data: new Float64Array(3000 * 9), n: 3000, d: 9 };
    for (let i = 0; i < 3000; i++) x9.data.set(x8.data.subarray(i * 8, i * 8 + 8), i * 9);
    const init8 = kmeansPlusPlus(x8, 6, createRandom(4));
    const init9 = new Float64Array(6 * 9);
    for (let j = 0; j < 6; j++) init9.set(init8.subarray(j * 8, j * 8 + 8), j * 9);
    for (const algorithm of ["lloyd", "hamerly"] as const) {
      const a = kmeans(x8, 6, { init: init8, algorithm, tol: 0 });
      const b = kmeans(x9, 6, { init: init9, algorithm, tol: 0 });
      expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
      expect(a.iterations).toBe(b.iterations);
      expect(a.inertia).toBeCloseTo(b.inertia, 6);
    }
  });

  it("keeps labels in [0, k) and centroids k x d", () => {
    const x = normals(700, 8, 2);
    const result = kmeans(x, 7, { seed: 0, nInit: 2 });
    expect(result.labels.length).toBe(700);
    expect(result.centroids.length).toBe(7 * 8);
    expect(result.labels.every((l) => l >= 0 && l < 7)).toBe(true);
    expect(new Set(result.labels).size).toBe(7);
  });

  it("returns identical results for the same seed and different ones for another", () => {
    const x = normals(1000, 4, 3);
    const a = kmeans(x, 5, { seed: 42, nInit: 3 });
    const b = kmeans(x, 5, { seed: 42, nInit: 3 });
    const c = kmeans(x, 5, { seed: 43, nInit: 3 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.inertia).toBe(b.inertia);
    expect(Array.from(a.centroids)).not.toEqual(Array.from(c.centroids));
  });

  it("keeps the best of several restarts: more restarts of the same seed never do worse", () => {
    const x = normals(800, 2, 8);
    // Restart r uses deriveSeed(seed, r), so nInit = 2 repeats nInit = 1's run and adds one.
    const inertias = [1, 2, 4, 8].map((nInit) => kmeans(x, 6, { seed: 0, nInit, init: "random" }).inertia);
    for (let i = 1; i < inertias.length; i++) expect(inertias[i]!).toBeLessThanOrEqual(inertias[i - 1]!);
    expect(inertias[3]!).toBeLessThan(inertias[0]!);
  });

  it("refills an empty cluster with the row farthest from its centroid", () => {
    // Centroid 2 starts far from every row, so the first assignment leaves it empty.
    const x = fromRows([[0], [1], [2], [10], [11], [30]]);
    for (const algorithm of ["lloyd", "hamerly"] as const) {
      const result = kmeans(x, 3, { init: Float64Array.from([1, 10.5, 1000]), algorithm });
      expect(new Set(result.labels).size).toBe(3);
      expect(Array.from(result.centroids).sort((a, b) => a - b)).toEqual([1, 10.5, 30]);
      expect(result.inertia).toBeCloseTo(2 + 0.5, 12);
    }
  });

  it("weights rows: a weight of 2 counts like a duplicated row", () => {
    const x = fromRows([[0], [1], [5], [9], [10]]);
    const dup = fromRows([[0], [1], [1], [5], [9], [10]]);
    const init = Float64Array.from([0, 10]);
    const weighted = kmeans(x, 2, { init, sampleWeight: Float64Array.from([1, 2, 1, 1, 1]) });
    const duplicated = kmeans(dup, 2, { init });
    expect(Array.from(weighted.centroids)).toEqual(Array.from(duplicated.centroids));
    expect(weighted.inertia).toBeCloseTo(duplicated.inertia, 12);
  });

  it("weights rows the same way in Hamerly's incremental updates as in Lloyd's full sums", () => {
    const x = normals(5000, 4, 31);
    const random = createRandom(32);
    const sampleWeight = Float64Array.from({ length: x.n }, () => 0.25 + 3 * random.next());
    const options = { seed: 3, nInit: 1, tol: 0, maxIter: 60, sampleWeight };
    const lloyd = kmeans(x, 6, { ...options, algorithm: "lloyd" });
    const hamerly = kmeans(x, 6, { ...options, algorithm: "hamerly" });
    expect(hamerly.iterations).toBe(lloyd.iterations);
    expect(Array.from(hamerly.labels)).toEqual(Array.from(lloyd.labels));
    for (let i = 0; i < lloyd.centroids.length; i++) {
      expect(hamerly.centroids[i]).toBeCloseTo(lloyd.centroids[i]!, 9);
    }
    expect(hamerly.inertia).toBeCloseTo(lloyd.inertia, 6);
  });

  it("stops at tol relative to the mean feature variance (scikit-learn semantics)", () => {
    const x = normals(2000, 3, 21);
    const loose = kmeans(x, 4, { seed: 1, nInit: 1, tol: 1e-1 });
    const exact = kmeans(x, 4, { seed: 1, nInit: 1, tol: 0 });
    expect(loose.iterations).toBeLessThan(exact.iterations);
    expect(loose.converged).toBe(true);
    expect(
      meanVariance(
        fromRows([
          [0, 0],
          [2, 4],
        ]),
      ),
    ).toBeCloseTo((1 + 4) / 2, 12);
  });

  it("stops at maxIter and says it did not converge", () => {
    const x = normals(2000, 3, 21);
    const result = kmeans(x, 6, { seed: 1, nInit: 1, tol: 0, maxIter: 2 });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
  });

  it("rejects k above the number of distinct rows, naming the field k", () => {
    const x = fromRows([
      [1, 1],
      [1, 1],
      [2, 2],
      [2, 2],
    ]);
    const error = catchError(() => kmeans(x, 3));
    expect(error).toBeInstanceOf(CoreInputError);
    expect((error as CoreInputError).field).toBe("k");
    expect((error as Error).message).toMatch(/distinct/);
    expect((catchError(() => kmeans(x, 0)) as CoreInputError).field).toBe("k");
    expect((catchError(() => kmeans(x, 5)) as CoreInputError).field).toBe("k");
  });

  it("rejects NaN naming its row and column", () => {
    const x = fromRows([
      [1, 2],
      [3, Number.NaN],
      [5, 6],
    ]);
    const error = catchError(() => kmeans(x, 2)) as CoreInputError;
    expect(error).toBeInstanceOf(CoreInputError);
    expect(error.row).toBe(1);
    expect(error.column).toBe(1);
  });

  it("rejects bad options naming the option", () => {
    const x = normals(50, 2, 1);
    const field = (options: Parameters<typeof kmeans>[2]) =>
      (catchError(() => kmeans(x, 2, options)) as CoreInputError).field;
    expect(field({ nInit: 0 })).toBe("nInit");
    expect(field({ maxIter: 1.5 })).toBe("maxIter");
    expect(field({ tol: -1 })).toBe("tol");
    expect(field({ init: new Float64Array(3) })).toBe("init");
    expect(field({ sampleWeight: new Float64Array(3) })).toBe("sampleWeight");
  });

  it("reports progress and stops with CancelledError when onProgress returns false", () => {
    const x = normals(2000, 3, 5);
    const fractions: number[] = [];
    kmeans(x, 4, { seed: 0, nInit: 2, onProgress: (_stage, f) => void fractions.push(f) });
    expect(fractions.length).toBeGreaterThan(2);
    for (let i = 1; i < fractions.length; i++)
      expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
    let calls = 0;
    const error = catchError(() =>
      kmeans(x, 4, {
        seed: 0,
        onProgress: () => {
          calls++;
          return calls < 3;
        },
      }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(calls).toBe(3);
  });
});

describe("kmeansPlusPlus", () => {
  it("picks k distinct rows, one in each well-separated blob", () => {
    const x = blobs(
      400,
      [
        [0, 0],
        [100, 0],
        [0, 100],
        [100, 100],
      ],
      0.5,
      6,
    );
    const c = kmeansPlusPlus(x, 4, createRandom(1));
    const quadrants = new Set<string>();
    for (let j = 0; j < 4; j++) quadrants.add(`${c[j * 2]! > 50}-${c[j * 2 + 1]! > 50}`);
    expect(quadrants.size).toBe(4);
  });

  it("picks the same centroids through the generated passes as through the generic loop", () => {
    setSeedingWasmDisabled(true);
    onTestFinished(() => setSeedingWasmDisabled(false));
    for (const d of [1, 3, 8, 16]) {
      const x = normals(3000, d, 20 + d);
      const weights = Float64Array.from({ length: x.n }, (_, i) => (i % 4) * 0.75);
      for (const k of [2, 7, 25]) {
        for (const sampleWeight of [undefined, weights]) {
          const generated = kmeansPlusPlus(x, k, createRandom(k), { sampleWeight });
          setSeedingCodeDisabled(true);
          try {
            const generic = kmeansPlusPlus(x, k, createRandom(k), { sampleWeight });
            expect(Array.from(generated)).toEqual(Array.from(generic));
          } finally {
            setSeedingCodeDisabled(false);
          }
        }
      }
    }
  });

  it("draws the same candidates in the WebAssembly kernel as in JS and keeps the one of least potential", () => {
    // Same random numbers, the same distances to the bit; only the potentials are summed in
    // another order, so a near-tie could go either way: on these seeds none does.
    for (const d of [1, 2, 3, 8, 13, 16]) {
      for (const n of [2999, 3000]) {
        const x = normals(n, d, 40 + d);
        const weights = Float64Array.from({ length: x.n }, (_, i) => (i % 4) * 0.75);
        for (const k of [2, 7, 25]) {
          for (const sampleWeight of [undefined, weights]) {
            const wasm = kmeansPlusPlus(x, k, createRandom(k), { sampleWeight });
            setSeedingWasmDisabled(true);
            try {
              const js = kmeansPlusPlus(x, k, createRandom(k), { sampleWeight });
              expect(Array.from(wasm)).toEqual(Array.from(js));
            } finally {
              setSeedingWasmDisabled(false);
            }
          }
        }
      }
    }
  });

  it("seeds with rows of the matrix when it spans many kernel batches and the last one is odd", () => {
    const x = normals(40_001, 8, 3);
    const c = kmeansPlusPlus(x, 8, createRandom(5));
    for (let j = 0; j < 8; j++) {
      const row = c.subarray(j * 8, j * 8 + 8);
      let isRow = false;
      for (let i = 0; i < x.n && !isRow; i++) {
        isRow = row.every((v, t) => v === x.data[i * 8 + t]);
      }
      expect(isRow).toBe(true);
    }
    setSeedingWasmDisabled(true);
    try {
      expect(Array.from(kmeansPlusPlus(x, 8, createRandom(5)))).toEqual(Array.from(c));
    } finally {
      setSeedingWasmDisabled(false);
    }
  });
});
