import { describe, expect, it } from "vitest";
import { fromRows } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";
import {
  averageRanks,
  pearsonMatrix,
  pearsonPairwise,
  SPEARMAN_SAMPLE,
  sampleRowsOf,
  spearmanMatrix,
} from "./correlation.js";
import { explainSegments } from "./explain-segments.js";
import { suggestSegmentName, suggestSegmentNames } from "./naming.js";
import { profileSegments, type SegmentProfile } from "./profile.js";
import {
  fitDecisionTree,
  formatThreshold,
  orderByValueThenPosition,
  predictTree,
  surrogateRules,
} from "./tree.js";

describe("profileSegments", () => {
  const x = fromRows([
    [1, 100],
    [3, 100],
    [10, 300],
    [12, 500],
    [99, 0],
  ]);
  const labels = Int32Array.from([0, 0, 1, 1, -1]);
  const out = profileSegments(x, labels, ["visits", "spend"]);

  it("gives means, medians and deviations in overall standard deviations, noise left out", () => {
    expect(out.noise).toBe(1);
    expect(Array.from(out.overall.mean)).toEqual([6.5, 250]);
    // visits: deviations -5.5,-3.5,3.5,5.5 -> sd sqrt(21.25)
    expect(out.overall.sd[0]).toBeCloseTo(Math.sqrt(21.25), 12);
    const [a, b] = out.segments;
    expect(a!.size).toBe(2);
    expect(a!.share).toBe(0.5);
    expect(Array.from(a!.mean)).toEqual([2, 100]);
    expect(Array.from(b!.median)).toEqual([11, 400]);
    expect(a!.deviation[0]).toBeCloseTo(-4.5 / Math.sqrt(21.25), 12);
    expect(a!.top.map((t) => t.feature)).toEqual(["visits", "spend"]);
  });
});

describe("surrogate rules", () => {
  it("splits one feature at the midpoint between the groups with full fidelity", () => {
    const x = fromRows([[1], [2], [3], [10], [11], [12]]);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const out = surrogateRules(x, labels, ["recency"], { minLeaf: 1 });
    expect(out.fidelity).toBe(100);
    expect(out.rules[0]!.map((r) => r.text)).toEqual(["recency <= 6.5"]);
    expect(out.rules[1]!.map((r) => r.text)).toEqual(["recency > 6.5"]);
    expect(out.rules[1]![0]).toMatchObject({ support: 3, precision: 1, recall: 1 });
  });

  it("reads nested splits as rules joined by and", () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        rows.push([a, b]);
        labels.push(a > 5 ? 1 : b > 5 ? 2 : 0);
      }
    }
    const x = fromRows(rows);
    const out = surrogateRules(x, Int32Array.from(labels), ["recency", "frequency"], { minLeaf: 1 });
    expect(out.fidelity).toBe(100);
    expect(out.rules[1]![0]!.text).toBe("recency > 5.5");
    expect(out.rules[2]![0]!.text).toBe("recency <= 5.5 and frequency > 5.5");
    expect(out.rules[0]![0]!.text).toBe("recency <= 5.5 and frequency <= 5.5");
    expect(
      Array.from(
        predictTree(
          out.tree,
          fromRows([
            [7, 0],
            [1, 9],
            [1, 1],
          ]),
        ),
      ),
    ).toEqual([1, 2, 0]);
  });

  it("reports fidelity below 100% when the depth cannot separate the segments", () => {
    // XOR-like labels cannot be split by a depth-1 tree.
    const x = fromRows([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
      [1, 1],
    ]);
    const labels = Int32Array.from([0, 1, 1, 0, 0, 0]);
    const out = surrogateRules(x, labels, ["a", "b"], { maxDepth: 1, minLeaf: 1 });
    expect(out.fidelity).toBeLessThan(100);
    expect(out.fidelity).toBeCloseTo((100 * 4) / 6, 9);
  });

  it("gives a segment the tree predicts nowhere a one-vs-rest rule with its precision and recall", () => {
    // 200 rows in two big segments and 6 in a small one tucked at the top of b: minLeaf (5) and
    // depth 1 leave the small one without a leaf of its own.
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 100; i++) {
      rows.push([i % 10, i % 7]);
      labels.push(0);
      rows.push([50 + (i % 10), i % 7]);
      labels.push(1);
    }
    for (let i = 0; i < 6; i++) {
      rows.push([52 + i, 40 + i]);
      labels.push(2);
    }
    const out = surrogateRules(fromRows(rows), Int32Array.from(labels), ["a", "b"], { maxDepth: 1 });
    expect(out.rules[0]![0]!.source).toBe("tree");
    const small = out.rules[2]!;
    expect(small.length).toBeGreaterThan(0);
    expect(small[0]).toMatchObject({ source: "one-vs-rest", text: "b > 23", precision: 1, recall: 1 });
    expect(out.segmentFit[2]).toEqual({ precision: 1, recall: 1 });
    expect(out.segmentFit[0]!.recall).toBe(1);
  });

  it("describes a missed segment larger than the tree's sample against the rest, not as everyone", () => {
    // 60 rows of segment 2 (b high) spread over both halves of a: depth 1 splits on a and predicts
    // 2 nowhere. With a sample of 40 rows the segment alone would fill it.
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 100; i++) {
      rows.push([i % 10, i % 7]);
      labels.push(0);
      rows.push([50 + (i % 10), i % 7]);
      labels.push(1);
    }
    for (let i = 0; i < 60; i++) {
      rows.push([i, 40 + (i % 5)]);
      labels.push(2);
    }
    const out = surrogateRules(fromRows(rows), Int32Array.from(labels), ["a", "b"], {
      maxDepth: 1,
      sampleSize: 40,
    });
    const missed = out.rules[2]!;
    expect(missed[0]).toMatchObject({ source: "one-vs-rest", precision: 1, recall: 1 });
    expect(missed[0]!.text).toMatch(/^b > /);
  });

  it("writes thresholds with few digits", () => {
    expect(formatThreshold(31.5)).toBe("31.5");
    expect(formatThreshold(1234.567)).toBe("1235");
    expect(formatThreshold(0.123456)).toBe("0.123");
    expect(formatThreshold(6)).toBe("6");
  });
});

