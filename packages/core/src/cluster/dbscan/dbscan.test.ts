import { describe, expect, it } from "vitest";
import { CancelledError, CoreInputError } from "../../errors.js";
import { fromRows, type Matrix } from "../../matrix/matrix.js";
import { createRandom } from "../../random/index.js";
import { dbscan } from "./dbscan.js";
import { KdTree } from "./kd-tree.js";
import { kDistanceCurve, suggestEps } from "./suggest-eps.js";

const algorithms = ["grid", "kd-tree"] as const;

/** Brute-force DBSCAN written the way scikit-learn's dbscan_inner walks, as a reference. */
function bruteForce(x: Matrix, eps: number, minSamples: number): { labels: number[]; isCore: number[] } {
  const { data, n, d } = x;
  const neighbours: number[][] = [];
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t]! - data[j * d + t]!) ** 2;
      if (s <= eps * eps) list.push(j);
    }
    neighbours.push(list);
  }
  const isCore = neighbours.map((l) => (l.length >= minSamples ? 1 : 0));
  const labels = new Array<number>(n).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || isCore[i] === 0) continue;
    const stack = [i];
    labels[i] = next;
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (isCore[p] === 0) continue;
      for (const q of neighbours[p]!) {
        if (labels[q] === -1) {
          labels[q] = next;
          stack.push(q);
        }
      }
    }
    next++;
  }
  return { labels, isCore };
}

function randomMatrix(n: number, d: number, seed: number, spread: number): Matrix {
  const random = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const centre = random.int(4) * spread;
    for (let t = 0; t < d; t++) data[i * d + t] = centre + random.normal();
  }
  return { data, n, d };
}

