import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["../../tooling/vitest/fake-now.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Cheaper password hashes in tests (the format and checks are the same; only N differs).
    env: { STRATA_SCRYPT_LOG_N: "11" },
  },
});
