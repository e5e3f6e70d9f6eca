import { afterAll, describe, expect, it } from "vitest";
import { kmeans } from "../src/cluster/kmeans/index.js";
import { CancelledError, CoreInputError } from "../src/errors.js";
import type { Matrix } from "../src/matrix/matrix.js";
import { sweepK } from "../src/model-selection/sweep.js";
import {
  type Executor,
  kmeansParallel,
  sweepKParallel,
  TaskAbortedError,
  TaskFailedError,
  type TaskName,
  toShared,
} from "../src/parallel/index.js";
import { createPiscinaExecutor } from "../src/parallel/piscina.js";
import { createRandom } from "../src/random/index.js";

// Workers run the BUILT dist/parallel/task.js: turbo builds the package before its tests (turbo.json).

function normals(n: number, d: number, seed: number): Matrix {
  const r = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return toShared({ data, n, d });
}

describe("Piscina executor", () => {
  const pool = createPiscinaExecutor({ threads: 2 });
  const faulty = createPiscinaExecutor({
    threads: 1,
    filename: new URL("./fixtures/faulty-task.mjs", import.meta.url).href,
    resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 },
  });
  afterAll(async () => {
    await pool.destroy();
    await faulty.destroy();
  });
  const x = normals(34_000, 2, 5); // three chunks of CHUNK_ROWS

  for (const parallel of ["restarts", "chunks"] as const) {
    it(`kmeansParallel on worker threads equals kmeans for the same seed (${parallel})`, async () => {
      const options = { seed: 2, nInit: 2, maxIter: 6 };
      const expected = kmeans(x, 4, options);
      const got = await kmeansParallel(pool, x, 4, { ...options, parallel });
      expect(got.inertia).toBe(expected.inertia);
      expect(Array.from(got.centroids)).toEqual(Array.from(expected.centroids));
      expect(Array.from(got.labels)).toEqual(Array.from(expected.labels));
    });
  }

  it("sweepKParallel on two threads scores every k as sweepK does, silhouette rows split between them", async () => {
    const x = normals(6_000, 3, 11);
    const options = { kMin: 2, kMax: 5, seed: 1, nInit: 2, silhouetteSampleSize: 2_000 };
    const stages = new Set<string>();
    const rows = await sweepKParallel(pool, x, { ...options, onProgress: (stage) => void stages.add(stage) });
    const inline = sweepK(x, options);
    expect(rows.map((r) => r.k)).toEqual([2, 3, 4, 5]);
    expect(rows.map((r) => r.inertia)).toEqual(inline.map((r) => r.inertia));
    expect(rows.map((r) => r.silhouette)).toEqual(inline.map((r) => r.silhouette));
    expect([...stages]).toEqual(["k-means", "silhouette"]);
  });

  it("forwards progress from the workers to the caller", async () => {
    const seen: number[] = [];
    await kmeansParallel(pool, x, 3, {
      seed: 1,
      nInit: 2,
      maxIter: 5,
      parallel: "restarts",
      onProgress: (_stage, f) => void seen.push(f),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
  });

  it("rebuilds a CoreInputError thrown in a worker, with its field", async () => {
    const error = await pool
      .run("silhouette-range", { x, labels: new Int32Array(x.n), start: 0, end: x.n + 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreInputError);
    expect((error as CoreInputError).field).toBe("range");
  });

  const run = (executor: Executor, task: string, input: unknown = {}, signal?: AbortSignal) =>
    executor.run(task as TaskName, input, signal === undefined ? {} : { signal });

  it("rejects only the task whose worker throws, exits or runs out of memory; the pool goes on", async () => {
    const threw = await run(faulty, "test-throw").catch((e: unknown) => e);
    expect(threw).toBeInstanceOf(TaskFailedError);
    expect((threw as Error).message).toMatch(/test-throw failed: boom from the worker/);

    const exited = await run(faulty, "test-exit").catch((e: unknown) => e);
    expect(exited).toBeInstanceOf(TaskFailedError);
    expect((exited as Error).message).toMatch(/exited with code 3/);

    const oom = await run(faulty, "test-oom").catch((e: unknown) => e);
    expect(oom).toBeInstanceOf(TaskFailedError);
    expect((oom as Error).message).toMatch(/out of memory/);

    // The same pool still runs real work afterwards.
    const got = await kmeansParallel(faulty, x, 3, { seed: 4, nInit: 1, maxIter: 5 });
    expect(got.inertia).toBe(kmeans(x, 3, { seed: 4, nInit: 1, maxIter: 5 }).inertia);
  });

  it("cancels a running task when its signal aborts", async () => {
    const controller = new AbortController();
    const pending = run(faulty, "test-hang", { ms: 20_000 }, controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await pending;
    expect(error).toBeInstanceOf(TaskAbortedError);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await run(faulty, "test-hang", { ms: 1 })).toBe("woke up");
  });

  it("cancels kmeansParallel when onProgress returns false", async () => {
    await expect(
      kmeansParallel(pool, x, 3, { seed: 1, nInit: 2, parallel: "restarts", onProgress: () => false }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
