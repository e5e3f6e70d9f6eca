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
    // One file at a time on two cores (vitest's default): with two, the fault suite's import (its
    // connections killed mid-job) outlasted its 60 s once in a clean-clone run beside the typecheck.
    // Cheaper password hashes in tests (the format and checks are the same; only N differs).
    env: { STRATA_SCRYPT_LOG_N: "11" },
  },
});
