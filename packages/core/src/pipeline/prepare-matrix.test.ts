import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { segmentationOptions } from "./options.js";
import { prepareMatrix } from "./prepare-matrix.js";

/** The median of the finite values by sorting them. */
function medianBySorting(values: number[]): number {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe("prepareMatrix", () => {
  it("fills a missing value with the median of the column's present values, as sorting gives it", () => {
    const random = createRandom(2);
    for (const n of [9, 10, 301, 1000]) {
      const d = 3;
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        data[i * d] = random.next() < 0.1 ? Number.NaN : random.normal();
        data[i * d + 1] = random.next() < 0.2 ? Number.NaN : random.int(3);
        data[i * d + 2] = i === 0 ? Number.NaN : random.next() * 100;
      }
      const prepared = prepareMatrix({
        data,
        n,
        d,
        features: ["a", "b", "c"],
        options: segmentationOptions({ k: 2, transform: "none" }),
      });
      expect(prepared.features).toEqual(["a", "b", "c"]);
      for (let j = 0; j < d; j++) {
        const column = Array.from({ length: n }, (_, i) => data[i * d + j]!);
        expect(prepared.fill[j]).toBe(medianBySorting(column));
      }
    }
  });

  it("drops a feature every customer has the same value of, and one no customer has", () => {
    const n = 50;
    const data = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      data[i * 3] = i;
      data[i * 3 + 1] = i % 7 === 0 ? Number.NaN : 4;
      data[i * 3 + 2] = Number.NaN;
    }
    const prepared = prepareMatrix({
      data,
      n,
      d: 3,
      features: ["a", "b", "c"],
      options: segmentationOptions({ k: 2 }),
    });
    expect(prepared.features).toEqual(["a"]);
    expect(prepared.dropped).toEqual([
      { feature: "b", reason: "every customer has the same value (4)" },
      { feature: "c", reason: "no customer has a value" },
    ]);
  });

  it("gives the same matrices without copying the input when nothing is missing and scale is none", () => {
    const random = createRandom(5);
    const n = 2000;
    const d = 3;
    const data = Float64Array.from({ length: n * d }, () => random.normal());
    data[7] = 40; // an outlier, set aside while fitting
    const before = Float64Array.from(data);
    const options = (scaler: "none" | "zscore") =>
      segmentationOptions({ k: 3, scaler, transform: "none", outliers: "set-aside" });
    const unscaled = prepareMatrix({ data, n, d, features: ["a", "b", "c"], options: options("none") });
    // The same values a copy would hold, (v - 0) / 1 included.
    expect(unscaled.original.data).toBe(data);
    expect(unscaled.x.data).toBe(data);
    expect(Array.from(unscaled.scaler.center)).toEqual([0, 0, 0]);
    expect(unscaled.outliers.count).toBeGreaterThan(0);
    expect(unscaled.fitX.n).toBe(n - unscaled.outliers.count);
    for (let r = 0; r < unscaled.fitX.n; r++) {
      for (let t = 0; t < d; t++)
        expect(unscaled.fitX.data[r * d + t]).toBe(data[unscaled.fitRows[r]! * d + t]);
    }
    // A scaled run still copies, and nothing writes to the input.
    const scaled = prepareMatrix({ data, n, d, features: ["a", "b", "c"], options: options("zscore") });
    expect(scaled.x.data).not.toBe(data);
    expect(Array.from(data)).toEqual(Array.from(before));
  });
});
