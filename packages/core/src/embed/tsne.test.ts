import { describe, expect, it } from "vitest";
import { matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";
import { mapQuality } from "./map-quality.js";
import { tsne } from "./tsne.js";
import { setTsneWasmDisabled } from "./tsne-wasm.js";

function blobs(perBlob: number, seed: number) {
  const random = createRandom(seed);
  const d = 5;
  const centres = [0, 10, 20];
  const data = new Float64Array(perBlob * 3 * d);
  const labels: number[] = [];
  for (let b = 0; b < 3; b++) {
    for (let i = 0; i < perBlob; i++) {
      const row = b * perBlob + i;
      labels.push(b);
      for (let j = 0; j < d; j++) data[row * d + j] = (j === b ? centres[2]! : centres[b]!) + random.normal();
    }
  }
  return { x: matrix(data, perBlob * 3, d), labels };
}

function nearestNeighbourAgreement(y: Float64Array, labels: number[]): number {
  const n = labels.length;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dd = (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2;
      if (dd < bestD) {
        bestD = dd;
        best = j;
      }
    }
    if (labels[best] === labels[i]) agree++;
  }
  return agree / n;
}

describe("tsne", () => {
  const { x, labels } = blobs(60, 3);

  it("keeps separated blobs apart in the 2-D map", () => {
    const out = tsne(x, { perplexity: 15, iterations: 400, seed: 1 });
    expect(out.embedding.n).toBe(180);
    expect(nearestNeighbourAgreement(out.embedding.data, labels)).toBe(1);
    expect(out.klDivergence).toBeGreaterThan(0);
    expect(out.klDivergence).toBeLessThan(2);
  });

  it("gives the same map for the same seed", () => {
    const a = tsne(x, { perplexity: 10, iterations: 100, seed: 5 });
    const b = tsne(x, { perplexity: 10, iterations: 100, seed: 5 });
    expect(Array.from(a.embedding.data)).toEqual(Array.from(b.embedding.data));
  });

  it("gives the same map with the WebAssembly kernels as with their JS twins", () => {
    const wasm = tsne(x, { perplexity: 10, iterations: 120, seed: 4 });
    setTsneWasmDisabled(true);
    try {
      const js = tsne(x, { perplexity: 10, iterations: 120, seed: 4 });
      expect(Array.from(wasm.embedding.data)).toEqual(Array.from(js.embedding.data));
      expect(wasm.klDivergence).toBe(js.klDivergence);
    } finally {
      setTsneWasmDisabled(false);
    }
  });

  it("embeds a seeded sample of large inputs, in input order", () => {
    const out = tsne(x, { sampleSize: 50, iterations: 50, seed: 2 });
    expect(out.indices.length).toBe(50);
    for (let i = 1; i < 50; i++) expect(out.indices[i]!).toBeGreaterThan(out.indices[i - 1]!);
    const again = tsne(x, { sampleSize: 50, iterations: 50, seed: 2 });
    expect(Array.from(again.indices)).toEqual(Array.from(out.indices));
  });

  it("keeps most neighbourhoods of 1,200 customers, as trustworthiness measures them", () => {
    const big = blobs(400, 8);
    const out = tsne(big.x, { seed: 3, iterations: 300 });
    expect(out.embedding.n).toBe(1200);
    const quality = mapQuality(big.x, out.embedding, { k: 10, maxQueries: 300 });
    expect(quality.trustworthiness).toBeGreaterThan(0.9);
    expect(nearestNeighbourAgreement(out.embedding.data, big.labels)).toBeGreaterThan(0.99);
  }, 60_000);

  it("stops when progress returns false", () => {
    let calls = 0;
    expect(() =>
      tsne(x, {
        iterations: 200,
        onProgress: () => {
          calls++;
          return calls < 3 ? undefined : false;
        },
      }),
    ).toThrow(/cancelled/);
  });
});