/** Means, medians (by sorting) and deviations as the profiles define them, one segment at a time. */
function profileByDefinition(x: { data: Float64Array; n: number; d: number }, labels: Int32Array, k: number) {
  const { n, d, data } = x;
  const rowsOf = (keep: (l: number) => boolean) =>
    Array.from({ length: n }, (_, i) => i).filter((i) => keep(labels[i]!));
  const all = rowsOf((l) => l >= 0);
  const meanOf = (rows: number[]) =>
    Float64Array.from({ length: d }, (_, j) => {
      let sum = 0;
      for (const i of rows) sum += data[i * d + j]!;
      return sum / rows.length;
    });
  const medianOf = (rows: number[]) =>
    Float64Array.from({ length: d }, (_, j) => {
      const sorted = Float64Array.from(rows, (i) => data[i * d + j]!).sort();
      const m = sorted.length;
      if (m === 0) return Number.NaN;
      const pos = (m - 1) / 2;
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, m - 1);
      return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
    });
  const mean = meanOf(all);
  const sd = Float64Array.from({ length: d }, (_, j) => {
    let sum = 0;
    for (const i of all) sum += (data[i * d + j]! - mean[j]!) ** 2;
    return Math.sqrt(sum / all.length);
  });
  const segments = Array.from({ length: k }, (_, s) => {
    const rows = rowsOf((l) => l === s);
    const m = meanOf(rows);
    return {
      size: rows.length,
      mean: m,
      median: medianOf(rows),
      deviation: Float64Array.from(m, (v, j) => (sd[j]! > 0 ? (v - mean[j]!) / sd[j]! : 0)),
    };
  });
  return { mean, sd, median: medianOf(all), segments };
}