describe("dbscan", () => {
  for (const algorithm of algorithms) {
    it(`finds two chains and noise on a line (${algorithm})`, () => {
      const x = fromRows([[0], [1], [2], [3], [10], [11], [12], [30]]);
      const result = dbscan(x, { eps: 1, minSamples: 3, algorithm });
      expect(Array.from(result.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, -1]);
      // Ends of a chain have only two neighbours within eps (themselves and the next row).
      expect(Array.from(result.isCore)).toEqual([0, 1, 1, 0, 0, 1, 0, 0]);
      expect(result.nClusters).toBe(2);
      expect(result.noise).toBe(1);
    });

    it(`counts a row at exactly eps as a neighbour (${algorithm})`, () => {
      const x = fromRows([
        [0, 0],
        [0.5, 0],
        [1, 0],
      ]);
      expect(Array.from(dbscan(x, { eps: 0.5, minSamples: 3, algorithm }).isCore)).toEqual([0, 1, 0]);
    });

    it(`gives a border row shared by two clusters to the lower-numbered one, like scikit-learn (${algorithm})`, () => {
      // Row 6 at 5 is within eps 1.5 of the core rows 4 (cluster 0) and 6 (cluster 1).
      const x = fromRows([[2], [3], [4], [8], [7], [6], [5]]);
      const result = dbscan(x, { eps: 1.01, minSamples: 3, algorithm });
      expect(Array.from(result.labels)).toEqual(bruteForce(x, 1.01, 3).labels);
      expect(result.labels[6]).toBe(0);
    });

    it(`matches a brute-force scikit-learn-style walk on random data in 1 to 5 dimensions (${algorithm})`, () => {
      for (let d = 1; d <= (algorithm === "grid" ? 3 : 5); d++) {
        for (const [eps, minSamples] of [
          [0.3, 4],
          [0.6, 8],
          [0.15, 2],
        ] as const) {
          const x = randomMatrix(400, d, 10 * d + minSamples, 3);
          // Also squash the last column so that it spans only a few grid cells.
          const thin = { ...x, data: x.data.map((v, i) => (i % d === d - 1 && d > 1 ? v * 0.05 : v)) };
          for (const m of [x, thin]) {
            const expected = bruteForce(m, eps, minSamples);
            const result = dbscan(m, { eps, minSamples, algorithm });
            expect(Array.from(result.isCore)).toEqual(expected.isCore);
            expect(Array.from(result.labels)).toEqual(expected.labels);
          }
        }
      }
    });
  }

  it("matches the brute-force walk when far rows make the key space too large for a lookup table", () => {
    // A few rows 10^5 away stretch the grid to more cells than a table from key to cell should
    // hold, so the grid is built by sorting keys instead; both builds must give the same result.
    for (let d = 1; d <= 3; d++) {
      const x = randomMatrix(300, d, 40 + d, 3);
      for (let i = 0; i < 3; i++) x.data[i * d] = 1e5 * (i + 1);
      for (const [eps, minSamples] of [
        [0.3, 4],
        [0.7, 6],
      ] as const) {
        const expected = bruteForce(x, eps, minSamples);
        const result = dbscan(x, { eps, minSamples, algorithm: "grid" });
        expect(Array.from(result.isCore)).toEqual(expected.isCore);
        expect(Array.from(result.labels)).toEqual(expected.labels);
      }
    }
  });

  it("matches the brute-force walk on crowded blobs, where whole cells are core and clusters nearly touch", () => {
    const random = createRandom(21);
    for (let d = 1; d <= 3; d++) {
      const n = 1500;
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        // Five tight blobs along a line, 1.2 apart, plus a thin bridge of rows and some noise.
        const kind = random.next();
        for (let t = 0; t < d; t++) {
          if (kind < 0.8) data[i * d + t] = (t === 0 ? 1.2 * random.int(5) : 0) + 0.15 * random.normal();
          else if (kind < 0.9) data[i * d + t] = t === 0 ? random.next() * 6 : 0.05 * random.normal();
          else data[i * d + t] = random.next() * 6 - 0.5;
        }
      }
      const x = { data, n, d };
      for (const [eps, minSamples] of [
        [0.1, 5],
        [0.25, 12],
        [0.4, 30],
      ] as const) {
        const expected = bruteForce(x, eps, minSamples);
        for (const algorithm of algorithms) {
          const result = dbscan(x, { eps, minSamples, algorithm });
          expect(Array.from(result.isCore)).toEqual(expected.isCore);
          expect(Array.from(result.labels)).toEqual(expected.labels);
        }
      }
    }
  });

  it("gives the same core rows and labels through the grid as through the KD-tree on 20,000 random rows", () => {
    // Too many rows for the brute-force walk: the two indexes check each other, on blobs with
    // uniform noise like the benchmark's, at a radius where cells hold from one to hundreds of rows.
    const random = createRandom(31);
    for (const d of [1, 2, 3]) {
      const n = 20_000;
      const centres = Array.from({ length: 8 }, () => Array.from({ length: d }, () => random.next() * 20));
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const isNoise = random.next() < 0.05;
        const centre = centres[random.int(8)]!;
        for (let t = 0; t < d; t++)
          data[i * d + t] = isNoise ? random.next() * 20 : centre[t]! + 0.5 * random.normal();
      }
      const x = { data, n, d };
      for (const [eps, minSamples] of [
        [0.2, 10],
        [0.05, 4],
      ] as const) {
        const grid = dbscan(x, { eps, minSamples, algorithm: "grid" });
        const tree = dbscan(x, { eps, minSamples, algorithm: "kd-tree" });
        expect(grid.nClusters).toBeGreaterThan(0);
        expect(grid.nClusters).toBe(tree.nClusters);
        expect(grid.noise).toBe(tree.noise);
        expect(Array.from(grid.isCore)).toEqual(Array.from(tree.isCore));
        expect(Array.from(grid.labels)).toEqual(Array.from(tree.labels));
      }
    }
  });

  it("counts rows exactly eps apart on a lattice whose spacing matches the grid's cells", () => {
    // Rows on a lattice of step eps / sqrt(2) and eps: many pairs sit exactly at eps, on cell
    // boundaries, where a grid that rounds the wrong way would lose or gain a neighbour.
    const rows: number[][] = [];
    for (let a = 0; a < 12; a++) for (let b = 0; b < 12; b++) rows.push([a * 0.5, b * 0.5]);
    for (let a = 0; a < 12; a++)
      for (let b = 0; b < 12; b++) rows.push([10 + a * Math.SQRT1_2, b * Math.SQRT1_2]);
    const x = fromRows(rows);
    for (const [eps, minSamples] of [
      [0.5, 5],
      [1, 5],
      [1, 9],
      [Math.SQRT1_2, 5],
    ] as const) {
      const expected = bruteForce(x, eps, minSamples);
      for (const algorithm of algorithms) {
        const result = dbscan(x, { eps, minSamples, algorithm });
        expect(Array.from(result.isCore)).toEqual(expected.isCore);
        expect(Array.from(result.labels)).toEqual(expected.labels);
      }
    }
  });

  it("joins or separates two crowded cells by whether any pair is within eps", () => {
    // 1,200 rows in each of two tiny discs; their nearest rows are 1.01 (or 0.99) apart.
    const random = createRandom(8);
    for (const gap of [1.01, 0.99]) {
      const rows: number[][] = [];
      for (let i = 0; i < 2400; i++) {
        const side = i < 1200 ? 0 : 1;
        const angle = random.next() * 2 * Math.PI;
        const radius = 0.05 * Math.sqrt(random.next());
        const centre = side === 0 ? -0.05 : 0.05 + gap;
        rows.push([centre + radius * Math.cos(angle), radius * Math.sin(angle)]);
      }
      rows.push([0, 0], [gap + 0.1, 0]); // the two closest rows, each at its disc's edge
      rows[2400]![0] = 0;
      rows[2401]![0] = gap;
      const x = fromRows(rows);
      for (const algorithm of algorithms) {
        const result = dbscan(x, { eps: 1, minSamples: 5, algorithm });
        expect(result.nClusters).toBe(gap > 1 ? 2 : 1);
        expect(result.noise).toBe(0);
      }
    }
  });

  it("labels identical rows as one cluster and handles minSamples above n", () => {
    const x = fromRows([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(Array.from(dbscan(x, { eps: 0.1, minSamples: 3 }).labels)).toEqual([0, 0, 0]);
    expect(Array.from(dbscan(x, { eps: 0.1, minSamples: 4 }).labels)).toEqual([-1, -1, -1]);
  });

  it("rejects bad options and non-finite values", () => {
    const x = fromRows([[0], [1]]);
    expect(() => dbscan(x, { eps: 0 })).toThrow(CoreInputError);
    expect(() => dbscan(x, { eps: 1, minSamples: 0 })).toThrow(CoreInputError);
    expect(() => dbscan(fromRows([[0], [Number.NaN]]), { eps: 1 })).toThrow(CoreInputError);
    expect(() => dbscan(fromRows([[0, 0, 0, 0]]), { eps: 1, algorithm: "grid" })).toThrow(CoreInputError);
  });

  it("stops with CancelledError when onProgress returns false", () => {
    const x = randomMatrix(100, 2, 1, 3);
    expect(() => dbscan(x, { eps: 0.5, onProgress: () => false })).toThrow(CancelledError);
  });
});

