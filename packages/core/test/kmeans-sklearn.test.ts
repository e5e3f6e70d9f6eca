import { describe, expect, it } from "vitest";
import { kmeans } from "../src/cluster/kmeans/index.js";
import { type FixtureMatrix, loadFixture, toMatrix } from "./fixtures/load.js";

interface KMeansFixture extends FixtureMatrix {
  name: string;
  cases: Array<{ k: number; inertia: number }>;
}

// Written by test/fixtures/make-kmeans-fixtures.py (scikit-learn, best of 10 k-means++ restarts).
const fixtures = ["kmeans-iris.json", "kmeans-wine-standardized.json", "kmeans-blobs.json"].map((f) =>
  loadFixture<KMeansFixture>(f),
);

describe("kmeans against scikit-learn", () => {
  for (const fixture of fixtures) {
    for (const { k, inertia } of fixture.cases) {
      for (const algorithm of ["lloyd", "hamerly"] as const) {
        it(`${fixture.name}, k = ${k}, ${algorithm}: inertia within 0.5% of scikit-learn's best of 10`, () => {
          const result = kmeans(toMatrix(fixture), k, { nInit: 10, seed: 0, algorithm });
          expect(Math.abs(result.inertia - inertia) / inertia).toBeLessThanOrEqual(0.005);
        });
      }
    }
  }
});
