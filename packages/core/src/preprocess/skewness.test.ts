import { describe, expect, it } from "vitest";
import { skewness } from "./skewness.js";

describe("skewness", () => {
  it("matches scipy.stats.skew (biased) on a right-skewed sample", () => {
    // mean 4, m2 = 10, m3 = 36: 36 / 10^1.5
    expect(skewness([1, 2, 3, 4, 10])).toBeCloseTo(1.1384199576606167, 12);
    expect(skewness(Float64Array.from([-1, -2, -3, -4, -10]))).toBeCloseTo(-1.1384199576606167, 12);
  });

  it("is 0 for a symmetric sample, a constant one and fewer than three values", () => {
    expect(skewness([1, 2, 3, 4, 5])).toBe(0);
    expect(skewness([7, 7, 7, 7])).toBe(0);
    expect(skewness([1, 100])).toBe(0);
  });
});
