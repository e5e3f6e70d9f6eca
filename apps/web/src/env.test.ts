import { describe, expect, it } from "vitest";
import { ensureAuthUrl, readWebEnv } from "./env";

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
