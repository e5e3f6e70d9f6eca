import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Timings per file for scripts/bench-test.mjs when STRATA_TEST_REPORTS is set (otherwise idle).
    reporters: ["default", "../../tooling/vitest/timings.ts"],
    // On PostgreSQL, one migrated template database per run that each suite's database copies.
    globalSetup: ["../db/src/testing-global-setup.ts"],
    setupFiles: ["../../tooling/vitest/fake-now.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two files at a time even on two cores (vitest's default there is one): much of this suite waits
    // (on PostgreSQL, on queue polls and retry delays, on consumers stopping), not computes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Cheaper password hashes in tests (the format and checks are the same; only N differs).
    env: { STRATA_SCRYPT_LOG_N: "11" },
  },
});
