import { describe, expect, it } from "vitest";
import { explainResult } from "./explain-result.js";

/** Two groups on feature a (around 0 and 10) and two far-off points labelled noise. */
function data() {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 20; i++) {
    rows.push([i % 2 === 0 ? 0 + i * 0.01 : 10 + i * 0.01, 5 + (i % 3)]);
    labels.push(i % 2);
  }
  rows.push([100, 50], [120, 60]);
  labels.push(-1, -1);
  return {
    x: { data: Float64Array.from(rows.flat()), n: rows.length, d: 2 },
    labels: Int32Array.from(labels),
  };
}

describe("explainResult", () => {
  it("describes DBSCAN noise like a segment of its own and compares everyone with all customers", () => {
    const { x, labels } = data();
    const out = explainResult(x, labels, ["a", "b"], x, [0, 1, 2, 3, 4, 5], 0);
    const e = out.explanation!;
    expect(e.segments.map((s) => s.segment)).toEqual([0, 1]);
    expect(e.noise).toBe(2);
    expect(e.noiseProfile).toMatchObject({ segment: -1, size: 2, name: "Noise" });
    // The overall mean includes the noise rows: (10 x ~0 + 10 x ~10 + 100 + 120) / 22.
    expect(e.overall.mean[0]).toBeCloseTo((0.9 + 100.1 + 220) / 22, 1);
    expect(e.noiseProfile!.deviation[0]!).toBeGreaterThan(1);
    expect(e.segments[0]!.deviation[0]!).toBeLessThan(0);
  });

  it("profiles in the features' own units while the map uses the transformed ones, and maps the sample with t-SNE", () => {
    const { x, labels } = data();
    const scaled = { ...x, data: x.data.map((v) => Math.log1p(Math.abs(v)) / 10) };
    const out = explainResult(scaled, labels, ["a", "b"], x, [0, 1, 2, 3, 4, 5], 0);
    expect(out.explanation!.segments[1]!.mean[0]).toBeCloseTo(10.1, 1);
    expect(out.tsne.map((p) => p[0])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.tsne.every(([, px, py]) => Number.isFinite(px) && Number.isFinite(py))).toBe(true);
  });
});
