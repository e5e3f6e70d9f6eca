import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { snapshot } from "./fixtures";
import { openNewRunForm, signInThroughApi, waitForRunToFinish } from "./segments-helpers";

/** Screenshots for docs/ are rewritten only when asked (UPDATE_SCREENSHOTS=1), as in segments-demo. */
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "readme");

test("on the demo workspace an analyst computes cost-to-serve and reads the P&L, the whale curve and the matrix", async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInThroughApi(page);
  mkdirSync(SCREENSHOTS, { recursive: true });

  await test.step("the cost model is there to read, with a hint for every number", async () => {
    // The demo retailer (and its cost model) is imported in the background when the server starts.
    await openNewRunForm(page);
    await page.goto("/demo/cost-to-serve/model");
    await expect(page.getByRole("heading", { name: "Cost model" })).toBeVisible();
    await expect(page.getByLabel("Currency")).toHaveValue("EUR");
    await expect(page.getByRole("listitem", { name: "picking" })).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, "cost-to-serve-model.png"), fullPage: false });
  });

  const setName = `Cost segments ${Date.now().toString(36)}`;
  await test.step("the analyst publishes the default run's segments, so costs are shown per segment", async () => {
    await openNewRunForm(page);
    await page.getByRole("button", { name: "Start run" }).click();
    await waitForRunToFinish(page);
    await page.getByRole("link", { name: "Publish as segment set" }).click();
    await page.getByLabel("Segment set name").fill(setName);
    await page.getByRole("button", { name: "Publish segment set" }).click();
    await expect(page.getByRole("heading", { name: setName, level: 1 })).toBeVisible();
  });

  await test.step("an empty page offers to compute; computing shows progress, then the result", async () => {
    await page.goto("/demo/cost-to-serve");
    const empty = page.getByRole("heading", { name: "No cost-to-serve computed yet" });
    const again = page.getByRole("button", { name: "Compute again" });
    await expect(empty.or(again)).toBeVisible();
    if (await again.isVisible()) await again.click();
    else await snapshot(page, "cost-to-serve-01-empty");
    // The segment set just published is the default choice.
    await expect(page.getByLabel("Segment set").locator("option:checked")).toHaveText(new RegExp(setName));
    await page.getByRole("button", { name: "Compute cost-to-serve" }).click();
    await expect(page.getByRole("table", { name: "Profit and loss by segment" })).toBeVisible({
      timeout: 180_000,
    });
  });

  await test.step("the P&L, the waterfall, the whale curve and the matrix show real numbers", async () => {
    const pnl = page.getByRole("table", { name: "Profit and loss by segment" });
    await expect(pnl.getByRole("columnheader", { name: "Net profit" })).toBeVisible();
    await expect(pnl.getByRole("button", { name: "All customers" })).toBeVisible();
    await expect(pnl.getByRole("row").nth(1)).toContainText(/\d/);
    await expect(page.getByRole("figure", { name: /Waterfall of all customers/ })).toBeVisible();
    await expect(page.getByRole("figure", { name: /Whale curve/ })).toBeVisible();
    await expect(
      page.getByText(/The most profitable [\d.]+% of customers earn [\d.,]+% of profit/),
    ).toBeVisible();
    // Computed for the segment set published above: one bubble per segment.
    await expect(page.getByRole("figure", { name: /Value vs cost-to-serve matrix/ })).toBeVisible();
    // A header, at least three segments and the totals.
    expect(await pnl.getByRole("row").count()).toBeGreaterThanOrEqual(5);
    await expect(page.getByRole("heading", { name: "Unused capacity" })).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, "cost-to-serve-results.png"), fullPage: true });
  });

  await test.step("all customers open least profitable first, each with its activities and its customer page", async () => {
    await page.getByRole("button", { name: "All customers" }).click();
    const customers = page.getByRole("table", { name: "All customers" });
    await expect(customers).toBeVisible();
    const first = customers.getByRole("row").nth(1);
    await first.getByRole("button", { name: /Activities/ }).click();
    await expect(customers.getByRole("definition").first()).toBeVisible();
    await snapshot(page, "cost-to-serve-02-customers");
    await first.getByRole("link").first().click();
    await expect(page).toHaveURL(/\/demo\/data\/customers\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { name: "Cost to serve" })).toBeVisible();
    await expect(page.locator("#main").getByText("Cost-to-serve", { exact: true })).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, "cost-to-serve-customer.png"), fullPage: false });
  });
});
