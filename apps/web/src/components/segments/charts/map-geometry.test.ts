import { describe, expect, it } from "vitest";
import {
  buildGrid,
  dotStamp,
  nearestPoint,
  nextInDirection,
  niceTicks,
  orderByKey,
  parseHex,
  splatDots,
} from "./map-geometry";

function scatter(n: number, width: number, height: number) {
  let s = 7;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const sx = new Float32Array(n);
  const sy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    sx[i] = random() * width;
    sy[i] = random() * height;
  }
  return { sx, sy };
}

describe("map geometry", () => {
  it("finds the same point under the pointer as a scan of every point", () => {
    const { sx, sy } = scatter(20_000, 800, 400);
    const grid = buildGrid(sx, sy, 800, 400, 16);
    for (let t = 0; t < 200; t++) {
      const x = (t * 37) % 800;
      const y = (t * 53) % 400;
      let best = -1;
      let bestD = 8 * 8;
      for (let i = 0; i < sx.length; i++) {
        const d = (sx[i]! - x) ** 2 + (sy[i]! - y) ** 2;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
      const found = nearestPoint(grid, sx, sy, x, y, 8);
      if (best < 0) expect(found).toBe(-1);
      else expect((sx[found]! - x) ** 2 + (sy[found]! - y) ** 2).toBeCloseTo(bestD, 6);
    }
  });

  it("names nothing far from every dot, and ignores points drawn outside the canvas", () => {
    const sx = Float32Array.from([10, 500]);
    const sy = Float32Array.from([10, 10]);
    const grid = buildGrid(sx, sy, 100, 100, 16);
    expect(nearestPoint(grid, sx, sy, 60, 60, 8)).toBe(-1);
    expect(nearestPoint(grid, sx, sy, 12, 9, 8)).toBe(0);
    expect(grid.items.length).toBe(1);
  });

  it("prefers the dot drawn on top when two overlap", () => {
    const sx = Float32Array.from([50, 50]);
    const sy = Float32Array.from([50, 50]);
    const onTopFirst = buildGrid(sx, sy, 100, 100, 16, Int32Array.from([1, 0]));
    expect(nearestPoint(onTopFirst, sx, sy, 50, 50, 8)).toBe(0);
    const onTopSecond = buildGrid(sx, sy, 100, 100, 16, Int32Array.from([0, 1]));
    expect(nearestPoint(onTopSecond, sx, sy, 50, 50, 8)).toBe(1);
  });

  it("orders by depth like a comparator sort does", () => {
    const keys = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
    const order = orderByKey(keys);
    for (let t = 1; t < order.length; t++)
      expect(keys[order[t]!]!).toBeGreaterThanOrEqual(keys[order[t - 1]!]! - 1e-1);
    expect(new Set(order).size).toBe(5000);
  });

  it("walks to the nearest customer in the pressed direction", () => {
    const sx = Float32Array.from([100, 140, 100, 60, 100, 300]);
    const sy = Float32Array.from([100, 102, 60, 100, 150, 100]);
    expect(nextInDirection(sx, sy, 0, "right")).toBe(1);
    expect(nextInDirection(sx, sy, 0, "up")).toBe(2);
    expect(nextInDirection(sx, sy, 0, "left")).toBe(3);
    expect(nextInDirection(sx, sy, 0, "down")).toBe(4);
    expect(nextInDirection(sx, sy, 5, "right")).toBe(5);
  });

  it("gives round ticks that cover the data", () => {
    const ticks = niceTicks(-3.2, 17.9);
    expect(ticks[0]).toBeLessThanOrEqual(-3.2);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(17.9);
    expect(ticks).toEqual([-10, 0, 10, 20]);
    expect(niceTicks(2, 2).length).toBeGreaterThan(1);
  });
});

describe("dot splatting", () => {
  it("paints an opaque dot in its colour and blends a translucent one over it", () => {
    const width = 20;
    const height = 10;
    const pixels = new Uint8ClampedArray(width * height * 4);
    const sx = Float32Array.from([5, 5]);
    const sy = Float32Array.from([5, 5]);
    const colors = [parseHex("#ff0000"), parseHex("#0000ff")] as const;
    splatDots(
      pixels,
      width,
      height,
      sx,
      sy,
      Int32Array.from([0]),
      Uint8Array.from([0, 1]),
      colors,
      1,
      dotStamp(2),
      1,
    );
    const centre = 4 * (5 * width + 5);
    expect(Array.from(pixels.subarray(centre, centre + 4))).toEqual([255, 0, 0, 255]);
    expect(pixels[4 * (5 * width + 15) + 3]).toBe(0);
    splatDots(
      pixels,
      width,
      height,
      sx,
      sy,
      Int32Array.from([0, 1]),
      Uint8Array.from([0, 1]),
      colors,
      0.5,
      dotStamp(2),
      1,
    );
    const [r, g, b, a] = Array.from(pixels.subarray(centre, centre + 4));
    expect(Math.abs(a! - 191)).toBeLessThanOrEqual(1);
    // The dot drawn last (blue) is on top: it shows more than the red under it.
    expect(b).toBeGreaterThan(r!);
    expect(r).toBeGreaterThan(50);
    expect(g).toBe(0);
  });
});
