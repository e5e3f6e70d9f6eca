import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["../../tooling/vitest/fake-now.ts"],
    include: ["src/**/*.test.ts"],
  },
});
