import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { findOutliers } from "./outliers.js";
import { applyTransforms, chooseTransforms, fitYeoJohnsonLambda, yeoJohnson } from "./shape.js";
import { skewness } from "./skewness.js";

function lognormalColumn(n: number, seed: number, shift = 0): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, () => Math.exp(2 + 1.2 * random.normal()) + shift);
}

describe("chooseTransforms", () => {
  it("takes the log of a skewed non-negative column and leaves a symmetric one alone", () => {
    const n = 2000;
    const spend = lognormalColumn(n, 1);
    const random = createRandom(2);
    const symmetric = Float64Array.from({ length: n }, () => random.normal());
    const data = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      data[i * 2] = spend[i]!;
      data[i * 2 + 1] = symmetric[i]!;
    }
    const transforms = chooseTransforms({ data, n, d: 2 });
    expect(transforms[0]!.kind).toBe("log1p");
    expect(Math.abs(transforms[0]!.skewAfter)).toBeLessThan(Math.abs(transforms[0]!.skewBefore));
    expect(transforms[1]!.kind).toBe("none");
    const out = applyTransforms({ data, n, d: 2 }, transforms);
    expect(out.data[0]).toBeCloseTo(Math.log1p(spend[0]!), 12);
    expect(out.data[1]).toBe(symmetric[0]);
  });

  it("uses Yeo-Johnson for a skewed column with negative values and makes it more symmetric", () => {
    const n = 3000;
    const values = lognormalColumn(n, 3, -20);
    const [t] = chooseTransforms({ data: values, n, d: 1 });
    expect(t!.kind).toBe("yeo-johnson");
    expect(Math.abs(t!.skewAfter)).toBeLessThan(1);
    expect(Math.abs(skewness(values))).toBeGreaterThan(2);
  });

  it("Yeo-Johnson with lambda 0 on non-negative values is log(1 + x), and is monotone", () => {
    expect(yeoJohnson(3, 0)).toBeCloseTo(Math.log1p(3), 12);
    const lambda = fitYeoJohnsonLambda(lognormalColumn(500, 4, -5));
    let previous = Number.NEGATIVE_INFINITY;
    for (let v = -10; v <= 10; v += 0.5) {
      const y = yeoJohnson(v, lambda);
      expect(y).toBeGreaterThan(previous);
      previous = y;
    }
  });
});

describe("findOutliers", () => {
  it("sets aside the few extreme rows, never more than the maximum share", () => {
    const n = 1000;
    const random = createRandom(5);
    const data = Float64Array.from({ length: n * 2 }, () => random.normal());
    for (const i of [10, 20, 30]) data[i * 2] = 40;
    const found = findOutliers({ data, n, d: 2 });
    expect(found.count).toBe(3);
    expect([10, 20, 30].every((i) => found.mask[i] === 1)).toBe(true);
    expect(found.feature[10]).toBe(0);

    for (let i = 0; i < 100; i++) data[i * 2 + 1] = 50 + i;
    const capped = findOutliers({ data, n, d: 2 }, { maxShare: 0.02 });
    expect(capped.count).toBe(20);
    // The most extreme go first.
    expect(capped.mask[99]).toBe(1);
  });

  it("measures mostly-zero columns by their spread instead of a zero MAD", () => {
    const n = 500;
    const data = new Float64Array(n);
    for (let i = 0; i < 100; i++) data[i] = 0.1 + (i % 10) * 0.01;
    data[499] = 1;
    const found = findOutliers({ data, n, d: 1 }, { threshold: 3 });
    expect(found.mask[499]).toBe(1);
    expect(found.count).toBeLessThanOrEqual(10);
  });
});
