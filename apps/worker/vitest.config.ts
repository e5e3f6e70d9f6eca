import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Timings per file for scripts/bench-test.mjs when STRATA_TEST_REPORTS is set (otherwise idle).
    reporters: ["default", "../../tooling/vitest/timings.ts"],
    // On PostgreSQL, one migrated template database per run that each suite's database copies.
    globalSetup: ["../../packages/db/src/testing-global-setup.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The suites start worker processes and thread pools of their own: one file at a time.
    fileParallelism: false,
  },
});
