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

/** The two clusters merge `row` joins, each named by its smallest row and its size. */
function children(merges: ArrayLike<number>, n: number, row: number): string[] {
  const name = (id: number): string => {
    const stack = [id];
    let min = Number.POSITIVE_INFINITY;
    let size = 0;
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node < n) {
        min = Math.min(min, node);
        size++;
      } else {
        stack.push(merges[(node - n) * 4]!, merges[(node - n) * 4 + 1]!);
      }
    }
    return `${min}/${size}`;
  };
  return [name(merges[row * 4]!), name(merges[row * 4 + 1]!)].sort();
}

describe("hierarchical clustering against SciPy and scikit-learn", () => {
  for (const c of fixture.cases) {
    const x = toMatrix(fixture.datasets[c.dataset]!);
    describe(`${c.dataset}, ${c.linkage} linkage`, () => {
      const result = hierarchical(x, { linkage: c.linkage, k: 2 });

      it("builds SciPy's linkage matrix: heights to 1e-9 (relative), same pairs and sizes wherever heights are not tied", () => {
        expect(result.merges.length).toBe(c.merges.length);
        const m = x.n - 1;
        const height = (row: number) => c.merges[row * 4 + 2]!;
        // Ward runs on centroids rather than SciPy's distance matrix: equal heights (Iris has
        // many exact ties) may then be merged in another order, giving an equally valid tree.
        const tied = (row: number) =>
          (row > 0 && Math.abs(height(row) - height(row - 1)) <= 1e-12 * Math.max(1, height(row))) ||
          (row < m - 1 && Math.abs(height(row + 1) - height(row)) <= 1e-12 * Math.max(1, height(row)));
        let worst = 0;
        let compared = 0;
        for (let row = 0; row < m; row++) {
          worst = Math.max(
            worst,
            Math.abs(result.merges[row * 4 + 2]! - height(row)) / Math.max(1, height(row)),
          );
          if (c.linkage === "ward" && tied(row)) continue;
          compared++;
          if (c.linkage === "ward") {
            // Cluster ids downstream of a reordered tie differ; compare the rows each side holds.
            expect(children(result.merges, x.n, row)).toEqual(children(c.merges, x.n, row));
          } else {
            expect([result.merges[row * 4], result.merges[row * 4 + 1], result.merges[row * 4 + 3]]).toEqual([
              c.merges[row * 4],
              c.merges[row * 4 + 1],
              c.merges[row * 4 + 3],
            ]);
          }
        }
        expect(worst).toBeLessThan(1e-9);
        expect(compared).toBeGreaterThan(m / 2);
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