/** fitDecisionTree as written before presorting: a comparator sort of every node's rows per feature. */
function fitBySortingEachNode(
  x: { data: Float64Array; n: number; d: number },
  labels: Int32Array,
  options: { maxDepth?: number; minLeaf?: number },
) {
  const { d, data } = x;
  let k = 0;
  const rows: number[] = [];
  for (let i = 0; i < x.n; i++) {
    if (labels[i]! < 0) continue;
    rows.push(i);
    if (labels[i]! + 1 > k) k = labels[i]! + 1;
  }
  const giniOf = (counts: Float64Array, n: number) => {
    if (n === 0) return 0;
    let s = 0;
    for (const c of counts) s += c * c;
    return 1 - s / (n * n);
  };
  type Node = {
    feature: number;
    threshold: number;
    left: number;
    right: number;
    prediction: number;
    size: number;
    gini: number;
  };
  const maxDepth = options.maxDepth ?? 3;
  const minLeaf = Math.max(1, options.minLeaf ?? Math.max(5, Math.floor(rows.length * 0.01)));
  const nodes: Node[] = [];
  const countsL = new Float64Array(k);
  const countsR = new Float64Array(k);

  const grow = (idx: number[], depth: number): number => {
    const counts = new Float64Array(k);
    for (const i of idx) counts[labels[i]!]!++;
    let prediction = 0;
    for (let c = 1; c < k; c++) if (counts[c]! > counts[prediction]!) prediction = c;
    const size = idx.length;
    const gini = giniOf(counts, size);
    const id = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, prediction, size, gini });
    if (depth >= maxDepth || gini === 0 || size < 2 * minLeaf) return id;

    let bestScore = size * gini - 1e-12;
    let bestFeature = -1;
    let bestThreshold = 0;
    const order = idx.slice();
    for (let j = 0; j < d; j++) {
      order.sort((a, b) => data[a * d + j]! - data[b * d + j]! || a - b);
      countsL.fill(0);
      countsR.set(counts);
      let sqL = 0;
      let sqR = 0;
      for (const c of counts) sqR += c * c;
      for (let p = 0; p < size - 1; p++) {
        const c = labels[order[p]!]!;
        sqL += 2 * countsL[c]! + 1;
        sqR -= 2 * countsR[c]! - 1;
        countsL[c]!++;
        countsR[c]!--;
        const nL = p + 1;
        const nR = size - nL;
        if (nL < minLeaf || nR < minLeaf) continue;
        const v = data[order[p]! * d + j]!;
        const next = data[order[p + 1]! * d + j]!;
        if (v === next) continue;
        // n * weighted Gini = nL - sqL / nL + nR - sqR / nR
        const score = nL - sqL / nL + nR - sqR / nR;
        if (score < bestScore) {
          bestScore = score;
          bestFeature = j;
          bestThreshold = v + (next - v) / 2;
        }
      }
    }
    if (bestFeature < 0) return id;
    const leftIdx: number[] = [];
    const rightIdx: number[] = [];
    for (const i of idx) (data[i * d + bestFeature]! <= bestThreshold ? leftIdx : rightIdx).push(i);
    const left = grow(leftIdx, depth + 1);
    const right = grow(rightIdx, depth + 1);
    nodes[id] = { ...nodes[id]!, feature: bestFeature, threshold: bestThreshold, left, right };
    return id;
  };
  if (rows.length > 0) grow(rows, 0);
  return nodes;
}

describe("the surrogate tree on larger inputs", () => {
  it("grows the same tree as sorting every node's rows per feature, ties and noise included", () => {
    const random = createRandom(12);
    for (const [n, k, maxDepth] of [
      [60, 2, 3],
      [3000, 5, 3],
      [4000, 8, 4],
    ] as const) {
      const d = 4;
      const data = new Float64Array(n * d);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const l = random.int(k);
        labels[i] = random.next() < 0.03 ? -1 : l;
        data[i * d] = l + random.normal();
        data[i * d + 1] = random.int(6);
        data[i * d + 2] = random.next() < 0.5 ? 0 : l * random.next();
        data[i * d + 3] = random.normal();
      }
      const x = { data, n, d };
      const tree = fitDecisionTree(x, labels, ["a", "b", "c", "d"], { maxDepth });
      expect(tree.nodes.length).toBeGreaterThan(3);
      expect(tree.nodes).toEqual(fitBySortingEachNode(x, labels, { maxDepth }));
    }
  });
});

describe("profiles on larger inputs", () => {
  it("give the same means, medians and deviations as computing each segment on its own", () => {
    const random = createRandom(3);
    for (const [n, k] of [
      [7, 2],
      [500, 4],
      [2001, 6],
    ] as const) {
      const d = 3;
      const data = new Float64Array(n * d);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = random.next() < 0.05 ? -1 : random.int(k);
        data[i * d] = random.normal() + labels[i]!;
        data[i * d + 1] = random.next() < 0.6 ? 0 : random.int(4);
        data[i * d + 2] = Math.exp(random.normal());
      }
      const x = { data, n, d };
      const out = profileSegments(x, labels, ["a", "b", "c"]);
      const ref = profileByDefinition(x, labels, out.segments.length);
      expect(out.overall.median).toEqual(ref.median);
      expect(out.overall.sd).toEqual(ref.sd);
      out.segments.forEach((segment, s) => {
        const r = ref.segments[s]!;
        expect(segment.size).toBe(r.size);
        expect(segment.median).toEqual(r.median);
        for (let j = 0; j < d; j++) {
          expect(segment.mean[j]).toBeCloseTo(r.mean[j]!, 12);
          expect(segment.deviation[j]).toBeCloseTo(r.deviation[j]!, 12);
        }
      });
    }
  });
});

