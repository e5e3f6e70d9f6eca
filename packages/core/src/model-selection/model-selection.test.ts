import { describe, expect, it } from "vitest";
import { kmeans } from "../cluster/kmeans/index.js";
import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin, silhouette } from "../metrics/index.js";
import { createRandom } from "../random/index.js";
import { bootstrapStability, chooseK, type KScores, sampleRows, sweepFit, sweepK } from "./index.js";

function blobs(n: number, centres: number[][], spread: number, seed: number): Matrix {
  const random = createRandom(seed);
  const d = centres[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[i % centres.length]!;
    for (let t = 0; t < d; t++) data[i * d + t] = c[t]! + spread * random.normal();
  }
  return { data, n, d };
}

const four = blobs(
  800,
  [
    [0, 0, 0],
    [8, 0, 0],
    [0, 8, 0],
    [0, 0, 8],
  ],
  1,
  1,
);

describe("sweepK", () => {
  const rows = sweepK(four, { kMin: 2, kMax: 7, seed: 3, keepFits: true });

  it("scores every k with inertia, silhouette, Calinski-Harabasz and Davies-Bouldin of its fit", () => {
    expect(rows.map((r) => r.k)).toEqual([2, 3, 4, 5, 6, 7]);
    for (const row of rows) {
      const labels = row.fit!.labels;
      expect(row.inertia).toBe(row.fit!.inertia);
      // Below the sample size the shared-sample silhouette is the exact one.
      expect(row.silhouette).toBeCloseTo(silhouette(four, labels), 12);
      expect(row.calinskiHarabasz).toBe(calinskiHarabasz(four, labels));
      expect(row.daviesBouldin).toBe(daviesBouldin(four, labels));
    }
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.inertia).toBeLessThan(rows[i - 1]!.inertia);
  });

  it("leaves the fits off unless asked and scores a sample of rows above silhouetteSampleSize", () => {
    const sampled = sweepK(four, { kMin: 3, kMax: 4, seed: 3, silhouetteSampleSize: 200 });
    expect(sampled[0]!.fit).toBeUndefined();
    expect(Math.abs(sampled[1]!.silhouette - rows[2]!.silhouette)).toBeLessThan(0.05);
    expect(sampled[1]!.silhouette).not.toBe(rows[2]!.silhouette);
  });

  it("rejects a bad range and stops when onProgress returns false", () => {
    expect(() => sweepK(four, { kMin: 1 })).toThrow(CoreInputError);
    expect(() => sweepK(four, { kMin: 5, kMax: 4 })).toThrow(CoreInputError);
    expect(() => sweepK(four, { kMax: 800 })).toThrow(CoreInputError);
    expect(() => sweepK(four, { kMax: 3, onProgress: () => false })).toThrow(CancelledError);
  });

  it("fits restarts on a row sample above fitSampleSize and refines the best on all rows", () => {
    const viaSample = sweepFit(four, 4, { seed: 3, fitSampleSize: 200 });
    // The refinement is a plain all-rows run seeded with the sample fit's centroids.
    const sample = sampleRows(four.n, 200, 3 + 7919);
    const data = new Float64Array(200 * 3);
    for (let r = 0; r < 200; r++) data.set(four.data.subarray(sample[r]! * 3, sample[r]! * 3 + 3), r * 3);
    const seedFit = kmeans({ data, n: 200, d: 3 }, 4, { seed: 3, nInit: 3 });
    const refined = kmeans(four, 4, { seed: 3, init: seedFit.centroids });
    expect(viaSample.nInit).toBe(3);
    expect(viaSample.inertia).toBe(refined.inertia);
    expect(Array.from(viaSample.labels)).toEqual(Array.from(refined.labels));
    // Four well-separated blobs: the sampled fit finds the same partition as 10 restarts on all rows.
    expect(viaSample.inertia).toBeCloseTo(kmeans(four, 4, { seed: 3 }).inertia, 6);
    const rowsViaSample = sweepK(four, { kMin: 2, kMax: 7, seed: 3, fitSampleSize: 300 });
    expect(chooseK(rowsViaSample).k).toBe(4);
  });

  it("sampleRows draws distinct sorted rows, the same for a seed", () => {
    const a = sampleRows(1000, 100, 5);
    expect(new Set(a).size).toBe(100);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(Array.from(sampleRows(1000, 100, 5))).toEqual(Array.from(a));
    expect(Array.from(sampleRows(1000, 100, 6))).not.toEqual(Array.from(a));
  });

  it("chooseK picks 4 for four blobs and says why", () => {
    const choice = chooseK(rows);
    expect(choice.k).toBe(4);
    expect(choice.votes).toEqual({ elbow: 4, silhouette: 4, calinskiHarabasz: 4, daviesBouldin: 4 });
    expect(choice.reason).toMatch(
      /^k = 4: the elbow of the inertia curve is at 4, silhouette is highest there \(0\.\d\d\)/,
    );
  });
});

