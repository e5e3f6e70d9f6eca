import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackUrl("/invite/abc?x=1")).toBe("/invite/abc?x=1");
    expect(safeCallbackUrl("/demo/segments#latest")).toBe("/demo/segments#latest");
    expect(safeCallbackUrl(["/demo", "/other"])).toBe("/demo");
  });

  it("refuses other hosts, // and backslash tricks, and control characters", () => {
    for (const url of [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example",
      "/a\\b",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "/\u0000/evil.example",
      "/\u007f",
      "javascript:alert(1)",
      " /demo",
      "demo",
      "",
    ]) {
      expect(safeCallbackUrl(url), JSON.stringify(url)).toBe("/");
    }
  });

  it("falls back when nothing usable is given", () => {
    expect(safeCallbackUrl(undefined, "/home")).toBe("/home");
    expect(safeCallbackUrl(null)).toBe("/");
    expect(safeCallbackUrl(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
