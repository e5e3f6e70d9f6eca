import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveAuthSecret } from "./secret.js";

describe("resolveAuthSecret", () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("generates a secret once and returns the same one on the next start", () => {
    vi.stubEnv("AUTH_SECRET", "");
    const dir = mkdtempSync(join(tmpdir(), "strata-auth-"));
    dirs.push(dir);
    const first = resolveAuthSecret(join(dir, "data"));
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveAuthSecret(join(dir, "data"))).toBe(first);
    expect(readFileSync(join(dir, "data", "auth-secret"), "utf8")).toBe(first);
  });

  it("prefers AUTH_SECRET from the environment", () => {
    vi.stubEnv("AUTH_SECRET", "x".repeat(40));
    const dir = mkdtempSync(join(tmpdir(), "strata-auth-"));
    dirs.push(dir);
    expect(resolveAuthSecret(dir)).toBe("x".repeat(40));
  });
});
