import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

// The browser tests start the BUILT app (`next build` runs first through turbo's test:e2e -> build)
// on its own port with a fresh embedded database, so they never touch a developer's data or server.
// Port 3100 unless it is taken (another server on this machine), then any free port. Set once in the
// main process; Playwright's workers inherit E2E_PORT and E2E_DATA_DIR instead of choosing their own.
process.env.E2E_PORT ??= String(await freePort(3100));
const PORT = Number(process.env.E2E_PORT);
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "strata-e2e-"));

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./e2e/.artifacts/test-results",
  fullyParallel: false,
  // One journey at a time: the server's embedded database is one connection, so journeys run side by
  // side wait on each other's queries and runs (tried with two workers: three journeys then missed
  // their 10-30 s expectations on this 2-core machine).
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Per-journey timings for scripts/bench-test.mjs when it asks (STRATA_TEST_REPORTS).
  reporter: process.env.STRATA_TEST_REPORTS
    ? [["list"], ["json", { outputFile: join(process.env.STRATA_TEST_REPORTS, "playwright.json") }]]
    : [["list"]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      // Debian's Chromium: browser tests never download a browser.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    command: "node node_modules/next/dist/bin/next start",
    url: `http://localhost:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      STRATA_DATA_DIR: process.env.E2E_DATA_DIR,
      // Always the embedded database, even when CI exports DATABASE_URL for the integration suites.
      DATABASE_URL: "",
      NEXTAUTH_URL: "",
      AUTH_URL: "",
      // The demo workspace (its retailer imported in the background) for the segments journeys.
      STRATA_DEMO: "1",
    },
  },
});

function freePort(preferred: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(port, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : port));
      });
    });
  return listen(preferred).catch(() => listen(0));
}
