import { describe, expect, it } from "vitest";
import { ensureAuthUrl, productionStartProblems, readWebEnv, workRunsHere } from "./env";

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

describe("productionStartProblems", () => {
  const base = {
    nodeEnv: "production",
    databaseUrl: "postgres://strata@db:5432/strata",
    authSecret: "x".repeat(40),
    demo: "0" as const,
    demoPassword: undefined,
    defaultDemoPassword: "strata-demo-2026",
  };

  it("lets a configured production deployment start", () => {
    expect(productionStartProblems(base)).toEqual([]);
    expect(productionStartProblems({ ...base, demo: "1", demoPassword: "our-own-demo-pass-9" })).toEqual([]);
  });

  it("lets the demo start on PostgreSQL keep its generated secret, but not the published demo password", () => {
    const demo = { ...base, authSecret: undefined, demo: "1" as const };
    expect(productionStartProblems({ ...demo, demoPassword: "our-own-demo-pass-9" })).toEqual([]);
    expect(productionStartProblems({ ...demo, demoPassword: "strata-demo-2026" })).toEqual([
      expect.stringMatching(/STRATA_DEMO_PASSWORD/),
    ]);
  });

  it("refuses production on PostgreSQL without AUTH_SECRET, naming the variable", () => {
    const problems = productionStartProblems({ ...base, authSecret: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AUTH_SECRET is required/);
  });

  it("refuses the demo seed in production on PostgreSQL with the default or no demo password", () => {
    expect(productionStartProblems({ ...base, demo: "1", demoPassword: "strata-demo-2026" })[0]).toMatch(
      /STRATA_DEMO_PASSWORD/,
    );
    expect(productionStartProblems({ ...base, demo: "1" })[0]).toMatch(/STRATA_DEMO_PASSWORD/);
  });

  it("keeps npm run demo working on a fresh machine: the embedded start generates its secret and keeps the default password", () => {
    const embedded = { ...base, databaseUrl: undefined, authSecret: undefined, demo: "1" as const };
    expect(productionStartProblems({ ...embedded, demoPassword: "strata-demo-2026" })).toEqual([]);
    // Development servers are not refused either.
    expect(productionStartProblems({ ...base, nodeEnv: "development", authSecret: undefined })).toEqual([]);
  });
});
