import { afterEach, describe, expect, it, vi } from "vitest";
import { DATABASE_TIMED_OUT, DATABASE_UNREACHABLE, healthResponse } from "./health-check";

const DRIVER_TEXT =
  'connect ECONNREFUSED 10.1.2.3:5432 — password authentication failed for user "strata_admin" ' +
  "while running: select secret from pg_shadow";

describe("healthResponse", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers 200 with the driver and version when the database round-trips", async () => {
    const response = await healthResponse({
      check: async () => "pglite",
      version: "1.2.3",
      startup: () => "ready",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      database: "pglite",
      version: "1.2.3",
      startup: "ready",
    });
  });

  it("answers 503 with a fixed sentence, never the driver's message, SQL or stack", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await healthResponse({
      check: () => Promise.reject(new Error(DRIVER_TEXT)),
      version: "1.2.3",
      startup: () => "ready",
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: "error", reason: DATABASE_UNREACHABLE, version: "1.2.3" });
    for (const leak of ["ECONNREFUSED", "10.1.2.3", "strata_admin", "select", "pg_shadow", "at "]) {
      expect(text).not.toContain(leak);
    }
    // The operator still finds the cause in the server log.
    expect(log).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ message: DRIVER_TEXT }));
  });

  it("answers 503 with a fixed sentence when the database does not answer in time", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await healthResponse({
      check: () => new Promise<string>(() => {}),
      version: "1.2.3",
      startup: () => "ready",
      timeoutMs: 10,
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toBe(DATABASE_TIMED_OUT);
  });
});
