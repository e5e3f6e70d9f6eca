import { describe, expect, it } from "vitest";
import { cachedForLivePreview } from "./live-preview-cache.js";

describe("cachedForLivePreview", () => {
  it("reads once within a few seconds, again after them, and never keeps a failure", async () => {
    let loads = 0;
    const load = async () => ++loads;
    expect(await cachedForLivePreview("k", load, 1_000)).toBe(1);
    expect(await cachedForLivePreview("k", load, 10_000)).toBe(1);
    expect(await cachedForLivePreview("k", load, 70_000)).toBe(2);
    await expect(cachedForLivePreview("bad", () => Promise.reject(new Error("down")), 0)).rejects.toThrow(
      "down",
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await cachedForLivePreview("bad", load, 1)).toBe(3);
  });
});
