import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Timings per file for scripts/bench-test.mjs when STRATA_TEST_REPORTS is set (otherwise idle).
    reporters: ["default", "../../tooling/vitest/timings.ts"],
    setupFiles: ["../../tooling/vitest/fake-now.ts"],
    include: ["src/**/*.test.ts"],
  },
});
