import { describe, expect, it } from "vitest";
import { ensureAuthUrl, readWebEnv, workRunsHere } from "./env";

describe("ensureAuthUrl", () => {
  it("derives the sign-in URL from PORT when no auth URL is set", () => {
    const env: Record<string, string | undefined> = { PORT: "3200" };
    expect(ensureAuthUrl(env)).toBe("http://localhost:3200");
    expect(env.NEXTAUTH_URL).toBe("http://localhost:3200");
  });

  it("defaults to port 3000", () => {
    expect(ensureAuthUrl({})).toBe("http://localhost:3000");
  });

  it("keeps an explicit NEXTAUTH_URL, and uses AUTH_URL when only that is set", () => {
    expect(ensureAuthUrl({ PORT: "4000", NEXTAUTH_URL: "https://strata.example.com" })).toBe(
      "https://strata.example.com",
    );
    expect(ensureAuthUrl({ AUTH_URL: "https://auth.example.com" })).toBe("https://auth.example.com");
  });

  it("treats an empty NEXTAUTH_URL as unset", () => {
    expect(ensureAuthUrl({ PORT: "3100", NEXTAUTH_URL: "" })).toBe("http://localhost:3100");
  });
});

describe("readWebEnv", () => {
  it("names the variable that is wrong", () => {
    expect(() => readWebEnv({ PORT: "eighty" })).toThrow(/PORT/);
  });
});

describe("STRATA_WEB_RUNS", () => {
  it("works runs in the web server unless turned off on PostgreSQL", () => {
    expect(readWebEnv({}).STRATA_WEB_RUNS).toBe("on");
    expect(workRunsHere("on", "postgres")).toBe(true);
    expect(workRunsHere("off", "postgres")).toBe(false);
  });

  it("keeps working runs on the embedded database, where no worker can reach the queue", () => {
    expect(workRunsHere("off", "pglite")).toBe(true);
  });

  it("names the variable when the value is wrong", () => {
    expect(() => readWebEnv({ STRATA_WEB_RUNS: "no" })).toThrow(/STRATA_WEB_RUNS/);
  });
});
