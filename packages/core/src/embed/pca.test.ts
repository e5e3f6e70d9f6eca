import { describe, expect, it } from "vitest";
import { fromRows, matrix } from "../matrix/matrix.js";
import { symmetricEigen } from "./eigen.js";
import fixture from "./fixtures/pca-wine.json" with { type: "json" };
import { pca, pcaTransform } from "./pca.js";

interface Fixture {
  n: number;
  d: number;
  x: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  components: number[];
  scoresHead: number[];
}
const wine = fixture as Fixture;

describe("pca", () => {
  it("matches scikit-learn's PCA on standardised Wine: variance ratios, axes and signs", () => {
    const out = pca(matrix(Float64Array.from(wine.x), wine.n, wine.d), 3);
    for (let c = 0; c < 3; c++) {
      expect(out.explainedVarianceRatio[c]).toBeCloseTo(wine.explainedVarianceRatio[c]!, 9);
      expect(out.explainedVariance[c]).toBeCloseTo(wine.explainedVariance[c]!, 8);
    }
    for (let i = 0; i < wine.components.length; i++)
      expect(out.components[i]).toBeCloseTo(wine.components[i]!, 8);
    for (let i = 0; i < wine.scoresHead.length; i++)
      expect(out.scores.data[i]).toBeCloseTo(wine.scoresHead[i]!, 8);
  });

  it("finds the one direction of points on a line", () => {
    const out = pca(
      fromRows([
        [0, 0],
        [1, 2],
        [2, 4],
        [3, 6],
      ]),
      2,
    );
    expect(out.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(Math.abs(out.components[0]!)).toBeCloseTo(1 / Math.sqrt(5), 12);
    // projecting the fitted rows again gives the same scores
    const again = pcaTransform(out, fromRows([[3, 6]]));
    expect(again.data[0]).toBeCloseTo(out.scores.data[6]!, 12);
  });

  it("decomposes a symmetric matrix into sorted eigenpairs", () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
  });
});
