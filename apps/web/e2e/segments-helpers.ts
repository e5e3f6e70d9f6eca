import { expect, type Page } from "@playwright/test";

export const DEMO_EMAIL = "demo@strata.local";
export const DEMO_PASSWORD = process.env.STRATA_DEMO_PASSWORD ?? "strata-demo-2026";

/** Signs in through next-auth's credentials endpoint (the sign-in page has its own journey). */
export async function signInThroughApi(
  page: Page,
  email = DEMO_EMAIL,
  password = DEMO_PASSWORD,
): Promise<void> {
  const csrf = await page.request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true", callbackUrl: "/" },
  });
  expect(response.ok()).toBe(true);
  const session = await page.request.get("/api/auth/session");
  expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe(email);
}

/**
 * Opens the new-run form of the demo workspace once its customer features are there: the demo
 * retailer is imported in the background when the server starts, so a fresh server may need a moment.
 */
export async function openNewRunForm(page: Page): Promise<void> {
  await expect(async () => {
    await page.goto("/demo/segments/runs/new");
    await expect(page.getByRole("button", { name: "Start run" })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 180_000, intervals: [2_000, 5_000] });
}

/** Waits until the run page shows a finished run (progress at 100 %) and returns. */
export async function waitForRunToFinish(page: Page): Promise<void> {
  const progress = page.getByRole("progressbar", { name: "Run progress" });
  // The first run after the server starts also starts its threads, and the embedded database's one
  // connection serves the run and the page: on a loaded machine the page has waited over 10 s.
  await expect(progress).toBeVisible({ timeout: 60_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "100", { timeout: 150_000 });
  await expect(page.getByText(/^Why \d+ segments?:/)).toBeVisible();
}
