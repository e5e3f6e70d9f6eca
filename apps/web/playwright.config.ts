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
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
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
