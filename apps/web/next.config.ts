import { readFileSync } from "node:fs";
import type { NextConfig } from "next";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // The CSP's frame-ancestors 'none' for browsers that predate it, and for non-page responses.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), browsing-topics=()" },
];

const config: NextConfig = {
  poweredByHeader: false,
  // A separate build folder when asked (NEXT_DIST_DIR), so parallel builds and browser tests on one
  // checkout do not overwrite each other's .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  // Our own @strata/* packages are loaded by Node at run time (src/server/modules.ts), and so are
  // these: PGlite ships WASM and data files it loads by path, Piscina spawns worker files by path,
  // and tRPC's server must be one copy shared with @strata/api.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "pg-boss", "piscina", "@trpc/server"],
  env: { STRATA_VERSION: version },
  // Headers that are the same on every response, API routes and downloads included. The page CSP
  // needs a fresh nonce per request, so it is set in src/proxy.ts instead.
  headers: async () => [
    { source: "/:path*", headers: SECURITY_HEADERS },
    // HSTS only when the browser came over HTTPS: `next start` serves plain HTTP, so HTTPS means a
    // TLS-terminating proxy in front, which sets X-Forwarded-Proto (Next keeps it as given). Over
    // plain HTTP (the local demo) browsers ignore HSTS anyway (RFC 6797 §8.1); this keeps it out of
    // those answers altogether. No `preload`: that is a decision for whoever owns the domain.
    {
      source: "/:path*",
      has: [{ type: "header", key: "x-forwarded-proto", value: "https(,.*)?" }],
      headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
    },
  ],
};

export default config;
