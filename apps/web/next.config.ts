import { readFileSync } from "node:fs";
import type { NextConfig } from "next";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

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
};

export default config;
