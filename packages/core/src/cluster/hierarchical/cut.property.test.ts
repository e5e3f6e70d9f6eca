import { describe, expect, it } from "vitest";
import { fromRows, type Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { cutToK, hierarchical, type Linkage } from "./hierarchical.js";

const LINKAGES: Linkage[] = ["ward", "average", "complete", "single"];

/**
 * Data made to tie: points on a small integer grid, many rows repeated exactly, so that many
 * pairwise distances and merge heights are equal (and many are 0).
 */
function tiedData(seed: number): Matrix {
  const random = createRandom(seed);
  // Above 64 rows Ward compacts its live clusters mid-run; keep both sides of that covered.
  const n = 20 + random.int(300);
  const d = 1 + random.int(4);
  const rows: number[][] = [];
  if (seed % 2 === 0) {
    // A small integer grid: most distances tie.
    const side = 2 + random.int(4);
    for (let i = 0; i < n; i++) {
      if (rows.length > 0 && random.next() < 0.4) rows.push([...rows[random.int(rows.length)]!]);
      else rows.push(Array.from({ length: d }, () => random.int(side)));
    }
  } else {
    // Skewed integer counts, like spend per product line: a few far-out rows, ties among the rest.
    for (let i = 0; i < n; i++) {
      if (rows.length > 0 && random.next() < 0.2) rows.push([...rows[random.int(rows.length)]!]);
      else rows.push(Array.from({ length: d }, () => Math.round(Math.exp(3 + 3 * random.normal()))));
    }
  }
  return fromRows(rows);
}

/** Checks a cut has exactly k dense labels and coarsens the cut at k + 1. */
function expectNestedCuts(merges: Float64Array, n: number, maxK: number): void {
  let finer: Int32Array | null = null;
  for (let k = maxK; k >= 1; k--) {
    const cut = cutToK(merges, n, k);
    expect(cut.k).toBe(k);
    const seen = new Set<number>();
    for (const label of cut.labels) {
      expect(label).toBeGreaterThanOrEqual(0);
      expect(label).toBeLessThan(k);
      seen.add(label);
    }
    expect(seen.size).toBe(k);
    if (finer !== null) {
      // Each cluster of the finer cut lies within one cluster of this cut.
      const coarseOf = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const f = finer[i]!;
        const c = cut.labels[i]!;
        const known = coarseOf.get(f);
        if (known === undefined) coarseOf.set(f, c);
        else expect(known).toBe(c);
      }
    }
    finer = cut.labels;
  }
}

describe("cutToK on data with duplicate rows and tied distances", () => {
  for (const linkage of LINKAGES) {
    it(`gives exactly k dense, nested clusters for every k with ${linkage} linkage`, () => {
      for (let seed = 0; seed < 30; seed++) {
        const x = tiedData(seed);
        const tree = hierarchical(x, { linkage, k: 1 });
        const maxK = Math.min(x.n, 12);
        expectNestedCuts(tree.merges, x.n, maxK);
        // The top of the range, where every row is its own cluster or nearly so.
        for (const k of [x.n - 1, x.n]) {
          const cut = cutToK(tree.merges, x.n, k);
          expect(cut.k).toBe(k);
          expect(new Set(cut.labels).size).toBe(k);
        }
      }
    });
  }

  it("gives exactly k clusters when every row is the same point", () => {
    const x = fromRows(Array.from({ length: 90 }, () => [1, 2]));
    for (const linkage of LINKAGES) {
      const tree = hierarchical(x, { linkage, k: 1 });
      expectNestedCuts(tree.merges, x.n, 12);
    }
  });

  it("hierarchical's own labels match cutToK for each k", () => {
    const x = tiedData(7);
    for (const linkage of LINKAGES) {
      const tree = hierarchical(x, { linkage, k: 1 });
      for (let k = 1; k <= Math.min(x.n, 12); k++) {
        const direct = hierarchical(x, { linkage, k });
        expect(direct.k).toBe(k);
        expect(Array.from(direct.labels)).toEqual(Array.from(cutToK(tree.merges, x.n, k).labels));
      }
    }
  });

  it("rejects a linkage matrix whose merges do not form a tree", () => {
    // Row 1 joins cluster 0 again although it was consumed by the merge in row 0.
    const bad = Float64Array.from([0, 1, 1, 2, 0, 2, 2, 2]);
    expect(() => cutToK(bad, 3, 1)).toThrow(/merges/);
  });
});
