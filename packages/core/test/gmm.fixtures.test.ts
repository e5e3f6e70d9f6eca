import { describe, expect, it } from "vitest";
import { type CovarianceType, gaussianMixture } from "../src/cluster/gmm/index.js";
import { adjustedRandIndex } from "../src/metrics/index.js";
import { type FixtureMatrix, loadFixture, toMatrix } from "./fixtures/load.js";

interface GmmFixture {
  datasets: Record<string, FixtureMatrix>;
  targets: Record<string, number[]>;
  cases: Array<{
    dataset: string;
    k: number;
    covariance: CovarianceType;
    labels: number[];
    logLikelihood: number;
    bic: number;
    aic: number;
    weights: number[];
  }>;
}

const fixture = loadFixture<GmmFixture>("gmm.json");

describe("Gaussian mixture against scikit-learn", () => {
  for (const c of fixture.cases) {
    const x = toMatrix(fixture.datasets[c.dataset]!);
    it(`${c.dataset}, ${c.covariance} covariance: the same fit (log-likelihood to 1e-6 relative, ARI 1)`, () => {
      const result = gaussianMixture(x, c.k, {
        covariance: c.covariance,
        nInit: 5,
        seed: 0,
        tol: 1e-6,
        maxIter: 500,
      });
      expect(Math.abs(result.logLikelihood - c.logLikelihood) / Math.abs(c.logLikelihood)).toBeLessThan(1e-6);
      expect(Math.abs(result.bic - c.bic) / Math.abs(c.bic)).toBeLessThan(1e-6);
      expect(Math.abs(result.aic - c.aic) / Math.abs(c.aic)).toBeLessThan(1e-6);
      expect(adjustedRandIndex(result.labels, c.labels)).toBe(1);
      expect([...result.weights].sort()).toEqual([...c.weights].sort().map((w) => expect.closeTo(w, 5)));
    });
  }

  it("recovers the generating clusters of separated blobs as well as scikit-learn does (ARI 0.98)", () => {
    const x = toMatrix(fixture.datasets.separated!);
    const result = gaussianMixture(x, 3, { covariance: "full", seed: 3 });
    const sklearn = fixture.cases.find((c) => c.dataset === "separated" && c.covariance === "full")!;
    expect(adjustedRandIndex(result.labels, sklearn.labels)).toBe(1);
    expect(adjustedRandIndex(result.labels, fixture.targets.separated!)).toBeGreaterThan(0.97);
  });
});
