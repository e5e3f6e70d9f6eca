import { describe, expect, it } from "vitest";
import { CoreInputError } from "../../errors.js";
import type { Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { createMiniBatchKMeans, kmeans, miniBatchKMeans } from "./index.js";

function blobs(n: number, centers: number[][], spread: number, seed: number): Matrix {
  const r = createRandom(seed);
  const d = centers[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centers[r.int(centers.length)]!;
    for (let t = 0; t < d; t++) data[i * d + t] = c[t]! + spread * r.normal();
  }
  return { data, n, d };
}

const CENTERS = [
  [0, 0, 0],
  [8, 0, 0],
  [0, 8, 0],
  [0, 0, 8],
  [8, 8, 8],
];

describe("miniBatchKMeans", () => {
  it("comes within 2% of full k-means' inertia on separated blobs", () => {
    const x = blobs(20_000, CENTERS, 1, 1);
    const full = kmeans(x, 5, { seed: 0, nInit: 3 });
    const mini = miniBatchKMeans(x, 5, { seed: 0, batchSize: 512 });
    expect(mini.algorithm).toBe("minibatch");
    expect(mini.inertia).toBeLessThan(full.inertia * 1.02);
    expect(mini.labels.every((l) => l >= 0 && l < 5)).toBe(true);
  });

  it("is deterministic for a seed", () => {
    const x = blobs(5000, CENTERS, 1.5, 2);
    const a = miniBatchKMeans(x, 4, { seed: 9, maxIter: 5 });
    const b = miniBatchKMeans(x, 4, { seed: 9, maxIter: 5 });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.inertia).toBe(b.inertia);
  });

  it("rejects k above n naming k", () => {
    const x = blobs(10, CENTERS, 1, 3);
    expect(() => miniBatchKMeans(x, 11)).toThrow(CoreInputError);
  });
});

describe("createMiniBatchKMeans (streaming)", () => {
  it("learns the blob centres from chunks fed one at a time, as pages from a database would be", () => {
    const x = blobs(30_000, CENTERS, 1, 4);
    const model = createMiniBatchKMeans(5, 3, { seed: 1, batchSize: 1000 });
    const chunkRows = 3000;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let start = 0; start < x.n; start += chunkRows) {
        const n = Math.min(chunkRows, x.n - start);
        model.partialFit({ data: x.data.subarray(start * 3, (start + n) * 3), n, d: 3 });
      }
    }
    expect(model.steps).toBe(60);
    const c = model.centroids!;
    // every true centre has a learned centroid within 0.2
    for (const center of CENTERS) {
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < 5; j++) {
        const dist = Math.hypot(
          c[j * 3]! - center[0]!,
          c[j * 3 + 1]! - center[1]!,
          c[j * 3 + 2]! - center[2]!,
        );
        best = Math.min(best, dist);
      }
      expect(best).toBeLessThan(0.2);
    }
    let total = 0;
    for (const v of model.counts) total += v;
    expect(total).toBe(60_000);
    const { labels, inertia } = model.assign(x);
    expect(labels.length).toBe(x.n);
    // about n * d * spread^2 for blobs of unit spread
    expect(inertia / x.n).toBeGreaterThan(2.8);
    expect(inertia / x.n).toBeLessThan(3.2);
  });

  it("rejects a chunk with the wrong number of columns and assign before fit", () => {
    const model = createMiniBatchKMeans(2, 3);
    expect(() => model.assign({ data: new Float64Array(6), n: 2, d: 3 })).toThrow(/before any partialFit/);
    expect(() => model.partialFit({ data: new Float64Array(4), n: 2, d: 2 })).toThrow(/columns/);
  });
});