describe("KdTree", () => {
  it("finds the same k-th nearest distance and radius neighbours as a brute-force scan", () => {
    const x = randomMatrix(300, 4, 3, 2);
    const tree = new KdTree(x);
    const heap = new Float64Array(7);
    for (let i = 0; i < 300; i += 17) {
      const all: number[] = [];
      for (let j = 0; j < 300; j++) {
        let s = 0;
        for (let t = 0; t < 4; t++) s += (x.data[i * 4 + t]! - x.data[j * 4 + t]!) ** 2;
        all.push(s);
      }
      all.sort((a, b) => a - b);
      expect(tree.kthNearest2(x.data, i * 4, 7, heap)).toBe(all[6]);
      expect(tree.countWithin(x.data, i * 4, 1, 1e9)).toBe(all.filter((s) => s <= 1).length);
    }
  });
});

describe("suggestEps", () => {
  it("returns the sorted distance to the minSamples-th nearest row, self included", () => {
    const x = fromRows([[0], [1], [3], [6]]);
    expect(Array.from(kDistanceCurve(x, 2))).toEqual([1, 1, 2, 3]);
  });

  it("suggests an eps between the within-cluster and the noise k-distances", () => {
    const random = createRandom(2);
    const rows: number[][] = [];
    for (let i = 0; i < 600; i++)
      rows.push([random.int(3) * 20 + random.normal() * 0.5, random.normal() * 0.5]);
    for (let i = 0; i < 30; i++) rows.push([random.next() * 60 - 5, random.next() * 40 - 20]);
    const x = fromRows(rows);
    const eps = suggestEps(x, 5);
    expect(eps).toBeGreaterThan(0.1);
    expect(eps).toBeLessThan(3);
    const result = dbscan(x, { eps, minSamples: 5 });
    expect(result.nClusters).toBeGreaterThanOrEqual(3);
    expect(result.noise).toBeLessThan(60);
  });
});