describe("chooseK", () => {
  const row = (k: number, inertia: number, s: number, ch: number, db: number): KScores => ({
    k,
    inertia,
    silhouette: s,
    calinskiHarabasz: ch,
    daviesBouldin: db,
  });

  it("goes with the majority and names the criteria that disagree", () => {
    const choice = chooseK([
      row(2, 1000, 0.5, 300, 0.9),
      row(3, 500, 0.62, 500, 0.7),
      row(4, 400, 0.55, 520, 0.6),
      row(5, 350, 0.4, 400, 0.8),
      row(6, 320, 0.35, 380, 0.9),
    ]);
    expect(choice.votes.silhouette).toBe(3);
    expect(choice.votes.elbow).toBe(3);
    expect(choice.k).toBe(3);
    expect(choice.reason).toBe(
      "k = 3: the elbow of the inertia curve is at 3 and silhouette is highest there (0.62); " +
        "Calinski-Harabasz peaks at 4 and Davies-Bouldin is lowest at 4.",
    );
  });

  it("breaks a tie by silhouette and says when the curve has no elbow", () => {
    const choice = chooseK([
      row(2, 300, 0.3, 100, 0.5),
      row(3, 200, 0.6, 50, 0.9),
      row(4, 100, 0.2, 160, 0.8),
    ]);
    expect(choice.votes.elbow).toBeUndefined();
    expect(choice.k).toBe(3);
    expect(choice.reason).toContain("no clear elbow");
  });

  it("handles a single k and rejects an empty or duplicated sweep", () => {
    expect(chooseK([row(5, 1, 0.5, 1, 1)])).toMatchObject({
      k: 5,
      reason: "k = 5: the only k tried (silhouette 0.50).",
    });
    expect(() => chooseK([])).toThrow(CoreInputError);
    expect(() => chooseK([row(2, 1, 0, 0, 0), row(2, 1, 0, 0, 0)])).toThrow(CoreInputError);
  });
});

describe("bootstrapStability", () => {
  it("finds the true k of separated blobs stable and a forced split of one blob less so", () => {
    const stable = bootstrapStability(four, 4, { resamples: 5, seed: 2 });
    expect(stable.pairs.length).toBe(10);
    expect(stable.mean).toBeGreaterThan(0.98);
    const oneBlob = blobs(600, [[0, 0]], 1, 5);
    const unstable = bootstrapStability(oneBlob, 6, { resamples: 5, seed: 2 });
    expect(unstable.mean).toBeLessThan(stable.mean - 0.1);
    expect(unstable.min).toBeLessThanOrEqual(unstable.mean);
  });

  it("is deterministic for a seed and validates its options", () => {
    const a = bootstrapStability(four, 3, { resamples: 3, seed: 7 });
    const b = bootstrapStability(four, 3, { resamples: 3, seed: 7 });
    expect(a.pairs).toEqual(b.pairs);
    expect(() => bootstrapStability(four, 3, { resamples: 1 })).toThrow(CoreInputError);
    expect(() => bootstrapStability(four, 0)).toThrow(CoreInputError);
  });
});

describe("chooseK for use", () => {
  const row = (k: number, silhouette: number, minShare: number, maxShare: number, stability?: number) => ({
    k,
    inertia: 1000 / k,
    silhouette,
    calinskiHarabasz: 100 * silhouette,
    daviesBouldin: 1 - silhouette,
    minShare,
    maxShare,
    ...(stability === undefined ? {} : { stability }),
  });

  it("rules out a k that peels off a tiny segment however well it scores, and says so", () => {
    const choice = chooseK([
      row(2, 0.9, 0.003, 0.997),
      row(3, 0.4, 0.1, 0.5),
      row(4, 0.45, 0.08, 0.4),
      row(5, 0.3, 0.01, 0.3),
    ]);
    expect(choice.k).toBe(4);
    expect(choice.ruledOut.map((o) => o.k)).toEqual([2, 5]);
    expect(choice.reason).toMatch(/k = 2 \(one segment holds/);
    expect(choice.reason).toMatch(/k = 5 \(its smallest segment holds 1\.0%/);
  });

  it("honours a chosen minimum share and rules out unstable k", () => {
    const sweep = [row(3, 0.5, 0.04, 0.5, 0.9), row(4, 0.6, 0.04, 0.4, 0.3), row(5, 0.4, 0.06, 0.3, 0.8)];
    expect(chooseK(sweep).k).toBe(3);
    expect(chooseK(sweep, { minSegmentShare: 0.05 }).k).toBe(5);
    expect(chooseK(sweep).ruledOut).toEqual([{ k: 4, reason: expect.stringMatching(/stability 0\.30/) }]);
  });

  it("compares every k when none is usable, and says that none was", () => {
    const choice = chooseK([row(2, 0.8, 0.001, 0.999), row(3, 0.7, 0.001, 0.99)]);
    expect(choice.k).toBe(2);
    expect(choice.reason).toMatch(/No k met the usability checks/);
  });
});
