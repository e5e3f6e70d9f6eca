#!/usr/bin/env node
// Runs the pinned pnpm through npx: a fresh machine has only Node and npm, and corepack's
// signature check fails here, so the version comes from package.json's packageManager field.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM_SPEC = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).packageManager;

/** Runs pnpm with args in the repository root; exits the process on failure. */
export function pnpm(args, options = {}) {
  const result = spawnSync("npx", ["--yes", PNPM_SPEC, ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) {
    if (!options.allowFailure) process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  pnpm(process.argv.slice(2));
}
