#!/usr/bin/env node
// README's test command: install, lint, build, typecheck, then every suite. Integration
// suites run on PGlite always and on PostgreSQL too when DATABASE_URL is set. Every step
// runs even after one fails, so one CI run reports everything that is wrong.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pnpm } from "./pnpm.mjs";

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
const failed = [];

function step(name, args, env = {}) {
  console.log(`\n=== ${name} (${seconds()}s) ===`);
  const status = pnpm(args, { allowFailure: true, env });
  if (status !== 0) failed.push(name);
  return status === 0;
}

if (!step("install", ["install", "--frozen-lockfile"])) process.exit(1);
step("lint", ["exec", "biome", "ci", "."]);
if (!step("build", ["exec", "turbo", "run", "build", "--output-logs=errors-only"])) {
  console.error(`\nBuild failed; nothing else can run. Failed: ${failed.join(", ")}`);
  process.exit(1);
}
step("typecheck", ["exec", "turbo", "run", "typecheck", "--output-logs=errors-only"]);
step(`unit and integration tests (PGlite${process.env.DATABASE_URL ? " + PostgreSQL" : ""})`, [
  "exec",
  "turbo",
  "run",
  "test",
  "--concurrency=1",
  "--continue",
]);

// The unit suites again on two other dates (a leap day's eve and a year end far ahead): results that
// depend on today's date fail here instead of on some future day.
for (const now of ["2028-02-28T23:30:00Z", "2031-12-31T23:59:30Z"]) {
  step(
    `unit tests dated ${now.slice(0, 10)}`,
    [
      "--filter=@strata/core",
      "--filter=@strata/auth",
      "--filter=@strata/api",
      "--filter=@strata/web",
      "--recursive",
      "exec",
      "vitest",
      "run",
      "--exclude=**/*.int.test.ts",
      "--exclude=**/node_modules/**",
    ],
    { STRATA_TEST_NOW: now },
  );
}

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.log(`\n=== installing Debian's Chromium for browser tests (${seconds()}s) ===`);
  const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit" }).status;
  if (apt(["update"]) !== 0 || apt(["install", "-y", "chromium"]) !== 0) {
    console.error(`Could not install chromium with apt-get; browser tests need ${chromium}.`);
    failed.push("chromium install");
  }
}
if (existsSync(chromium))
  step("browser tests", ["exec", "turbo", "run", "test:e2e", "--concurrency=1", "--continue"]);

if (failed.length > 0) {
  console.error(`\n${failed.length} step(s) failed after ${seconds()}s: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\n=== all tests passed in ${seconds()}s ===`);
