import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";
import { waitForRunToFinish } from "./segments-helpers";

/**
 * A new analyst imports each public customer file of shared/datasets (SOURCES.md there) through the
 * import wizard, changes nothing, starts a run with the form's defaults and gets usable segments.
 * The screenshots are the ones docs/segment-quality.md shows (rewritten with UPDATE_SCREENSHOTS=1).
 * Skipped where shared/datasets is not beside the clone. Online Retail's 541,909 lines are checked
 * by apps/worker/test/dataset-quality.int.test.ts, through the same services, without a browser.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const DATASETS = join(HERE, "..", "..", "..", "..", "shared", "datasets");
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "quality");
const PASSWORD = "correct-horse-battery-42";

const FILES = [
  { file: "marketing_campaign.csv", shot: "quality-marketing-campaign", dateColumn: "Dt_Customer" },
  { file: "Mall_Customers.csv", shot: "quality-mall-customers" },
  { file: "wholesale_customers.csv", shot: "quality-wholesale-customers" },
];

async function newWorkspace(page: Page, name: string): Promise<string> {
  const api = page.request;
  const email = uniqueEmail("analyst");
  expect(
    (
      await api.post("/api/trpc/account.signUp", {
        data: { json: { email, password: PASSWORD, name: "Ada" } },
      })
    ).ok(),
  ).toBe(true);
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signIn = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: PASSWORD, json: "true" },
  });
  expect(signIn.ok()).toBe(true);
  const created = await api.post("/api/trpc/tenant.create", { data: { json: { name } } });
  expect(created.ok()).toBe(true);
  return ((await created.json()) as { result: { data: { json: { slug: string } } } }).result.data.json.slug;
}

for (const { file, shot, dateColumn } of FILES) {
  const path = join(DATASETS, file);
  test(`${file}: imported through the wizard as it is, the default run gives usable segments`, async ({
    page,
  }) => {
    test.skip(!existsSync(path), `shared/datasets/${file} is not beside this clone`);
    test.setTimeout(300_000);
    const slug = await newWorkspace(page, `Quality ${file}`);

    await test.step("the analyst uploads the customer file and imports it with the suggested mapping", async () => {
      await page.goto(`/${slug}/data`);
      await page.getByLabel("Customers (one row per customer)").check();
      await page.getByLabel("File").setInputFiles(path);
      await page.getByRole("button", { name: "Upload and preview" }).click();
      await expect(page.getByRole("heading", { name: `Map the columns of ${file}` })).toBeVisible({
        timeout: 30_000,
      });
      if (dateColumn) {
        // Day-first dates (04-09-2012) are detected, not rejected.
        await expect(page.getByLabel(`Date format of column ${dateColumn}`)).toHaveValue("dmy-dash");
      }
      await snapshot(page, `${shot}-mapping`);
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await expect(page.getByText("Import finished")).toBeVisible({ timeout: 60_000 });
      await expect(page.getByText(/, 0 rejected/)).toBeVisible();
    });

    await test.step("a run with the form's defaults finds at least three segments, none dominant", async () => {
      await expect(async () => {
        await page.goto(`/${slug}/segments/runs/new`);
        await expect(page.getByRole("button", { name: "Start run" })).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 60_000 });
      await page.getByRole("button", { name: "Start run" }).click();
      await waitForRunToFinish(page);
      const why = (await page.getByText(/^Why \d+ segments?:/).textContent()) ?? "";
      expect(Number(/Why (\d+)/.exec(why)?.[1])).toBeGreaterThanOrEqual(3);
      await expect(page.getByRole("table", { name: "Scores of each k" })).toBeVisible();
      const cards = page.getByRole("article");
      expect(await cards.count()).toBeGreaterThanOrEqual(3);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.mouse.move(0, 0);
      await page.waitForTimeout(600); // charts re-measure their container after a resize
      await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`) });
      await page.getByRole("heading", { name: "Segments", exact: true, level: 2 }).scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `${shot}-segments.png`) });
    });
  });
}
