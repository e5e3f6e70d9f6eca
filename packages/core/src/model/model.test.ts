import { describe, expect, it } from "vitest";
import { fromRows } from "../matrix/matrix.js";
import { fitScaler } from "../preprocess/scaler.js";
import {
  assign,
  assignRecords,
  createCentroidModel,
  createMixtureModel,
  modelToJson,
  parseModel,
} from "./model.js";

const scaler = {
  kind: "zscore" as const,
  center: Float64Array.from([10, 100]),
  scale: Float64Array.from([2, 50]),
};

describe("centroid model", () => {
  const model = createCentroidModel({
    algorithm: "kmeans",
    features: ["frequency", "monetary"],
    scaler,
    centroids: Float64Array.from([0, 0, 2, 2]),
    k: 2,
    segmentNames: ["Regular", "Big spenders"],
  });

  it("scales rows, then picks the nearest centroid with distance and confidence", () => {
    // (10,100) -> (0,0): on centroid 0; (14,200) -> (2,2): on centroid 1; (12,150) -> (1,1): halfway.
    const out = assign(
      model,
      fromRows([
        [10, 100],
        [14, 200],
        [12, 150],
        [11, 100],
      ]),
    );
    expect(Array.from(out.labels.subarray(0, 2))).toEqual([0, 1]);
    expect(out.distances[0]).toBe(0);
    expect(out.confidence[0]).toBe(1);
    expect(out.confidence[2]).toBeCloseTo(0, 12);
    // (0.5, 0): distance 0.5 to c0, sqrt(1.5^2 + 4) = 2.5 to c1 -> confidence 1 - 0.5 / 2.5
    expect(out.labels[3]).toBe(0);
    expect(out.distances[3]).toBeCloseTo(0.5, 12);
    expect(out.confidence[3]).toBeCloseTo(0.8, 12);
  });

  it("survives a JSON round trip and assigns records by feature name", () => {
    const again = parseModel(modelToJson(model));
    expect(again).toEqual(model);
    const out = assignRecords(again, [{ monetary: "200", frequency: 14 }]);
    expect(out.labels[0]).toBe(1);
    expect(() => assignRecords(again, [{ frequency: 1 }])).toThrow('record 0: "monetary" is missing');
  });

  it("applies log1p before scaling when the model says so", () => {
    const m = createCentroidModel({
      algorithm: "kmeans",
      features: ["spend"],
      scaler: { kind: "none", center: new Float64Array(1), scale: Float64Array.of(1) },
      log1p: [1],
      centroids: Float64Array.of(Math.log1p(10), Math.log1p(1000)),
      k: 2,
    });
    expect(Array.from(assign(m, fromRows([[50], [300]])).labels)).toEqual([0, 1]);
  });

  it("rejects broken models naming the field", () => {
    expect(() => parseModel("{")).toThrow(/invalid segment model/);
    expect(() => parseModel({ ...model, version: 9 })).toThrow(/unsupported version 9/);
    expect(() => parseModel({ ...model, centroids: [[1]] })).toThrow(
      /centroids\[0\] must be 2 finite numbers/,
    );
    expect(() => assign(model, fromRows([[1, 2, 3]]))).toThrow(/model expects 2 columns/);
  });
});

describe("mixture model", () => {
  const unit = fitScaler(fromRows([[0], [0]]), "none");

  it("gives posterior probabilities matching a hand computation (diag)", () => {
    const model = createMixtureModel({
      algorithm: "gmm",
      features: ["x"],
      scaler: unit,
      weights: [0.5, 0.5],
      means: Float64Array.of(0, 2),
      covariances: Float64Array.of(1, 1),
      covariance: "diag",
    });
    const out = assign(model, fromRows([[0.5], [1]]));
    // log-odds of component 0 at x: ((x-2)^2 - x^2) / 2 = 2 - 2x
    expect(out.labels[0]).toBe(0);
    expect(out.confidence[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(out.confidence[1]).toBeCloseTo(0.5, 12);
    expect(out.distances[0]).toBeCloseTo(0.5, 12);
  });

  it("uses the full covariance through its Cholesky factor", () => {
    const model = createMixtureModel({
      algorithm: "gmm",
      features: ["a", "b"],
      scaler: fitScaler(fromRows([[0, 0]]), "none"),
      weights: [1, 1],
      means: Float64Array.of(0, 0, 5, 5),
      covariances: Float64Array.of(4, 0, 0, 1, 1, 0, 0, 1),
      covariance: "full",
    });
    const out = assign(model, fromRows([[2, 0]]));
    expect(out.labels[0]).toBe(0);
    // Mahalanobis distance with variance 4 along a: 2 / 2 = 1
    expect(out.distances[0]).toBeCloseTo(1, 12);
  });
});
