import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), ".artifacts");

/** Saves a full-page screenshot of a key state to e2e/.artifacts/<name>.png for a person to look at. */
export async function snapshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A unique email per run, so the journey never collides with a user from an earlier run. */
export function uniqueEmail(who: string): string {
  return `${who}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@example.com`;
}
