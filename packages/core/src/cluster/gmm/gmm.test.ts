import { describe, expect, it } from "vitest";
import { CancelledError, CoreInputError } from "../../errors.js";
import { fromRows, type Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { gaussianMixture, gaussianMixturePredict, parameterCount } from "./gmm.js";

function twoBlobs(n: number, seed: number): Matrix {
  const random = createRandom(seed);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const shift = i < n / 2 ? 0 : 10;
    data[i * 2] = shift + random.normal();
    data[i * 2 + 1] = shift + 2 * random.normal();
  }
  return { data, n, d: 2 };
}

describe("gaussianMixture", () => {
  it("fits two blobs: weights, means and variances close to the generating ones", () => {
    const x = twoBlobs(2000, 1);
    for (const covariance of ["full", "diag"] as const) {
      const result = gaussianMixture(x, 2, { covariance, seed: 4 });
      const first = result.means[0]! < 5 ? 0 : 1;
      const second = 1 - first;
      expect(result.weights[first]).toBeCloseTo(0.5, 1);
      expect(result.means[first * 2]).toBeCloseTo(0, 0);
      expect(result.means[second * 2 + 1]).toBeCloseTo(10, 0);
      const variances =
        covariance === "full"
          ? [result.covariances[first * 4]!, result.covariances[first * 4 + 3]!]
          : [result.covariances[first * 2]!, result.covariances[first * 2 + 1]!];
      expect(variances[0]).toBeCloseTo(1, 0);
      expect(Math.abs(variances[1]! - 4)).toBeLessThan(0.5);
      expect(result.labels[0]).toBe(first);
      expect(result.labels[1999]).toBe(second);
      expect(result.converged).toBe(true);
    }
  });

  it("gives soft memberships that sum to 1 and a log-likelihood that predict reproduces", () => {
    const x = twoBlobs(200, 2);
    const result = gaussianMixture(x, 3, { seed: 1 });
    for (let i = 0; i < x.n; i++) {
      const row = result.probabilities.subarray(i * 3, i * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const again = gaussianMixturePredict(result, x);
    expect(again.logLikelihood).toBeCloseTo(result.logLikelihood, 8);
    expect(again.labels).toEqual(result.labels);
    expect(result.bic).toBeCloseTo(
      -2 * result.logLikelihood + parameterCount(3, 2, "full") * Math.log(200),
      8,
    );
    expect(result.aic).toBeCloseTo(-2 * result.logLikelihood + 2 * parameterCount(3, 2, "full"), 8);
  });

  it("matches the closed form for one component: the sample mean and (biased) covariance", () => {
    const x = fromRows([
      [0, 0],
      [2, 0],
      [0, 4],
      [2, 4],
    ]);
    const result = gaussianMixture(x, 1, { regCovar: 0 });
    const close = (values: number[]) => values.map((v) => expect.closeTo(v, 12));
    expect(Array.from(result.means)).toEqual(close([1, 2]));
    expect(Array.from(result.covariances)).toEqual(close([1, 0, 0, 4]));
    // log N for each row: -log(2 pi) - 0.5 log det - 0.5 * 2 (every row is one sd away in both columns).
    expect(result.logLikelihood).toBeCloseTo(4 * (-Math.log(2 * Math.PI) - 0.5 * Math.log(4) - 1), 12);
  });

  it("is deterministic for a seed", () => {
    const x = twoBlobs(300, 3);
    const a = gaussianMixture(x, 4, { seed: 9, nInit: 2 });
    const b = gaussianMixture(x, 4, { seed: 9, nInit: 2 });
    expect(a.logLikelihood).toBe(b.logLikelihood);
    expect(a.labels).toEqual(b.labels);
  });

  it("explains a collapsed component instead of failing obscurely", () => {
    const x = fromRows([
      [1, 1],
      [1, 1],
      [1, 1],
      [5, 5],
      [5, 5],
      [5, 5],
    ]);
    expect(() => gaussianMixture(x, 2, { regCovar: 0 })).toThrow(/regCovar/);
    expect(gaussianMixture(x, 2).k).toBe(2);
  });

  it("rejects bad options and stops when onProgress returns false", () => {
    const x = twoBlobs(50, 4);
    expect(() => gaussianMixture(x, 0)).toThrow(CoreInputError);
    expect(() => gaussianMixture(x, 51)).toThrow(CoreInputError);
    expect(() => gaussianMixture(x, 2, { covariance: "spherical" as never })).toThrow(CoreInputError);
    expect(() => gaussianMixture(x, 2, { onProgress: () => false })).toThrow(CancelledError);
  });
});
