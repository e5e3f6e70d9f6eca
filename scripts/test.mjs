#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// README's test command: install, build, lint, typecheck, then every suite. Integration
// suites run on PGlite always and on PostgreSQL too when DATABASE_URL is set.
import { existsSync } from "node:fs";
import { pnpm } from "./pnpm.mjs";

const started = Date.now();
const step = (name) => console.log(`\n=== ${name} (${Math.round((Date.now() - started) / 1000)}s) ===`);

step("install");
pnpm(["install", "--frozen-lockfile"]);
step("lint");
pnpm(["exec", "biome", "ci", "."]);
step("build");
pnpm(["exec", "turbo", "run", "build", "--output-logs=errors-only"]);
step("typecheck");
pnpm(["exec", "turbo", "run", "typecheck", "--output-logs=errors-only"]);
step(`unit and integration tests (PGlite${process.env.DATABASE_URL ? " + PostgreSQL" : ""})`);
pnpm(["exec", "turbo", "run", "test", "--concurrency=1"]);

if (!existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
  step("installing Debian's Chromium for browser tests");
  const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit" }).status;
  if (apt(["update"]) !== 0 || apt(["install", "-y", "chromium"]) !== 0) {
    console.error("Could not install chromium with apt-get; browser tests need /usr/bin/chromium.");
    process.exit(1);
  }
}
step("browser tests");
pnpm(["exec", "turbo", "run", "test:e2e", "--concurrency=1"]);
step(`all tests passed in ${Math.round((Date.now() - started) / 1000)}s`);
