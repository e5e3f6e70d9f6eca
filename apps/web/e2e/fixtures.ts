import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";

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

/**
 * A new user signed up and signed in through the api (the page's request context keeps the session
 * cookie), with a new workspace of the given name; returns its slug.
 */
export async function newWorkspaceThroughApi(page: Page, name: string, who = "analyst"): Promise<string> {
  const api = page.request;
  const email = uniqueEmail(who);
  const password = "correct-horse-battery-42";
  expect(
    (await api.post("/api/trpc/account.signUp", { data: { json: { email, password, name: "Ada" } } })).ok(),
  ).toBe(true);
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signIn = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
  expect(signIn.ok()).toBe(true);
  const created = await api.post("/api/trpc/tenant.create", { data: { json: { name } } });
  expect(created.ok()).toBe(true);
  return ((await created.json()) as { result: { data: { json: { slug: string } } } }).result.data.json.slug;
}
