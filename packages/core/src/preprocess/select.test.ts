import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { findOutliers } from "./outliers.js";
import { quantileSorted } from "./scaler.js";
import { quantileSelect, selectKth } from "./select.js";

/** Columns that stress a selection: random, sorted, reversed, mostly equal, with NaN and infinities. */
function columns(): Float64Array[] {
  const random = createRandom(11);
  const out: Float64Array[] = [];
  for (const n of [1, 2, 3, 4, 5, 8, 17, 100, 1001]) {
    out.push(Float64Array.from({ length: n }, () => random.normal()));
    out.push(Float64Array.from({ length: n }, (_, i) => i));
    out.push(Float64Array.from({ length: n }, (_, i) => n - i));
    out.push(Float64Array.from({ length: n }, () => (random.next() < 0.8 ? 0 : random.int(5))));
    out.push(
      Float64Array.from({ length: n }, () => {
        const u = random.next();
        return u < 0.1
          ? Number.NaN
          : u < 0.15
            ? Number.POSITIVE_INFINITY
            : u < 0.2
              ? -1e300
              : random.normal();
      }),
    );
  }
  return out;
}

/** findOutliers as it was written before selection: every median and quartile by sorting. */
function findOutliersBySorting(data: Float64Array, n: number, d: number, threshold = 5, maxShare = 0.02) {
  const score = new Float64Array(n);
  const feature = new Int32Array(n).fill(-1);
  const values = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) values[i] = data[i * d + j]!;
    const sorted = Float64Array.from(values).sort();
    const median = quantileSorted(sorted, 0.5);
    const deviations = values.map((v) => Math.abs(v - median)).sort();
    let spread = 1.4826 * quantileSorted(deviations, 0.5);
    if (!(spread > 0)) spread = (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.349;
    if (!(spread > 0)) {
      let mean = 0;
      for (const v of values) mean += v / n;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2 / n;
      spread = Math.sqrt(variance);
    }
    if (!(spread > 0)) continue;
    for (let i = 0; i < n; i++) {
      const z = Math.abs(values[i]! - median) / spread;
      if (z > score[i]!) {
        score[i] = z;
        feature[i] = j;
      }
    }
  }
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (score[i]! > threshold) candidates.push(i);
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  const kept = candidates.slice(0, Math.floor(maxShare * n));
  const mask = new Uint8Array(n);
  for (const i of kept) mask[i] = 1;
  for (let i = 0; i < n; i++) if (!mask[i]) feature[i] = -1;
  return { mask, count: kept.length, score, feature };
}

describe("selection", () => {
  it("puts the value sorting would put at position k there, smaller ones before it and larger ones after", () => {
    for (const column of columns()) {
      const present = column.filter((v) => !Number.isNaN(v));
      const sorted = Float64Array.from(present).sort();
      for (const k of new Set([0, present.length >> 1, present.length - 1])) {
        if (k < 0 || k >= present.length) continue;
        const values = Float64Array.from(present);
        const v = selectKth(values, k);
        expect(v).toBe(sorted[k]);
        expect(values[k]).toBe(sorted[k]);
        expect(values.subarray(0, k).every((u) => u <= v)).toBe(true);
        expect(values.subarray(k + 1).every((u) => u >= v)).toBe(true);
        expect(Float64Array.from(values).sort()).toEqual(sorted);
      }
    }
  });

  it("gives the same quantiles as sorting, NaN included", () => {
    for (const column of columns()) {
      const sorted = Float64Array.from(column).sort();
      for (const q of [0, 0.25, 0.5, 0.75, 0.9, 1]) {
        const fast = quantileSelect(Float64Array.from(column), q);
        const exact = quantileSorted(sorted, q);
        if (Number.isNaN(exact)) expect(fast).toBeNaN();
        else expect(fast).toBe(exact);
      }
    }
    expect(quantileSelect(new Float64Array(0), 0.5)).toBeNaN();
  });

  it("finds the same outliers, scores and features as sorting every column", () => {
    const random = createRandom(5);
    for (const [n, d] of [
      [200, 3],
      [1001, 4],
    ] as const) {
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        data[i * d] = random.normal() * (random.next() < 0.03 ? 20 : 1);
        data[i * d + 1] = random.next() < 0.7 ? 0 : random.next() * 100;
        data[i * d + 2] = random.int(3);
        if (d > 3) data[i * d + 3] = Math.exp(3 * random.normal());
      }
      const fast = findOutliers({ data, n, d }, { maxShare: 0.05 });
      const exact = findOutliersBySorting(data, n, d, 5, 0.05);
      expect(fast.count).toBe(exact.count);
      expect(fast.mask).toEqual(exact.mask);
      expect(fast.score).toEqual(exact.score);
      expect(fast.feature).toEqual(exact.feature);
    }
  });
});
