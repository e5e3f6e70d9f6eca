import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { fromRows } from "../matrix/matrix.js";
import {
  adjustedRandIndex,
  calinskiHarabasz,
  daviesBouldin,
  findKnee,
  inertia,
  normalizedMutualInfo,
  silhouette,
  silhouetteSamples,
  silhouetteScores,
  silhouetteSubsample,
} from "./index.js";

// Two clusters on a line: {0, 1} and {10, 12}.
const line = fromRows([[0], [1], [10], [12]]);
const lineLabels = [0, 0, 1, 1];

describe("silhouette", () => {
  it("matches a hand computation on four points on a line", () => {
    // Row 0: a = 1, b = (10 + 12) / 2 = 11 -> (11 - 1) / 11.
    const s = silhouetteSamples(line, lineLabels);
    expect(s[0]).toBeCloseTo(10 / 11, 14);
    expect(s[1]).toBeCloseTo((10 - 1) / 10, 14); // a = 1, b = (9 + 11) / 2
    expect(s[2]).toBeCloseTo((9.5 - 2) / 9.5, 14); // a = 2, b = (10 + 9) / 2
    expect(s[3]).toBeCloseTo((11.5 - 2) / 11.5, 14);
    expect(silhouette(line, lineLabels)).toBeCloseTo((10 / 11 + 0.9 + 7.5 / 9.5 + 9.5 / 11.5) / 4, 14);
  });

  it("ignores label names and gives a row alone in its cluster 0", () => {
    const x = fromRows([[0], [1], [5], [20]]);
    const s = silhouetteSamples(x, [7, 7, 3, 9]);
    expect(s[2]).toBe(0);
    expect(s[3]).toBe(0);
    expect(s[0]).toBeCloseTo((5 - 1) / 5, 14); // b = min(5, 20)
  });

  it("leaves noise rows out: NaN for them, and the score of the rest unchanged", () => {
    const x = fromRows([[0], [1], [10], [12], [100]]);
    const s = silhouetteSamples(x, [0, 0, 1, 1, -1]);
    expect(Number.isNaN(s[4]!)).toBe(true);
    expect(Array.from(s.subarray(0, 4))).toEqual(Array.from(silhouetteSamples(line, lineLabels)));
    expect(silhouette(x, [0, 0, 1, 1, -1])).toBeCloseTo(silhouette(line, lineLabels), 14);
  });

  it("rejects a single cluster and one cluster per row", () => {
    expect(() => silhouette(line, [0, 0, 0, 0])).toThrow(CoreInputError);
    expect(() => silhouette(line, [0, 1, 2, 3])).toThrow(CoreInputError);
    expect(() => silhouette(line, [0, 1])).toThrow(CoreInputError);
  });

  it("samples distinct rows with the seed, the same ones for the same seed", () => {
    const n = 1000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = i;
    const x = { data, n, d: 1 };
    const labels = Int32Array.from({ length: n }, (_, i) => (i < 500 ? 0 : 1));
    const a = silhouetteSubsample(x, labels, 100, 5);
    const b = silhouetteSubsample(x, labels, 100, 5);
    const c = silhouetteSubsample(x, labels, 100, 6);
    expect(new Set(a.rows).size).toBe(100);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows).not.toEqual(c.rows);
    for (let i = 0; i < 100; i++) expect(a.x.data[i]).toBe(a.rows[i]);
    expect(silhouette(x, labels, { sampleSize: 100, seed: 5 })).toBe(
      silhouette(x, labels, { sampleSize: 100, seed: 5 }),
    );
    const sampled = silhouette(x, labels, { sampleSize: 200, seed: 1 });
    const exact = silhouette(x, labels, { sampleSize: Number.POSITIVE_INFINITY });
    expect(Math.abs(sampled - exact)).toBeLessThan(0.05);
    expect(silhouetteScores(x, [labels], { sampleSize: 200, seed: 1 })[0]).toBeCloseTo(sampled, 12);
  });
});

