import { describe, expect, it } from "vitest";
import { cutToK, hierarchical, type Linkage } from "../src/cluster/hierarchical/index.js";
import { adjustedRandIndex } from "../src/metrics/index.js";
import { type FixtureMatrix, loadFixture, toMatrix } from "./fixtures/load.js";

interface HierarchicalFixture {
  datasets: Record<string, FixtureMatrix>;
  cases: Array<{
    dataset: string;
    linkage: Linkage;
    merges: number[];
    labels: Record<string, number[]>;
    threshold: number;
    thresholdLabels: number[];
  }>;
}

const fixture = loadFixture<HierarchicalFixture>("hierarchical.json");

describe("hierarchical clustering against SciPy and scikit-learn", () => {
  for (const c of fixture.cases) {
    const x = toMatrix(fixture.datasets[c.dataset]!);
    describe(`${c.dataset}, ${c.linkage} linkage`, () => {
      const result = hierarchical(x, { linkage: c.linkage, k: 2 });

      it("builds SciPy's linkage matrix: same pairs and sizes, heights to 1e-9 (relative)", () => {
        expect(result.merges.length).toBe(c.merges.length);
        let worst = 0;
        for (let row = 0; row < x.n - 1; row++) {
          expect([result.merges[row * 4], result.merges[row * 4 + 1], result.merges[row * 4 + 3]]).toEqual([
            c.merges[row * 4],
            c.merges[row * 4 + 1],
            c.merges[row * 4 + 3],
          ]);
          const expected = c.merges[row * 4 + 2]!;
          worst = Math.max(worst, Math.abs(result.merges[row * 4 + 2]! - expected) / Math.max(1, expected));
        }
        expect(worst).toBeLessThan(1e-9);
      });

      it("cuts into k clusters equal to AgglomerativeClustering up to label names (ARI = 1)", () => {
        for (const [k, labels] of Object.entries(c.labels)) {
          const cut = cutToK(result.merges, x.n, Number(k));
          expect(cut.k).toBe(Number(k));
          expect(adjustedRandIndex(cut.labels, labels)).toBe(1);
        }
        expect(adjustedRandIndex(result.labels, c.labels["2"]!)).toBe(1);
      });

      it("cuts at a distance threshold like AgglomerativeClustering(distance_threshold)", () => {
        const cut = hierarchical(x, { linkage: c.linkage, distanceThreshold: c.threshold });
        expect(cut.k).toBe(new Set(c.thresholdLabels).size);
        expect(adjustedRandIndex(cut.labels, c.thresholdLabels)).toBe(1);
      });
    });
  }
});
