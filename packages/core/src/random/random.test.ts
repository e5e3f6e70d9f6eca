import { describe, expect, it } from "vitest";
import { createRandom, deriveSeed } from "./index.js";

describe("createRandom", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 20 }, () => a.next());
    const ys = Array.from({ length: 20 }, () => b.next());
    const zs = Array.from({ length: 20 }, () => c.next());
    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
  });

  it("keeps next() in [0, 1) with a mean near one half and uniform deciles", () => {
    const r = createRandom(7);
    const n = 200_000;
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      bins[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    // chi-square with 9 degrees of freedom; 27.9 is the 0.999 quantile
    const expected = n / 10;
    const chi2 = bins.reduce((acc, b) => acc + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it("draws integers in range covering every value", () => {
    const r = createRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = r.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  it("draws normals with mean 0 and variance 1", () => {
    const r = createRandom(3);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 1.96) beyond2++;
    }
    const mean = s / n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - mean * mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(beyond2 / n - 0.05)).toBeLessThan(0.004);
  });

  it("derives distinct child seeds that are stable", () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(5, i)));
    expect(seeds.size).toBe(100);
    expect(deriveSeed(5, 3)).toBe(deriveSeed(5, 3));
    expect(deriveSeed(5, 3)).not.toBe(deriveSeed(6, 3));
  });

  it("rejects a non-finite seed", () => {
    expect(() => createRandom(Number.NaN)).toThrow(/seed/);
  });
});
