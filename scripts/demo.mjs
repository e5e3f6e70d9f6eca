#!/usr/bin/env node
// README's start command: install the pinned tools, build, then run the production server with the
// embedded database (or DATABASE_URL) and the demo workspace seeded on start.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pnpm, ROOT } from "./pnpm.mjs";

const PORT = Number(process.env.PORT || 3000);
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error(`PORT must be a port number (1-65535), got "${process.env.PORT}".`);
  process.exit(1);
}
const WEB = join(ROOT, "apps", "web");
const URL_BASE = `http://localhost:${PORT}`;
const step = (text) => console.log(`\n=== ${text} ===`);

step("installing dependencies (pinned pnpm)");
pnpm(["install", "--frozen-lockfile"], { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" } });
step("building");
pnpm(["exec", "turbo", "run", "build", "--filter=@strata/web...", "--output-logs=errors-only"]);

const demoPassword = process.env.STRATA_DEMO_PASSWORD || (await defaultDemoPassword());

step(`starting Strata on ${URL_BASE}`);
const server = spawn(process.execPath, [join(WEB, "node_modules", "next", "dist", "bin", "next"), "start"], {
  cwd: WEB,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(PORT),
    STRATA_DEMO: "1",
    STRATA_DEMO_PASSWORD: demoPassword,
  },
});

let isStopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    isStopping = true;
    server.kill(signal);
  });
}
server.on("exit", (code, signal) => {
  if (!isStopping && code !== 0) console.error(`\nThe server stopped (${signal ?? `exit code ${code}`}).`);
  process.exit(code ?? (signal ? 0 : 1));
});

await waitForHealth();
console.log(`
  Strata is running at ${URL_BASE}

  Demo login
    email:    demo@strata.local
    password: ${demoPassword}

  Press Ctrl+C to stop.
`);

/** The api's default demo password (one source of truth), read from its build. */
async function defaultDemoPassword() {
  const entry = join(ROOT, "packages", "api", "dist", "index.js");
  if (existsSync(entry)) {
    const api = await import(pathToFileURL(entry).href);
    if (typeof api.DEFAULT_DEMO_PASSWORD === "string") return api.DEFAULT_DEMO_PASSWORD;
  }
  console.error("Could not read DEFAULT_DEMO_PASSWORD from packages/api/dist; set STRATA_DEMO_PASSWORD.");
  process.exit(1);
}

async function waitForHealth() {
  const deadline = Date.now() + 180_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}/api/health`);
      const body = await response.text();
      // 200 means the database answers; `startup: "ready"` that the demo login is seeded too.
      if (response.ok && JSON.parse(body).startup !== "starting") return;
      last = `${response.status} ${body}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.error(`The server did not become healthy within 3 minutes (last answer: ${last}).`);
  server.kill("SIGTERM");
  process.exit(1);
}
