import { describe, expect, it } from "vitest";
import {
  adjustedRandIndex,
  calinskiHarabasz,
  daviesBouldin,
  normalizedMutualInfo,
  silhouette,
  silhouetteRange,
  silhouetteSamples,
  silhouetteScores,
} from "../src/metrics/index.js";
import { type FixtureMatrix, loadFixture, toMatrix } from "./fixtures/load.js";

interface MetricsFixture {
  datasets: Record<string, FixtureMatrix>;
  cases: Array<{
    dataset: string;
    labelling: string;
    labels: number[];
    silhouette: number;
    silhouetteSamples: number[];
    calinskiHarabasz: number;
    daviesBouldin: number;
  }>;
  agreement: Array<{
    name: string;
    a: number[];
    b: number[];
    adjustedRandIndex: number;
    normalizedMutualInfo: number;
  }>;
}

const fixture = loadFixture<MetricsFixture>("metrics.json");

describe("cluster quality metrics against scikit-learn", () => {
  for (const c of fixture.cases) {
    const x = toMatrix(fixture.datasets[c.dataset]!);
    describe(`${c.dataset}, ${c.labelling}`, () => {
      it("silhouette equals silhouette_score to 1e-9 and every per-row value to 1e-9", () => {
        expect(Math.abs(silhouette(x, c.labels) - c.silhouette)).toBeLessThan(1e-9);
        const samples = silhouetteSamples(x, c.labels);
        let worst = 0;
        for (let i = 0; i < x.n; i++)
          worst = Math.max(worst, Math.abs(samples[i]! - c.silhouetteSamples[i]!));
        expect(worst).toBeLessThan(1e-9);
      });

      it("Calinski-Harabasz and Davies-Bouldin equal scikit-learn's to 1e-9 (relative)", () => {
        expect(Math.abs(calinskiHarabasz(x, c.labels) / c.calinskiHarabasz - 1)).toBeLessThan(1e-9);
        expect(Math.abs(daviesBouldin(x, c.labels) - c.daviesBouldin)).toBeLessThan(1e-9);
      });
    });
  }

  it("silhouetteRange over chunks reproduces silhouetteSamples exactly", () => {
    const c = fixture.cases.find((k) => k.dataset === "wine")!;
    const x = toMatrix(fixture.datasets.wine!);
    const whole = silhouetteSamples(x, c.labels);
    const parts = [
      silhouetteRange(x, c.labels, 0, 50),
      silhouetteRange(x, c.labels, 50, 51),
      silhouetteRange(x, c.labels, 51, x.n),
    ];
    const joined = new Float64Array(x.n);
    joined.set(parts[0]!, 0);
    joined.set(parts[1]!, 50);
    joined.set(parts[2]!, 51);
    expect(joined).toEqual(whole);
  });

  it("silhouetteScores scores several labellings at once, each as silhouette alone", () => {
    const cases = fixture.cases.filter((k) => k.dataset === "blobs");
    const x = toMatrix(fixture.datasets.blobs!);
    const scores = silhouetteScores(
      x,
      cases.map((k) => k.labels),
    );
    for (const [i, k] of cases.entries()) expect(Math.abs(scores[i]! - k.silhouette)).toBeLessThan(1e-9);
  });
});

describe("agreement between labellings against scikit-learn", () => {
  for (const c of fixture.agreement) {
    it(`${c.name}: ARI and NMI equal scikit-learn's to 1e-9`, () => {
      expect(Math.abs(adjustedRandIndex(c.a, c.b) - c.adjustedRandIndex)).toBeLessThan(1e-9);
      expect(Math.abs(normalizedMutualInfo(c.a, c.b) - c.normalizedMutualInfo)).toBeLessThan(1e-9);
    });
  }
});
