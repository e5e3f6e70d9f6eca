import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timings per file for scripts/bench-test.mjs when STRATA_TEST_REPORTS is set (otherwise idle).
    reporters: ["default", "../../tooling/vitest/timings.ts"],
    // On PostgreSQL, one migrated template database per run that each suite's database copies.
    globalSetup: ["./src/testing-global-setup.ts"],
  },
});
