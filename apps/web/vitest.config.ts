import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    // Timings per file for scripts/bench-test.mjs when STRATA_TEST_REPORTS is set (otherwise idle).
    reporters: ["default", "../../tooling/vitest/timings.ts"],
    // On PostgreSQL, one migrated template database per run that each suite's database copies.
    globalSetup: ["../../packages/db/src/testing-global-setup.ts"],
    setupFiles: ["../../tooling/vitest/fake-now.ts"],
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
