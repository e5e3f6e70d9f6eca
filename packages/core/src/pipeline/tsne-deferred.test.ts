import { describe, expect, it } from "vitest";
import { createRandom } from "../random/index.js";
import { tsneMapOf } from "./explain-result.js";
import { segmentationOptions } from "./options.js";
import { segmentationRun } from "./run.js";

/** Three well separated groups of customers, 4 features. */
function groups(n: number) {
  const random = createRandom(7);
  const d = 4;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (i % 3) * 10 + random.next() + j;
  return { data, n, d, features: ["a", "b", "c", "d"] };
}

describe("a deferred t-SNE map", () => {
  it("leaves the map out of the result with the sample to draw it from, and draws the same map as inline", () => {
    const input = groups(300);
    const base = { k: 3, mapSampleSize: 120, seed: 3 } as const;
    const inline = segmentationRun({ ...input, options: segmentationOptions(base) });
    const deferred = segmentationRun({
      ...input,
      options: segmentationOptions({ ...base, tsne: "deferred" }),
    });
    expect(inline.explanation?.tsne).toHaveLength(120);
    expect(inline.tsneSample).toBeUndefined();
    expect(deferred.explanation?.tsne).toEqual([]);
    // Everything else is the same result.
    expect(deferred.explanation?.explanation).toEqual(inline.explanation?.explanation);
    expect(deferred.labels).toEqual(inline.labels);
    expect(Array.from(deferred.tsneSample!.rows)).toEqual(inline.map.points.map((p) => p[0]));
    expect(tsneMapOf(deferred.tsneSample!, base.seed)).toEqual(inline.explanation?.tsne);

    const off = segmentationRun({ ...input, options: segmentationOptions({ ...base, tsne: "off" }) });
    expect(off.explanation?.tsne).toEqual([]);
    expect(off.tsneSample).toBeUndefined();
  });
});
