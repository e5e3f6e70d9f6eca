import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import nextConfig from "../next.config";
import { config, contentSecurityPolicy, proxy } from "./proxy";

const directives = (policy: string) =>
  new Map(
    policy.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

describe("proxy", () => {
  it("gives every page request its own nonce, on the response's CSP and on the request Next renders", () => {
    const first = proxy(new NextRequest("http://localhost:3000/demo/segments"));
    const second = proxy(new NextRequest("http://localhost:3000/demo/segments"));
    const policy = first.headers.get("content-security-policy")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    // NextResponse.next({ request: { headers } }) passes the request headers on like this.
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
  });

  it("upgrades insecure requests only behind HTTPS", () => {
    const plain = proxy(new NextRequest("http://localhost:3000/sign-in"));
    expect(plain.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
    const behindTls = proxy(
      new NextRequest("http://app.internal:3000/sign-in", { headers: { "x-forwarded-proto": "https" } }),
    );
    expect(behindTls.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("runs on pages, not on API routes or build assets", () => {
    const source = new RegExp(`^${config.matcher[0]!.source}$`);
    for (const path of ["/", "/sign-in", "/demo/segments/sets/1"]) expect(source.test(path)).toBe(true);
    for (const path of ["/api/health", "/api/trpc/x", "/_next/static/chunks/a.js", "/favicon.ico"]) {
      expect(source.test(path)).toBe(false);
    }
  });
});

describe("contentSecurityPolicy", () => {
  it("allows only nonce-carrying scripts, forbids framing, and lets style attributes through for charts", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc", isDev: false, isHttps: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(policy.get("style-src-elem")).toEqual(["'self'", "'nonce-abc'"]);
    expect(policy.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it("adds what development needs (eval for React's stacks, injected styles) only in development", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc", isDev: true, isHttps: false }));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("style-src-elem")).toContain("'unsafe-inline'");
  });
});

describe("next.config headers", () => {
  it("sends nosniff, a referrer policy and no framing on every response, and HSTS only behind HTTPS", async () => {
    const rules = await nextConfig.headers!();
    const everywhere = rules.find((r) => r.source === "/:path*" && !r.has)!;
    expect(Object.fromEntries(everywhere.headers.map((h) => [h.key, h.value]))).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
    });
    expect(everywhere.headers.map((h) => h.key)).not.toContain("Strict-Transport-Security");

    const hsts = rules.find((r) => r.headers.some((h) => h.key === "Strict-Transport-Security"))!;
    const condition = hsts.has![0]! as { type: string; key: string; value: string };
    expect(condition).toMatchObject({ type: "header", key: "x-forwarded-proto" });
    // Next matches a `has` value as an anchored regular expression.
    const matches = (proto: string) => new RegExp(`^${condition.value}$`).test(proto);
    expect(["https", "https,http"].map(matches)).toEqual([true, true]);
    expect(["http", "http,https"].map(matches)).toEqual([false, false]);
  });
});
