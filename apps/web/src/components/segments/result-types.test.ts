import { RUN_ALGORITHMS } from "@strata/api/contract";
import { describe, expect, it } from "vitest";
import {
  ALGORITHM_LABELS,
  featureLabel,
  formatNumber,
  formatPercent,
  readRunResult,
  segmentColor,
  segmentLabel,
} from "./result-types";

describe("readRunResult", () => {
  it("returns null for a run without a result document", () => {
    expect(readRunResult(null)).toBeNull();
    expect(readRunResult("nope")).toBeNull();
  });

  it("fills parts an older run lacks with empty values instead of failing", () => {
    const result = readRunResult({ algorithm: "dbscan", k: 2, sizes: [10, 5] });
    expect(result).toMatchObject({
      algorithm: "dbscan",
      k: 2,
      sizes: [10, 5],
      modelSelection: [],
      tsne: [],
      transforms: [],
      outliers: null,
      stability: null,
      explanation: null,
      map: { method: "pca", points: [], explainedVarianceRatio: [] },
      algorithmDetails: {},
    });
  });

  it("reads a result the api already parsed unchanged", () => {
    const once = readRunResult({ k: 1, sizes: [4], centroidsOriginal: [[null]] });
    expect(once?.algorithm).toBe("kmeans");
    expect(once?.centroidsOriginal[0]?.[0]).toBeNaN();
    expect(readRunResult(once)).toEqual(once);
  });

  it("returns null for a document that is not a result", () => {
    expect(readRunResult({ sizes: "many" })).toBeNull();
  });
});

describe("ALGORITHM_LABELS", () => {
  it("names every algorithm the run form offers", () => {
    for (const algorithm of RUN_ALGORITHMS) expect(ALGORITHM_LABELS[algorithm]).toBeTruthy();
    expect(ALGORITHM_LABELS.dbscan).toBe("DBSCAN");
  });
});

describe("labels and numbers", () => {
  it("names noise and unnamed segments, and gives noise grey", () => {
    expect(segmentLabel(-1, ["A"])).toBe("Noise");
    expect(segmentLabel(0, ["A"])).toBe("A");
    expect(segmentLabel(3, ["A"])).toBe("Segment 4");
    expect(segmentColor(-1)).toBe("#94a3b8");
    expect(segmentColor(0)).not.toBe(segmentColor(1));
  });

  it("formats missing values as a dash, tiny values as 0 and large ones compactly", () => {
    expect(formatNumber(null)).toBe("–");
    expect(formatNumber(Number.NaN)).toBe("–");
    expect(formatNumber(-0.0001)).toBe("0");
    expect(formatNumber(1234.567)).toBe("1,234.57");
    expect(formatNumber(466_400)).toBe("466.4k");
    expect(formatPercent(0.1234)).toBe("12.3%");
  });

  it("never shows a share as minus zero", () => {
    expect(formatPercent(-0)).toBe("0%");
    expect(formatPercent(-0.0001)).toBe("0%");
    expect(formatPercent(-0.00049)).toBe("0%");
    expect(formatPercent(0.00001)).toBe("0%");
    expect(formatPercent(-0.002)).toBe("-0.2%");
    expect(formatPercent(-0.25)).toBe("-25%");
  });

  it("reads feature names as words", () => {
    expect(featureLabel("recency_days")).toBe("recency days");
    expect(featureLabel("channel_share:parcel")).toBe("channel share: parcel");
  });
});