describe("correlation", () => {
  it("computes Pearson and Spearman matrices", () => {
    const x = fromRows([
      [1, 2, 1],
      [2, 1, 4],
      [3, 4, 9],
      [4, 3, 16],
      [5, 5, 1000],
    ]);
    const p = pearsonMatrix(x);
    expect(p[0]).toBe(1);
    expect(p[1]).toBeCloseTo(0.8, 12);
    expect(p[3]).toBeCloseTo(0.8, 12);
    const s = spearmanMatrix(x);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(p[2]).toBeLessThan(0.8);
  });

  it("ranks ties by their average position and marks constant columns NaN", () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    const p = pearsonMatrix(
      fromRows([
        [1, 7],
        [2, 7],
        [3, 7],
      ]),
    );
    expect(p[1]).toBeNaN();
    expect(p[3]).toBe(1);
  });

  it("gives, on a matrix with no missing value, every pair's pairwise Pearson bit for bit", () => {
    const random = createRandom(8);
    const n = 5000;
    const d = 5;
    // Column 0 is constant (NaN against every other), the others correlate through a shared term.
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const shared = random.normal();
      data[i * d] = 7;
      for (let j = 1; j < d; j++) data[i * d + j] = 1000 + j * shared + random.normal() * j;
    }
    const p = pearsonMatrix({ data, n, d });
    const column = (j: number) => Array.from({ length: n }, (_, i) => data[i * d + j]!);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        if (a === b) expect(p[a * d + b]).toBe(1);
        else if (a === 0 || b === 0) expect(p[a * d + b]).toBeNaN();
        else expect(p[a * d + b]).toBe(pearsonPairwise(column(a), column(b)));
      }
    }
  });

  it("ranks as sorting every value would, ties and missing values included", () => {
    const random = createRandom(9);
    const values = Array.from({ length: 3000 }, () =>
      random.next() < 0.05 ? Number.NaN : random.int(200) / 4,
    );
    const present = values.filter((v) => !Number.isNaN(v));
    const order = present.map((_, i) => i).sort((a, b) => present[a]! - present[b]!);
    const expected = new Float64Array(present.length);
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && present[order[end]!] === present[order[start]!]) end++;
      for (let p = start; p < end; p++) expected[order[p]!] = (start + end + 1) / 2;
      start = end;
    }
    const ranks = averageRanks(values);
    expect(ranks.filter((_, i) => Number.isNaN(values[i]!))).toHaveLength(values.length - present.length);
    expect(ranks.filter((_, i) => !Number.isNaN(values[i]!))).toEqual(expected);
  });

  it("estimates Spearman from a fixed-seed sample of rows, within 0.02 of every row's on 200,000 rows", () => {
    const random = createRandom(4);
    const n = 200_000;
    const d = 4;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      data[i * d] = z;
      data[i * d + 1] = Math.exp(z + random.normal());
      data[i * d + 2] = random.next() < 0.5 ? 0 : random.int(10) - z;
      data[i * d + 3] = random.normal();
    }
    const x = { data, n, d };
    const exact = spearmanMatrix(x);
    const sampled = spearmanMatrix(x, { maxRows: SPEARMAN_SAMPLE, seed: 1 });
    expect(spearmanMatrix(x, { maxRows: SPEARMAN_SAMPLE, seed: 1 })).toEqual(sampled);
    for (let p = 0; p < d * d; p++) expect(Math.abs(sampled[p]! - exact[p]!)).toBeLessThan(0.02);
    expect(exact[1]).toBeGreaterThan(0.5);
    // At or below maxRows every row is ranked: the exact matrix.
    const small = { data: data.subarray(0, 1000 * d), n: 1000, d };
    expect(spearmanMatrix(small, { maxRows: 1000 })).toEqual(spearmanMatrix(small));
    const rows = sampleRowsOf(n, 10, 1);
    expect(new Set(rows).size).toBe(10);
    expect(Array.from(rows)).toEqual(Array.from(rows).sort((a, b) => a - b));
  });

  it("leaves out the pairs where either value is missing", () => {
    const a = [1, 2, Number.NaN, 3, 4, 5];
    const b = [2, 1, 9, 4, Number.NaN, 5];
    // The complete pairs are (1,2), (2,1), (3,4), (5,5).
    expect(pearsonPairwise(a, b)).toBeCloseTo(pearsonPairwise([1, 2, 3, 5], [2, 1, 4, 5]), 14);
    expect(pearsonPairwise([1, 2, 3, 5], [2, 1, 4, 5])).toBeCloseTo(0.855235974119758, 12);
    const p = pearsonMatrix(fromRows(a.map((v, i) => [v, b[i]!])));
    expect(p[1]).toBe(pearsonPairwise(a, b));
  });

  it("gives NaN with too few pairs or no spread, and refuses series of different lengths", () => {
    expect(pearsonPairwise([1, 2], [3, 5])).toBe(1);
    expect(pearsonPairwise([1, 2], [3, 5], { minPairs: 3 })).toBeNaN();
    expect(pearsonPairwise([1, Number.NaN, 3], [3, 4, Number.NaN])).toBeNaN();
    expect(pearsonPairwise([1, 2, 3], [7, 7, 7])).toBeNaN();
    expect(pearsonPairwise([1, 2, 3], [-2, -4, -6])).toBe(-1);
    expect(() => pearsonPairwise([1, 2, 3], [1, 2])).toThrow(/3 and 2 values/);
  });
});

