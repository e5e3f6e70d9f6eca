#!/usr/bin/env node
// README's test command: install, lint, build, typecheck, then every suite. Integration
// suites run on PGlite always and on PostgreSQL too when DATABASE_URL is set. Every step
// runs even after one fails, so one CI run reports everything that is wrong.
//
// With STRATA_TEST_REPORTS set to a folder (scripts/bench-test.mjs does), each step's wall time
// and the machine's busy CPU time go to <folder>/stages.json and the suites write their per-file
// timings to <folder>/<step>/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PNPM_SPEC, ROOT } from "./pnpm.mjs";

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
const failed = [];
const reports = process.env.STRATA_TEST_REPORTS;
const stages = [];

/** Seconds both cores have spent busy since boot (all processes: the figure is for a quiet machine). */
function busyCpuSeconds() {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return 0;
  }
}

function record(name, since, cpuSince, ok, beside = false) {
  if (!reports) return;
  const wallS = (Date.now() - since) / 1000;
  stages.push({ name, wallS, cpuS: busyCpuSeconds() - cpuSince, ok, beside });
  mkdirSync(reports, { recursive: true });
  writeFileSync(join(reports, "stages.json"), JSON.stringify(stages, null, 2));
}

/** Per-step folder for the suites' timing reports (tooling/vitest/timings.ts). */
function reportEnv(folder) {
  return reports ? { STRATA_TEST_REPORTS: join(reports, folder) } : {};
}

/** Runs pnpm with `args` in the repository root; its output goes to this terminal unless `held`. */
function runPnpm(args, env, held) {
  const child = spawn("npx", ["--yes", PNPM_SPEC, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: held ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (held) {
    child.stdout.on("data", (chunk) => held.push(chunk));
    child.stderr.on("data", (chunk) => held.push(chunk));
  }
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

async function step(name, args, env = {}) {
  console.log(`\n=== ${name} (${seconds()}s) ===`);
  const since = Date.now();
  const cpu = busyCpuSeconds();
  const ok = (await runPnpm(args, env)) === 0;
  if (!ok) failed.push(name);
  record(name, since, cpu, ok);
  return ok;
}

/**
 * A step run beside the ones in the foreground: its output is held back and printed when it ends,
 * so the steps' logs do not interleave.
 */
async function backgroundStep(name, args, env = {}) {
  console.log(`\n=== ${name}, alongside the next step (${seconds()}s) ===`);
  const since = Date.now();
  const cpu = busyCpuSeconds();
  const output = [];
  const ok = (await runPnpm(args, env, output)) === 0;
  console.log(`\n=== ${name}: done (${seconds()}s) ===`);
  process.stdout.write(Buffer.concat(output));
  if (!ok) failed.push(name);
  record(name, since, cpu, ok, true);
  return ok;
}

if (!(await step("install", ["install", "--frozen-lockfile"]))) process.exit(1);
await step("lint", ["exec", "biome", "ci", "."]);
if (!(await step("build", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]))) {
  console.error(`\nBuild failed; nothing else can run. Failed: ${failed.join(", ")}`);
  process.exit(1);
}

// The typecheck only computes and the suites mostly run one file at a time (or wait on PostgreSQL
// and child processes), so on a small machine the typecheck costs little wall time beside them.
// Both run `--only`: the build just ran, and turbo restoring its outputs again from the cache would
// rewrite dist/ under the other step's feet.
const typecheck = backgroundStep("typecheck", [
  "exec",
  "turbo",
  "run",
  "typecheck",
  "--only",
  // One package at a time, so it takes at most one core from the suites.
  "--concurrency=1",
  "--output-logs=errors-only",
]);

// The first run of the unit suites notes which test files read the current time
// (tooling/vitest/fake-now.ts); only those can depend on the date the dated runs below fake.
const clockProbe = join(tmpdir(), `strata-clock-probe-${process.pid}.txt`);
rmSync(clockProbe, { force: true });
await step(
  `unit and integration tests (PGlite${process.env.DATABASE_URL ? " + PostgreSQL" : ""})`,
  ["exec", "turbo", "run", "test", "--only", "--concurrency=1", "--continue"],
  { ...reportEnv("tests"), STRATA_TEST_CLOCK_PROBE: clockProbe },
);
await typecheck;

// The unit suites again on two other dates (a leap day's eve and a year end far ahead): results that
// depend on today's date fail here instead of on some future day. Faking Date can only change a suite
// that reads "now", so the runs take the unit suites the first run saw reading it; when that run did
// not finish, every unit suite.
const DATED_PACKAGES = {
  "packages/core": "@strata/core",
  "packages/auth": "@strata/auth",
  "packages/api": "@strata/api",
  "apps/web": "@strata/web",
  "packages/contract": "@strata/contract",
};
const clockReaders = existsSync(clockProbe)
  ? [...new Set(readFileSync(clockProbe, "utf8").split("\n").filter(Boolean))].filter(
      (file) => !file.endsWith(".int.test.ts"),
    )
  : undefined;
rmSync(clockProbe, { force: true });
const probeComplete = clockReaders !== undefined && !failed.some((name) => name.startsWith("unit and"));
for (const now of ["2028-02-28T23:30:00Z", "2031-12-31T23:59:30Z"]) {
  const name = `unit tests dated ${now.slice(0, 10)}`;
  const env = { ...reportEnv(`dated-${now.slice(0, 4)}`), STRATA_TEST_NOW: now };
  if (!probeComplete) {
    await step(
      name,
      [
        ...Object.values(DATED_PACKAGES).map((name) => `--filter=${name}`),
        "--recursive",
        "exec",
        "vitest",
        "run",
        "--exclude=**/*.int.test.ts",
        "--exclude=**/node_modules/**",
      ],
      env,
    );
    continue;
  }
  for (const dir of Object.keys(DATED_PACKAGES)) {
    const files = clockReaders
      .filter((file) => file.startsWith(`${join(ROOT, dir)}/`))
      .map((file) => relative(join(ROOT, dir), file));
    if (files.length === 0) continue;
    await step(
      `${name}: ${dir} (${files.length} suites read the clock)`,
      [`--dir=${dir}`, "exec", "vitest", "run", ...files],
      env,
    );
  }
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
  await step(
    "browser tests",
    // --only: the build is there; turbo would otherwise restore .next from its cache again.
    ["exec", "turbo", "run", "test:e2e", "--only", "--concurrency=1", "--continue"],
    reportEnv("browser-tests"),
  );

if (failed.length > 0) {
  console.error(`\n${failed.length} step(s) failed after ${seconds()}s: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\n=== all tests passed in ${seconds()}s ===`);
