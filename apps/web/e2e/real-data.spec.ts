import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { expect, type Page, test } from "@playwright/test";
import { newWorkspaceThroughApi, snapshot } from "./fixtures";
import { waitForRunToFinish } from "./segments-helpers";

/**
 * A new analyst imports each public customer file of shared/datasets (SOURCES.md there) through the
 * import wizard, changes nothing, starts a run with the form's defaults and gets usable segments.
 * The screenshots are the ones docs/segment-quality.md shows (rewritten with UPDATE_SCREENSHOTS=1).
 * Skipped where shared/datasets is not beside the clone. The same checks, in more detail, run
 * without a browser in apps/worker/test/dataset-quality.int.test.ts.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const DATASETS = join(HERE, "..", "..", "..", "..", "shared", "datasets");
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "quality");

const FILES = [
  { file: "marketing_campaign.csv", shot: "quality-marketing-campaign", dateColumn: "Dt_Customer" },
  { file: "Mall_Customers.csv", shot: "quality-mall-customers" },
  { file: "wholesale_customers.csv", shot: "quality-wholesale-customers" },
];

/** Starts a run with the form's defaults, checks it is usable, and takes the docs' screenshots. */
async function runDefaultsAndShoot(page: Page, slug: string, shot: string): Promise<void> {
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
}

for (const { file, shot, dateColumn } of FILES) {
  const path = join(DATASETS, file);
  test(`${file}: imported through the wizard as it is, the default run gives usable segments`, async ({
    page,
  }) => {
    test.skip(!existsSync(path), `shared/datasets/${file} is not beside this clone`);
    test.setTimeout(300_000);
    const slug = await newWorkspaceThroughApi(page, `Quality ${file}`);

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

    await runDefaultsAndShoot(page, slug, shot);
  });
}

test("online_retail.csv: 541,909 order lines imported with their returns, the default run gives usable segments", async ({
  page,
}) => {
  const gz = join(DATASETS, "online_retail.csv.gz");
  test.skip(!existsSync(gz), "shared/datasets/online_retail.csv.gz is not beside this clone");
  test.setTimeout(420_000);
  // A user unzips the download first; the wizard takes .csv files.
  const path = join(mkdtempSync(join(tmpdir(), "strata-retail-")), "online_retail.csv");
  await pipeline(createReadStream(gz), createGunzip(), createWriteStream(path));
  const slug = await newWorkspaceThroughApi(page, "Quality online retail");

  await test.step("the analyst uploads the order lines; returns are imported as returns", async () => {
    await page.goto(`/${slug}/data`);
    await page.getByLabel("Order lines (one row per line of an order)").check();
    await page.getByLabel("File").setInputFiles(path);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page.getByRole("heading", { name: "Map the columns of online_retail.csv" })).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByLabel("Negative quantities")).toHaveValue("return");
    await page.getByRole("button", { name: "Import", exact: true }).click();
  });

  await test.step("guest lines without a customer are reported; the valid rows are imported", async () => {
    await expect(page.getByText("Validation failed")).toBeVisible({ timeout: 120_000 });
    await expect(page.getByText(/missing customer id/).first()).toBeVisible();
    await snapshot(page, "quality-online-retail-report");
    await page.getByRole("button", { name: "Import the valid rows only" }).click();
    await expect(page.getByText("Import finished")).toBeVisible({ timeout: 180_000 });
  });

  await runDefaultsAndShoot(page, slug, "quality-online-retail");
});
