import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { clusterInline } from "./fit.js";
import { segmentationOptions } from "./options.js";
import { prepareMatrix } from "./prepare-matrix.js";
import { segmentationRun } from "./run.js";

/** Three groups of customers, 4 skewed features, a few missing values and a few extreme customers. */
function customers(n: number) {
  const random = createRandom(11);
  const d = 4;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const value = Math.exp((i % 3) + random.next() + j / 2);
      data[i * d + j] = i % 37 === j ? Number.NaN : i % 101 === 0 ? value * 50 : value;
    }
  return { data, n, d, features: ["recency", "orders", "revenue", "basket"] };
}

describe("a run described on a matrix prepared earlier", () => {
  it("gives the same result as preparing the matrix again, from a copy of it as another thread gets", () => {
    const input = { ...customers(600), options: segmentationOptions({ k: 3, seed: 5, mapSampleSize: 100 }) };
    const prepared = prepareMatrix(input);
    expect(prepared.outliers.count).toBeGreaterThan(0);
    expect(prepared.valuesImputed).toBeGreaterThan(0);
    const clustering = clusterInline(input, prepared.fitX, () => {});
    const again = segmentationRun(input, undefined, clustering);
    const given = segmentationRun(input, undefined, clustering, structuredClone(prepared));
    expect(given).toEqual(again);
  });
});
