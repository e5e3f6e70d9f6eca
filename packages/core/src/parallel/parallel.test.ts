import { describe, expect, it } from "vitest";
import { kmeans } from "../cluster/kmeans/index.js";
import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { silhouetteSamples } from "../metrics/silhouette.js";
import { sweepK } from "../model-selection/sweep.js";
import { createRandom } from "../random/index.js";
import {
  createInlineExecutor,
  isShared,
  kmeansParallel,
  type SilhouetteRangeInput,
  type SweepKInput,
  type SweepKOutput,
  sweepKParallel,
  TaskAbortedError,
  toShared,
} from "./index.js";

function normals(n: number, d: number, seed: number): Matrix {
  const r = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return { data, n, d };
}

describe("toShared", () => {
  it("copies a matrix into shared memory once and returns a shared one as is", () => {
    const x = normals(10, 3, 1);
    const s = toShared(x);
    expect(isShared(s.data)).toBe(true);
    expect(Array.from(s.data)).toEqual(Array.from(x.data));
    expect(toShared(s)).toBe(s);
  });
});

describe("kmeansParallel on the inline executor", () => {
  const x = normals(34_000, 2, 7); // three chunks of CHUNK_ROWS
  const executor = createInlineExecutor();

  for (const parallel of ["restarts", "chunks"] as const) {
    for (const algorithm of ["lloyd", "hamerly"] as const) {
      it(`gives exactly kmeans' result for the same seed (${parallel}, ${algorithm})`, async () => {
        const options = { seed: 3, nInit: 2, algorithm, maxIter: 6 };
        const expected = kmeans(x, 5, options);
        const got = await kmeansParallel(executor, x, 5, { ...options, parallel });
        expect(got.inertia).toBe(expected.inertia);
        expect(got.iterations).toBe(expected.iterations);
        expect(Array.from(got.centroids)).toEqual(Array.from(expected.centroids));
        expect(Array.from(got.labels)).toEqual(Array.from(expected.labels));
      });
    }
  }

  it("reports progress and cancels when onProgress returns false", async () => {
    const seen: number[] = [];
    await kmeansParallel(executor, x, 3, {
      seed: 1,
      nInit: 2,
      maxIter: 5,
      onProgress: (_s, f) => void seen.push(f),
    });
    expect(seen.length).toBeGreaterThan(0);
    await expect(
      kmeansParallel(executor, x, 3, { seed: 1, nInit: 2, parallel: "chunks", onProgress: () => false }),
    ).rejects.toBeInstanceOf(CancelledError);
    await expect(
      kmeansParallel(executor, x, 3, { seed: 1, nInit: 2, parallel: "restarts", onProgress: () => false }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it("cancels on an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(kmeansParallel(executor, x, 3, { signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    await expect(executor.run("silhouette-range", {}, { signal: controller.signal })).rejects.toBeInstanceOf(
      TaskAbortedError,
    );
  });

  it("validates input like kmeans, naming the field", async () => {
    await expect(kmeansParallel(executor, x, 0)).rejects.toBeInstanceOf(CoreInputError);
  });
});

describe("tasks", () => {
  const executor = createInlineExecutor();
  const x = normals(600, 3, 2);
  const { labels } = kmeans(x, 3, { seed: 0, nInit: 1 });

  it("silhouette-range chunks put together equal silhouetteSamples", async () => {
    const parts = await Promise.all(
      [0, 200, 400].map((start) =>
        executor.run<SilhouetteRangeInput, Float64Array>("silhouette-range", {
          x,
          labels,
          start,
          end: start + 200,
        }),
      ),
    );
    const joined = parts.flatMap((p) => Array.from(p));
    expect(joined).toEqual(Array.from(silhouetteSamples(x, labels)));
  });

  it("sweep-k runs k-means for one k and scores it", async () => {
    const out = await executor.run<SweepKInput, SweepKOutput>("sweep-k", {
      x,
      k: 3,
      options: { seed: 0, nInit: 1 },
      silhouetteSampleSize: 10_000,
      seed: 0,
    });
    expect(out.k).toBe(3);
    expect(out.inertia).toBe(kmeans(x, 3, { seed: 0, nInit: 1 }).inertia);
    expect(out.silhouette).toBeGreaterThan(0);
    expect(out.silhouette).toBeLessThan(1);
    expect(out.calinskiHarabasz).toBeGreaterThan(0);
  });

  it("sweepKParallel returns one scored row per k, in k order, with the numbers of sweepK", async () => {
    // A 700-row silhouette sample: three blocks of rows, scored together for every k.
    const options = { kMin: 2, kMax: 4, seed: 0, nInit: 1, silhouetteSampleSize: 700 };
    const rows = await sweepKParallel(executor, x, options);
    expect(rows.map((r) => r.k)).toEqual([2, 3, 4]);
    expect(rows[1]!.inertia).toBe(kmeans(x, 3, { seed: 0, nInit: 1 }).inertia);
    const inline = sweepK(x, options);
    expect(rows.map((r) => r.silhouette)).toEqual(inline.map((r) => r.silhouette));
    expect(rows.map((r) => r.calinskiHarabasz)).toEqual(inline.map((r) => r.calinskiHarabasz));
    expect(rows.map((r) => r.daviesBouldin)).toEqual(inline.map((r) => r.daviesBouldin));
    expect(rows[0]!.labels).toHaveLength(x.n);
  });
});
