import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { conditionalAffinities, sparseAffinities } from "./affinities.js";
import { allKNearest, buildVpTree, KNN_CHUNK, kNearestSearch } from "./vp-tree.js";

function randomMatrix(n: number, d: number, seed: number) {
  const random = createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = random.normal();
  return { data, n, d };
}

function bruteForce(x: { data: Float64Array; n: number; d: number }, k: number) {
  const out: number[][] = [];
  for (let i = 0; i < x.n; i++) {
    const dist: Array<[number, number]> = [];
    for (let j = 0; j < x.n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < x.d; c++) s += (x.data[i * x.d + c]! - x.data[j * x.d + c]!) ** 2;
      dist.push([Math.sqrt(s), j]);
    }
    dist.sort((a, b) => a[0] - b[0]);
    out.push(dist.slice(0, k).map((p) => p[0]));
  }
  return out;
}

describe("vantage-point tree", () => {
  it("finds exactly the k nearest other rows of every row, nearest first", () => {
    const x = randomMatrix(600, 5, 1);
    const k = 20;
    const { indices, distances } = allKNearest(buildVpTree(x, 3), k);
    const expected = bruteForce(x, k);
    for (let i = 0; i < x.n; i++) {
      const row = Array.from(distances.subarray(i * k, i * k + k));
      for (let t = 0; t < k; t++) expect(row[t]).toBeCloseTo(expected[i]![t]!, 10);
      expect(Array.from(indices.subarray(i * k, i * k + k))).not.toContain(i);
    }
  });

  it("gives every row the same answer, ties included, whichever order its chunks are searched in", () => {
    // Repeated rows make ties, whose order a search could settle differently.
    const base = randomMatrix(400, 4, 5);
    const data = new Float64Array(800 * 4);
    data.set(base.data);
    data.set(base.data, 1600);
    const x = { data, n: 800, d: 4 };
    const k = 15;
    const tree = buildVpTree(x, 1);
    const expected = allKNearest(tree, k);
    const indices = new Int32Array(x.n * k);
    const distances = new Float64Array(x.n * k);
    const query = kNearestSearch(tree, k, indices, distances);
    for (let chunk = Math.ceil(x.n / KNN_CHUNK) - 1; chunk >= 0; chunk--) {
      for (let i = chunk * KNN_CHUNK; i < Math.min(x.n, (chunk + 1) * KNN_CHUNK); i++) query(i);
    }
    expect(Array.from(indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(distances)).toEqual(Array.from(expected.distances));
  });

  it("copes with repeated rows (distance 0 to a twin)", () => {
    const base = randomMatrix(50, 3, 2);
    const data = new Float64Array(100 * 3);
    data.set(base.data);
    data.set(base.data, 150);
    const { indices, distances } = allKNearest(buildVpTree({ data, n: 100, d: 3 }), 3);
    for (let i = 0; i < 100; i++) {
      expect(distances[i * 3]).toBe(0);
      expect(indices[i * 3]).toBe((i + 50) % 100);
    }
  });
});

describe("t-SNE affinities", () => {
  it("calibrates each row so its entropy is log(perplexity)", () => {
    const random = createRandom(4);
    const n = 30;
    const k = 25;
    const sq = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: k }, () => random.next() * 10).sort((a, b) => a - b);
      sq.set(row, i * k);
    }
    const p = conditionalAffinities(sq, n, k, 8);
    for (let i = 0; i < n; i++) {
      const row = Array.from(p.subarray(i * k, i * k + k));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      const entropy = -row.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
      expect(entropy).toBeCloseTo(Math.log(8), 4);
    }
  });

  it("makes a symmetric P that sums to 1", () => {
    const x = randomMatrix(300, 4, 5);
    const P = sparseAffinities(x, 10);
    const entries = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < x.n; i++) {
      for (let t = P.rowStart[i]!; t < P.rowStart[i + 1]!; t++) {
        const key = `${i},${P.cols[t]}`;
        expect(entries.has(key)).toBe(false);
        entries.set(key, P.vals[t]!);
        total += P.vals[t]!;
      }
    }
    expect(total).toBeCloseTo(1, 10);
    for (const [key, v] of entries) {
      const [i, j] = key.split(",");
      expect(entries.get(`${j},${i}`)).toBeCloseTo(v, 15);
    }
  });
});
