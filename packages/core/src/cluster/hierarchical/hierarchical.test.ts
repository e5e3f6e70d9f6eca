import { describe, expect, it } from "vitest";
import { CancelledError, CoreInputError } from "../../errors.js";
import { fromRows } from "../../matrix/matrix.js";
import { cutAtHeight, hierarchical, MAX_HIERARCHICAL_ROWS, truncateDendrogram } from "./hierarchical.js";

// Rows on a line at 0, 1, 5, 6, 20: pairs {0,1} and {5,6} merge first at height 1.
const line = fromRows([[0], [1], [5], [6], [20]]);

describe("hierarchical", () => {
  it("single linkage merges by nearest pair, recorded as SciPy's linkage matrix", () => {
    const result = hierarchical(line, { linkage: "single", k: 3 });
    expect(Array.from(result.merges)).toEqual([0, 1, 1, 2, 2, 3, 1, 2, 5, 6, 4, 4, 4, 7, 14, 5]);
    expect(Array.from(result.labels)).toEqual([0, 0, 1, 1, 2]);
    expect(result.k).toBe(3);
  });

  it("complete and average linkage use the farthest and the mean pair distance", () => {
    const complete = hierarchical(line, { linkage: "complete", k: 1 });
    // {0,1} with {5,6}: farthest pair 0..6 = 6; then with 20: 20.
    expect(complete.merges[2 * 4 + 2]).toBe(6);
    expect(complete.merges[3 * 4 + 2]).toBe(20);
    const average = hierarchical(line, { linkage: "average", k: 1 });
    // Mean of |0-5|, |0-6|, |1-5|, |1-6| = 5; then mean distance of 0,1,5,6 to 20 = 17.
    expect(average.merges[2 * 4 + 2]).toBe(5);
    expect(average.merges[3 * 4 + 2]).toBe(17);
  });

  it("ward linkage heights are sqrt(2 * increase in within-cluster sum of squares)", () => {
    const result = hierarchical(line, { linkage: "ward", k: 2 });
    // Merging {0,1} and {5,6}: SSE goes from 0.5 + 0.5 to 26 (around 3), increase 25.
    expect(result.merges[2 * 4 + 2]).toBeCloseTo(Math.sqrt(2 * 25), 12);
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 0, 1]);
  });

  it("gives the dendrogram's leaf order and merge heights", () => {
    const result = hierarchical(line, { linkage: "single" });
    expect(Array.from(result.dendrogram.leafOrder)).toEqual([4, 0, 1, 2, 3]);
    expect(Array.from(result.dendrogram.heights)).toEqual([1, 1, 4, 14]);
  });

  it("truncates the dendrogram to its top p clusters for drawing", () => {
    const result = hierarchical(line, { linkage: "single" });
    // Merges: (0,1)->5 at 1, (2,3)->6 at 1, (5,6)->7 at 4, (4,7)->8 at 14.
    const top = truncateDendrogram(result.merges, 5, 3);
    expect(top.leaves).toEqual([
      { id: 4, size: 1 },
      { id: 5, size: 2 },
      { id: 6, size: 2 },
    ]);
    expect(Array.from(top.merges)).toEqual([1, 2, 4, 4, 0, 3, 14, 5]);
    expect(truncateDendrogram(result.merges, 5, 1).leaves).toEqual([{ id: 8, size: 5 }]);
    expect(truncateDendrogram(result.merges, 5, 99).leaves.map((l) => l.id)).toEqual([4, 0, 1, 2, 3]);
  });

  it("cuts at a distance threshold: only merges below it join clusters", () => {
    const result = hierarchical(line, { linkage: "single", distanceThreshold: 4 });
    expect(result.k).toBe(3);
    expect(cutAtHeight(result.merges, 5, 4.0001).k).toBe(2);
    expect(cutAtHeight(result.merges, 5, 0).k).toBe(5);
  });

  it("refuses more rows than it can hold, naming the limit", () => {
    const n = MAX_HIERARCHICAL_ROWS + 1;
    const big = { data: new Float64Array(n), n, d: 1 };
    expect(() => hierarchical(big)).toThrow(CoreInputError);
    expect(() => hierarchical(big)).toThrow(/20000 rows/);
  });

  it("rejects bad options", () => {
    expect(() => hierarchical(line, { k: 0 })).toThrow(CoreInputError);
    expect(() => hierarchical(line, { k: 6 })).toThrow(CoreInputError);
    expect(() => hierarchical(line, { k: 2, distanceThreshold: 1 })).toThrow(CoreInputError);
    expect(() => hierarchical(line, { linkage: "centroid" as never })).toThrow(CoreInputError);
  });

  it("handles a single row and stops when onProgress returns false", () => {
    const one = hierarchical(fromRows([[3, 4]]), { k: 1 });
    expect(Array.from(one.labels)).toEqual([0]);
    expect(one.merges.length).toBe(0);
    const rows = Array.from({ length: 600 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);
    expect(() => hierarchical(fromRows(rows), { onProgress: () => false })).toThrow(CancelledError);
  });
});
