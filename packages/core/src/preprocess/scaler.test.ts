import { describe, expect, it } from "vitest";
import { fromRows } from "../matrix/matrix.js";
import { fitScaler, inverseScaler, quantileSorted, transformScaler } from "./scaler.js";

const x = fromRows([
  [1, 10],
  [2, 10],
  [3, 10],
  [10, 10],
]);

describe("scalers", () => {
  it("z-score uses the mean and population standard deviation", () => {
    const s = fitScaler(x, "zscore");
    expect(s.center[0]).toBe(4);
    // deviations -3,-2,-1,6 -> variance 50/4
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(12.5), 12);
    // a constant column keeps scale 1 and maps to 0
    expect(s.scale[1]).toBe(1);
    expect(transformScaler(x, s).data[1]).toBe(0);
  });

  it("robust uses the median and the interquartile range with numpy interpolation", () => {
    const s = fitScaler(x, "robust");
    expect(s.center[0]).toBe(2.5);
    // q25 = 1.75, q75 = 4.75
    expect(s.scale[0]).toBeCloseTo(3, 12);
  });

  it("min-max maps the column onto [0, 1]", () => {
    const s = fitScaler(x, "minmax");
    const z = transformScaler(x, s);
    expect([z.data[0], z.data[2], z.data[6]]).toEqual([0, 1 / 9, 1]);
  });

  it("inverts every scaler exactly", () => {
    for (const kind of ["zscore", "robust", "minmax", "none"] as const) {
      const s = fitScaler(x, kind);
      const back = inverseScaler(transformScaler(x, s), s);
      for (let i = 0; i < x.data.length; i++) expect(back.data[i]).toBeCloseTo(x.data[i]!, 12);
    }
  });

  it("rejects an unknown scaler by name", () => {
    expect(() => fitScaler(x, "log" as never)).toThrow(/unknown scaler "log"/);
  });

  it("interpolates quantiles between order statistics", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
  });
});