describe("centroid-based indices", () => {
  it("inertia sums squared distances to each row's centroid and skips noise", () => {
    const centroids = Float64Array.from([0.5, 11]);
    expect(inertia(line, lineLabels, centroids)).toBeCloseTo(0.25 + 0.25 + 1 + 1, 14);
    expect(inertia(fromRows([[0], [1], [10], [12], [99]]), [0, 0, 1, 1, -1], centroids)).toBeCloseTo(2.5, 14);
    expect(() => inertia(line, [0, 0, 2, 2], centroids)).toThrow(CoreInputError);
  });

  it("Calinski-Harabasz matches a hand computation", () => {
    // Mean 5.75; between = 2 * 5.25^2 + 2 * 5.25^2 = 110.25; within = 0.5 + 2 = 2.5; (n-k)/(k-1) = 2.
    expect(calinskiHarabasz(line, lineLabels)).toBeCloseTo((110.25 * 2) / 2.5, 10);
  });

  it("Davies-Bouldin matches a hand computation", () => {
    // Spreads 0.5 and 1, centroid distance 10.5.
    expect(daviesBouldin(line, lineLabels)).toBeCloseTo(1.5 / 10.5, 14);
  });
});

describe("agreement", () => {
  it("ARI and NMI are 1 for the same partition under other names", () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, -1])).toBe(1);
    expect(normalizedMutualInfo([0, 0, 1, 1, 2], [5, 5, 3, 3, -1])).toBeCloseTo(1, 14);
  });

  it("ARI matches the textbook value for a small example", () => {
    // Pairs: a = {0,1,2}{3,4}, b = {0,1}{2,3,4}. Contingency [[2,1],[0,2]].
    // sum C(nij,2) = 1 + 0 + 0 + 1 = 2; rows C(3,2)+C(2,2) = 4; cols 1 + 3 = 4; C(5,2) = 10.
    // ARI = (2 - 16/10) / ((4 + 4) / 2 - 16/10) = 0.4 / 2.4.
    expect(adjustedRandIndex([0, 0, 0, 1, 1], [0, 0, 1, 1, 1])).toBeCloseTo(0.4 / 2.4, 14);
  });

  it("NMI is 0 for independent labellings and 1 for two single-cluster labellings", () => {
    expect(normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(normalizedMutualInfo([3, 3, 3], [1, 1, 1])).toBe(1);
  });

  it("rejects labellings of different lengths", () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(CoreInputError);
  });
});

describe("findKnee", () => {
  it("finds the elbow of an inertia-like curve", () => {
    const ks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const inertias = [1000, 600, 300, 100, 90, 82, 75, 70, 66, 63];
    expect(findKnee(ks, inertias)?.x).toBe(4);
  });

  it("finds the knee of y = 1/x on [0.1, 10] at x = 1, where the curve is furthest from its chord", () => {
    const xs = Array.from({ length: 100 }, (_, i) => 0.1 + i * 0.1);
    const knee = findKnee(
      xs,
      xs.map((x) => 1 / x),
    );
    expect(knee).toBeDefined();
    expect(knee!.x).toBeCloseTo(1, 10);
  });

  it("finds the knee of an increasing concave curve when told its shape", () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const ys = [0, 5, 8, 9, 9.3, 9.5, 9.6, 9.7, 9.8];
    expect(findKnee(xs, ys, { curve: "concave", direction: "increasing" })?.x).toBe(2);
  });

  it("reports no knee for a straight line or a flat curve", () => {
    expect(findKnee([1, 2, 3, 4, 5], [10, 8, 6, 4, 2])).toBeUndefined();
    expect(findKnee([1, 2, 3], [1, 1, 1])).toBeUndefined();
  });

  it("rejects x values that do not increase", () => {
    expect(() => findKnee([1, 1, 2], [3, 2, 1])).toThrow(CoreInputError);
  });
});
