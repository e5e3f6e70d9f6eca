import { describe, expect, it } from "vitest";
import { dbscan } from "../src/cluster/dbscan/index.js";
import { type FixtureMatrix, loadFixture, toMatrix } from "./fixtures/load.js";

interface DbscanFixture {
  datasets: Record<string, FixtureMatrix>;
  cases: Array<{ dataset: string; eps: number; minSamples: number; labels: number[]; isCore: number[] }>;
}

const fixture = loadFixture<DbscanFixture>("dbscan.json");

describe("DBSCAN against scikit-learn", () => {
  for (const c of fixture.cases) {
    const x = toMatrix(fixture.datasets[c.dataset]!);
    const algorithms = x.d <= 3 ? (["grid", "kd-tree"] as const) : (["kd-tree"] as const);
    for (const algorithm of algorithms) {
      it(`${c.dataset} (d = ${x.d}), eps ${c.eps}, minSamples ${c.minSamples}, ${algorithm}: identical core rows, noise and cluster numbers`, () => {
        const result = dbscan(x, { eps: c.eps, minSamples: c.minSamples, algorithm });
        expect(Array.from(result.isCore)).toEqual(c.isCore);
        expect(Array.from(result.labels)).toEqual(c.labels);
        expect(result.nClusters).toBe(Math.max(-1, ...c.labels) + 1);
        expect(result.noise).toBe(c.labels.filter((l) => l === -1).length);
      });
    }
  }
});