describe("segment names", () => {
  const profile = (deviation: number[], features: string[]): SegmentProfile => ({
    segment: 0,
    size: 10,
    share: 0.1,
    mean: new Float64Array(deviation.length),
    median: new Float64Array(deviation.length),
    deviation: Float64Array.from(deviation),
    top: deviation
      .map((dev, index) => ({ feature: features[index]!, index, deviation: dev }))
      .sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation)),
  });
  const rfm = ["recency_days", "frequency", "monetary"];

  it("names RFM-like profiles from recency, frequency and spend", () => {
    expect(suggestSegmentName(profile([-0.8, 1.5, 2.1], rfm), rfm)).toBe("High value, frequent");
    expect(suggestSegmentName(profile([1.2, -0.6, -0.7], rfm), rfm)).toBe("Lapsed bargain hunters");
    expect(suggestSegmentName(profile([1.2, 0.9, 1.1], rfm), rfm)).toBe("Lapsed high spenders");
    expect(suggestSegmentName(profile([-1, -0.7, -0.9], rfm), rfm)).toBe("New customers");
    expect(suggestSegmentName(profile([0.1, 0.1, 0.1], rfm), rfm)).toBe("Steady mid-value");
  });

  it("falls back to the two most distinctive features", () => {
    const f = ["Age", "Annual Income (k$)", "Spending Score (1-100)"];
    expect(suggestSegmentName(profile([0.2, 1.1, -1.3], f), f)).toBe(
      "Low spending score, high annual income",
    );
    expect(suggestSegmentName(profile([0.2, 0.1, -0.3], f), f)).toBe("Close to average");
  });

  it("never calls a segment high spenders when its own monetary is below everyone's", () => {
    // Long gone, big baskets but few orders: monetary itself is low, so no "high spenders".
    const f = ["recency_days", "frequency", "monetary", "average_basket", "returns_share"];
    const name = suggestSegmentName(profile([1.4, -0.6, -0.3, 2.2, 0.1], f), f);
    expect(name).not.toMatch(/high spenders|high value/i);
    expect(name).toBe("Lapsed big-ticket buyers");
    expect(suggestSegmentName(profile([1.4, 0.2, 0.9, -0.4, 0], f), f)).toBe("Lapsed high spenders");
  });

  it("calls customers who arrived lately new, and long-standing ones so when nothing else stands out", () => {
    const f = ["recency_days", "frequency", "monetary", "average_basket", "tenure_days"];
    // Online Retail's third segment: recent, not yet frequent, arrived lately.
    expect(suggestSegmentName(profile([-0.47, -0.34, -0.16, 0.02, -1.23], f), f)).toBe("New customers");
    expect(suggestSegmentName(profile([-0.6, -0.2, 0.9, 0.1, -1.1], f), f)).toBe("New big spenders");
    // A low tenure with a long time since the last order is not new.
    expect(suggestSegmentName(profile([0.2, -0.3, -0.2, 0, -0.9], f), f)).not.toMatch(/new/i);
    expect(suggestSegmentName(profile([0.1, 0.2, 0.1, 0, 0.9], f), f)).toBe("Long-standing, steady");
  });

  it("says high spend on several spend columns only when every one of them is above", () => {
    const f = ["Recency", "MntWines", "MntFruits", "NumWebPurchases", "NumStorePurchases"];
    // Mean spend deviation is +1.1, but fruit is below everyone: not "High value".
    expect(suggestSegmentName(profile([-0.1, 2.5, -0.3, 0.1, -0.1], f), f)).toBe("Steady mid-value");
    expect(suggestSegmentName(profile([-0.1, 2.5, 0.3, 0.8, 0.9], f), f)).toBe("High value, frequent");
  });

  it("tells apart segments that share a name by the column that differs between them", () => {
    const f = ["recency_days", "frequency", "monetary", "returns_share"];
    const names = suggestSegmentNames(
      [
        profile([1.2, -0.6, -0.7, 2.1], f),
        profile([1.3, -0.7, -0.6, -0.4], f),
        profile([1.1, -0.5, -0.8, 0.3], f),
      ],
      f,
    );
    expect(names).toEqual([
      "Lapsed bargain hunters (very high returns share)",
      "Lapsed bargain hunters (below-average returns share)",
      "Lapsed bargain hunters (above-average returns share)",
    ]);
  });

  it("ranks segments alike on every level word instead of numbering them", () => {
    const f = ["Annual Income (k$)", "Spending Score (1-100)"];
    const names = suggestSegmentNames([profile([1.2, 1.1], f), profile([1.0, 1.3], f)], f);
    expect(names).toEqual([
      "High annual income, high spending score (higher annual income)",
      "High spending score, high annual income (lower annual income)",
    ]);
  });

  it("makes duplicate names unique", () => {
    const a = profile([-0.8, 1.5, 2.1], rfm);
    const b = profile([-0.9, 1.6, 0.9], rfm);
    expect(suggestSegmentNames([a, b], rfm)).toEqual([
      "High value, frequent (very high monetary)",
      "High value, frequent (high monetary)",
    ]);
  });
});

