import { parseRunConfig, type RunConfigInput } from "@strata/contract";
import { adjustedRandIndex } from "@strata/core";
import { describe, expect, it } from "vitest";
import { type ClusterInput, clusterRun, RunInputError } from "./cluster-run.js";

/** Three well-separated blobs in 3-D (seeded), row i in blob i % 3. */
function blobs(n: number, seed = 7): { input: Omit<ClusterInput, "config">; truth: Int32Array } {
  let a = seed;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    return a / 2 ** 31;
  };
  const centres = [
    [0, 0, 0],
    [10, 10, 0],
    [0, 10, 10],
  ];
  const data = new Float64Array(n * 3);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 3;
    for (let j = 0; j < 3; j++) data[i * 3 + j] = centres[i % 3]![j]! + (random() - 0.5);
  }
  return { input: { data, n, d: 3, features: ["a", "b", "c"] }, truth };
}

const run = (input: Omit<ClusterInput, "config">, config: RunConfigInput) =>
  clusterRun({ ...input, config: parseRunConfig(config) });

describe("clusterRun", () => {
  const { input, truth } = blobs(300);

  it.each([
    ["kmeans", { algorithm: "kmeans", k: "auto", kMin: 2, kMax: 6 }],
    ["mini-batch k-means", { algorithm: "minibatch", k: "auto", kMin: 2, kMax: 6 }],
    ["a Gaussian mixture", { algorithm: "gmm", k: 3 }],
    ["hierarchical (ward) with auto k", { algorithm: "hierarchical", k: "auto", kMin: 2, kMax: 6 }],
  ] as const)("finds the three blobs with %s", (_name, config) => {
    const out = run(input, config);
    expect(out.k).toBe(3);
    expect(adjustedRandIndex(out.labels, truth)).toBeCloseTo(1, 6);
    expect(out.sizes).toEqual([100, 100, 100]);
    expect(out.chosenK.reason.length).toBeGreaterThan(10);
    expect(out.map.points).toHaveLength(300);
    expect(Array.from(out.distances).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it("draws the map with three principal components that keep all the variance of 3-D data", () => {
    const out = run(input, { algorithm: "kmeans", k: 3 });
    const ratios = out.map.explainedVarianceRatio;
    expect(ratios).toHaveLength(3);
    expect(ratios[0]!).toBeGreaterThanOrEqual(ratios[1]!);
    expect(ratios[0]! + ratios[1]! + ratios[2]!).toBeCloseTo(1, 3);
    // Every point has a third coordinate, and the blobs stay apart in it.
    expect(out.map.points.every((p) => p.length === 5 && Number.isFinite(p[4]))).toBe(true);
    const zs = out.map.points.map((p) => p[4]!);
    expect(Math.max(...zs) - Math.min(...zs)).toBeGreaterThan(0.1);
  });

  it("finds the three blobs with DBSCAN and a suggested radius, calling a few edge customers noise", () => {
    const out = run(input, { algorithm: "dbscan" });
    expect(out.k).toBe(3);
    const kept = Array.from(out.labels.keys()).filter((i) => out.labels[i]! >= 0);
    expect(kept.length).toBeGreaterThan(270);
    expect(out.metrics.noiseShare).toBeCloseTo((300 - kept.length) / 300, 6);
    expect(
      adjustedRandIndex(
        kept.map((i) => out.labels[i]!),
        kept.map((i) => truth[i]!),
      ),
    ).toBeCloseTo(1, 6);
    expect(out.algorithmDetails).toMatchObject({ minSamples: 5, noise: 300 - kept.length });
    expect(Number.isNaN(out.distances[out.labels.indexOf(-1)]!)).toBe(out.labels.includes(-1));
  });

  it("reports the sweep it chose k from", () => {
    const out = run(input, { k: "auto", kMin: 2, kMax: 5 });
    expect(out.modelSelection.map((p) => p.k)).toEqual([2, 3, 4, 5]);
    const inertias = out.modelSelection.map((p) => p.inertia);
    expect(inertias[1]!).toBeLessThan(inertias[0]!);
    expect(out.chosenK.k).toBe(3);
  });

  it("puts centroids back into the features' own units", () => {
    const out = run(input, { k: 3 });
    const rounded = out.centroidsOriginal
      .map((c) => c.map((v) => Math.round(v) + 0))
      .sort((p, q) => p[1]! - q[1]! || p[2]! - q[2]!);
    expect(rounded).toEqual([
      [0, 0, 0],
      [10, 10, 0],
      [0, 10, 10],
    ]);
  });

  it("fills missing values with the median, or leaves those customers out when asked", () => {
    const data = Float64Array.from(input.data);
    data[0] = Number.NaN;
    data[4] = Number.NaN;
    const withGaps = { ...input, data };
    const filled = run(withGaps, { k: 3 });
    expect(filled.preparation).toMatchObject({ rowsUsed: 300, valuesImputed: 2 });
    const dropped = run(withGaps, { k: 3, missing: "drop" });
    expect(dropped.preparation).toMatchObject({ rowsUsed: 298, rowsDropped: 2 });
    expect(Array.from(dropped.rows.subarray(0, 2))).toEqual([2, 3]);
  });

  it("leaves out a constant feature and says why", () => {
    const data = new Float64Array(300 * 4);
    for (let i = 0; i < 300; i++) {
      data.set(input.data.subarray(i * 3, i * 3 + 3), i * 4);
      data[i * 4 + 3] = 5;
    }
    const out = run({ data, n: 300, d: 4, features: ["a", "b", "c", "flat"] }, { k: 3 });
    expect(out.features).toEqual(["a", "b", "c"]);
    expect(out.droppedFeatures).toEqual([
      { feature: "flat", reason: "every customer has the same value (5)" },
    ]);
  });

  it("refuses unusable input with a sentence for the user", () => {
    const few = { data: input.data.subarray(0, 12), n: 4, d: 3, features: ["a", "b", "c"] };
    expect(() => run(few, { k: 5 })).toThrow(RunInputError);
    expect(() => run(few, { k: 5 })).toThrow(
      /Only 4 customers have usable features, but k = 5 segments needs at least 6/,
    );
    const flat = { data: new Float64Array(30).fill(1), n: 10, d: 3, features: ["a", "b", "c"] };
    expect(() => run(flat, { k: 2 })).toThrow(/has the same value for all customers/);
    expect(() => run({ ...input, n: 0, data: new Float64Array(0) }, {})).toThrow(
      /no customers with features/,
    );
  });

  it("says when DBSCAN finds only noise", () => {
    expect(() => run(input, { algorithm: "dbscan", eps: 1e-6, minSamples: 5 })).toThrow(
      /every customer is noise/,
    );
  });
});
