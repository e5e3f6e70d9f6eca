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

const DEMO_JOURNEYS = [
  "comments.spec.ts",
  "cost-to-serve.spec.ts",
  "policies.spec.ts",
  "privacy.spec.ts",
  "segment-review.spec.ts",
  "segments-algorithms.spec.ts",
  "segments-demo.spec.ts",
];

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./e2e/.artifacts/test-results",
  fullyParallel: false,
  // Two journeys at a time: one on the demo workspace, one on a workspace of its own (projects below).
  workers: Number(process.env.E2E_WORKERS ?? 2),
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
  // The journeys that work in the demo workspace change it (runs, published segments, policies, an
  // erased customer): they run one after another, in file order, as they always have. The others each
  // sign up users and make workspaces of their own, so they run beside them on the second worker.
  projects: [
    { name: "demo workspace", testMatch: DEMO_JOURNEYS, workers: 1 },
    { name: "own workspaces", testIgnore: DEMO_JOURNEYS },
  ],
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
