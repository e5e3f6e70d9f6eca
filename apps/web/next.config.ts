import { readFileSync } from "node:fs";
import type { NextConfig } from "next";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The database layer stays outside the bundle: PGlite ships WASM and data files it loads by path,
  // Piscina spawns worker files by path, and one PGlite instance must be shared through globalThis
  // by instrumentation and route handlers, which only works when Node loads these modules itself.
  serverExternalPackages: ["@strata/db", "@strata/api", "@strata/auth"],
  env: { STRATA_VERSION: version },
};

export default config;