describe("explainSegments", () => {
  it("profiles, names and rules segments of an RFM table in one call", () => {
    // Segment 0: recent, frequent, big spenders. Segment 1: long gone, rare, small.
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20; i++) {
      rows.push([5 + (i % 5), 20 + (i % 3), 2000 + 10 * i]);
      labels.push(0);
      rows.push([300 + (i % 7), 1 + (i % 2), 50 + i]);
      labels.push(1);
    }
    const out = explainSegments(
      fromRows(rows),
      Int32Array.from(labels),
      ["recency_days", "frequency", "monetary"],
      {
        tree: { minLeaf: 2 },
      },
    );
    expect(out.names).toEqual(["High value, frequent", "Lapsed bargain hunters"]);
    expect(out.rules.fidelity).toBe(100);
    expect(out.rules.rules[0]![0]!.text).toBe("recency_days <= 154.5");
    expect(out.profiles.segments[1]!.mean[0]).toBeCloseTo(302.85, 9);
    expect(out.pearson[1]).toBeLessThan(-0.9);
    expect(out.spearman.length).toBe(9);
    expect(out.spearmanRows).toBe(rows.length);
  });
});

describe("orderByValueThenPosition", () => {
  it("orders positions as a comparator sort by value then position does, ties and signed zeros included", () => {
    const random = createRandom(11);
    for (const [m, distinct] of [
      [1, 1],
      [7, 2],
      [1000, 5],
      [5000, 4000],
    ] as const) {
      const column = Float64Array.from({ length: m }, () => {
        const v = (random.int(distinct) - distinct / 2) / 3;
        return v === 0 && random.int(2) === 0 ? -0 : v;
      });
      const expected = Array.from({ length: m }, (_, p) => p).sort(
        (a, b) => column[a]! - column[b]! || a - b,
      );
      expect(Array.from(orderByValueThenPosition(column))).toEqual(expected);
    }
  });
});
