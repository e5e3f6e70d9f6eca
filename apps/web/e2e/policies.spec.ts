import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { snapshot } from "./fixtures";
import { signInThroughApi } from "./segments-helpers";

/** Screenshots for docs/ are rewritten only when asked (UPDATE_SCREENSHOTS=1), as in segments-demo. */
const HERE = dirname(fileURLToPath(import.meta.url));

/** Closes the notifications still showing, so a screenshot shows the page under them. */
async function dismissToasts(page: Page): Promise<void> {
  for (const button of await page.getByRole("button", { name: "Dismiss notification" }).all())
    await button.click();
  await expect(page.getByRole("button", { name: "Dismiss notification" })).toHaveCount(0);
}
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "readme");

test("on the demo workspace an analyst reads the product classes, sets a policy for a segment, and a scenario moving it to distribution-centre delivery shows the saving, the sales effect and goes to review", async ({
  page,
}) => {
  test.setTimeout(300_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await signInThroughApi(page);
  const segmentName = `Store chains ${Date.now().toString(36)}`;

  const setUrl = await test.step("a segment of an approved segment set to give a policy to", async () => {
    // The demo retailer is imported in the background when the server starts.
    await expect(async () => {
      await page.goto("/demo/segments/rules/new");
      await expect(page.locator('option[value="attribute:employees"]').first()).toBeAttached({
        timeout: 5_000,
      });
    }).toPass({ timeout: 180_000, intervals: [2_000, 5_000] });
    await page.getByLabel("Segment name").fill(segmentName);
    await page.getByLabel("Field of condition 1").selectOption("attribute:employees");
    // Chains (department stores, supermarkets, hotel groups): most of their drops are store runs.
    await page.getByLabel("Operator of condition 1").selectOption("gte");
    await page.getByLabel("Value of condition 1").fill("40");
    await expect(
      page.getByRole("complementary", { name: "Live preview" }).getByText("Updating…"),
    ).toHaveCount(0);
    await page.getByRole("button", { name: "Save rule segment" }).click();
    const review = page.getByRole("region", { name: "Review" });
    await review.getByRole("button", { name: "Ask for review" }).click();
    await review.getByRole("button", { name: "Approve version 1" }).click();
    await expect(review.getByText("Approved v1")).toBeVisible();
    return page.url();
  });

  await test.step("the Policies page shows the ABC-XYZ matrix with numbers and a cell's products", async () => {
    await page.goto("/demo/policies");
    await expect(page.getByRole("heading", { name: "Policies", level: 1 })).toBeVisible();
    const ay = page.getByRole("button", { name: /^Class AY: \d+ products, [\d.]+% of net sales$/ });
    await expect(ay).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText(/[\d,]+ products, [\d,.]+ net sales over \d+ weeks/)).toBeVisible();
    await ay.click();
    const products = page.getByRole("region", { name: "Products in class AY" });
    await expect(products.getByRole("row").nth(1)).toContainText(/\d/);
    // Tighter cut-offs move products out of A.
    await page.getByLabel("A up to (% of sales)").fill("50");
    await page.getByRole("button", { name: "Apply cut-offs" }).click();
    await expect(page.getByText(/the products making the first 50%/)).toBeVisible();
  });

  const policyUrl = await test.step("a new policy for the segment, every field explained", async () => {
    await page.getByRole("link", { name: "New policy" }).first().click();
    await expect(page.getByRole("heading", { name: "New policy" })).toBeVisible();
    await page.getByLabel("Segment", { exact: true }).selectOption({ label: segmentName });
    await expect(page.getByText(/The same stock gives two different numbers/)).toBeVisible();
    await page.getByLabel("Target cycle service level (%)").fill("100");
    await page.getByRole("button", { name: "Create policy" }).click();
    await expect(page.getByText(/must be above 0% and below 100%/)).toBeVisible();
    await snapshot(page, "policies-00-new-policy");
    await page.getByLabel("Target cycle service level (%)").fill("97.5");
    await page.getByLabel("Delivery channel").selectOption("direct-to-store");
    await page.getByLabel("Delivery frequency (drops per week)").fill("3");
    await page.getByLabel("Lead-time promise (days)").fill("1");
    await page.getByRole("button", { name: "Create policy" }).click();
    await expect(
      page.getByRole("heading", { name: `Policy for segment "${segmentName}"`, level: 1 }),
    ).toBeVisible();
    await expect(page.getByRole("region", { name: "Review" }).getByText("Draft v1")).toBeVisible();
    return page.url();
  });

  await test.step("edited with a message, asked for review and approved", async () => {
    await page.getByRole("button", { name: "Edit terms" }).click();
    await page.getByLabel("Payment terms (days)").fill("14");
    await page.getByLabel("What changed (for the history)").fill("Shorter payment terms for chains");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const review = page.getByRole("region", { name: "Review" });
    await expect(review.getByText("Draft v2")).toBeVisible();
    await review.getByRole("button", { name: "Ask for review" }).click();
    await expect(review.getByText("In review v2")).toBeVisible();
    await review.getByRole("button", { name: "Approve version 2" }).click();
    await expect(review.getByText("The latest version is approved and in use.")).toBeVisible();
    await page.getByRole("tab", { name: "History" }).click();
    await expect(page.getByRole("listitem", { name: "Version 2" })).toContainText(
      "Shorter payment terms for chains",
    );
    await expect(page.getByRole("listitem", { name: "Version 2" })).toContainText(
      "paymentTermsDays: 30 → 14",
    );
    await snapshot(page, "policies-01-policy-history");
  });

  await test.step("a customer of the segment shows which policy applies and why", async () => {
    await page.goto(setUrl);
    await page.getByRole("link", { name: "See the customers" }).click();
    await page
      .getByRole("table", { name: `Customers of ${segmentName}` })
      .getByRole("row")
      .nth(1)
      .getByRole("link")
      .first()
      .click();
    const card = page.getByRole("region", { name: "Policy that applies" });
    await expect(card.getByRole("link", { name: `Policy for segment "${segmentName}"` })).toBeVisible();
    await expect(card).toContainText("the most specific approved policy that matches");
    await card.getByLabel("Product class").selectOption("AY");
    await expect(card.getByRole("link", { name: `Policy for segment "${segmentName}"` })).toBeVisible();
    await card.screenshot({ path: join(HERE, ".artifacts", "policies-01-customer-card.png") });
  });

  await test.step("the list shows the policy approved; the Policies page is captured", async () => {
    await page.goto("/demo/policies");
    const row = page
      .getByRole("table", { name: "Policies" })
      .getByRole("row", { name: new RegExp(segmentName) });
    await expect(row.getByText("Approved v2")).toBeVisible();
    await expect(row).toContainText("97.5% cycle service · direct-to-store · 3 drops/week");
    await page.getByRole("button", { name: /^Class AY:/ }).click();
    await dismissToasts(page);
    // The selected cell shows as selected, not with the keyboard focus ring.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, "policies.png"), fullPage: true });
    expect(policyUrl).toMatch(/\/demo\/policies\/[0-9a-f-]{36}$/);
  });

  await test.step("a scenario moves the segment to distribution-centre delivery with a 2% allowance", async () => {
    await page.getByRole("link", { name: "Scenarios" }).click();
    await expect(page.getByRole("heading", { name: "Scenarios", level: 1 })).toBeVisible();
    await page.getByLabel("Scenario name").fill("Chains via the distribution centre");
    await page.getByRole("button", { name: "Copy the live policies" }).click();
    await expect(
      page.getByRole("heading", { name: "Chains via the distribution centre", level: 1 }),
    ).toBeVisible();
    const policyName = `Policy for segment "${segmentName}"`;
    const card = page.getByRole("region", { name: `Policy ${policyName}` });
    await card.getByLabel(`Change ${policyName} in this scenario`).check();
    await card.getByLabel("Delivery channel").selectOption("distribution centre");
    await card.getByLabel("Price allowance (% of net sales)").fill("2");
    await page.getByRole("button", { name: "Save and evaluate" }).click();
  });

  await test.step("the evaluation shows the cost-to-serve saving and the net-sales effect, per segment and in total", async () => {
    const totals = page
      .getByRole("list", { name: "Scenario totals" })
      .or(page.locator('dl[aria-label="Scenario totals"]'));
    await expect(totals.first()).toBeVisible({ timeout: 120_000 });
    await expect(
      page.getByText(
        /^Cost-to-serve falls by [\d,.]+ EUR; net sales fall by [\d,.]+ EUR; net profit (rises|falls) by/,
      ),
    ).toBeVisible();
    const bySegment = page.getByRole("table", { name: "Scenario by segment" });
    await expect(bySegment.getByRole("row", { name: new RegExp(segmentName) })).toBeVisible();
    await expect(
      page
        .getByRole("table", { name: "Cost-to-serve by activity" })
        .getByRole("row", { name: /delivery/i })
        .first(),
    ).toBeVisible();
    await expect(
      page.getByRole("figure", { name: "Cost-to-serve by activity, before and after" }),
    ).toBeVisible();
    await page.mouse.move(0, 0);
    await page
      .getByRole("region", { name: "Before and after" })
      .screenshot({ path: join(SCREENSHOTS, "scenario.png") });
    await snapshot(page, "policies-02-scenario");
  });

  await test.step("applying asks first, then the policy has a new version in review and the live one stays", async () => {
    await page.getByRole("button", { name: "Apply…" }).click();
    const dialog = page.getByRole("dialog", { name: /Apply "Chains via the distribution centre"/ });
    await expect(dialog).toContainText("creates new policy versions in review");
    await expect(dialog).toContainText("live policies do not change until approved");
    await dialog.getByRole("button", { name: "Apply scenario" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Applied" }).first()).toBeVisible();
    await page.goto(policyUrl);
    const review = page.getByRole("region", { name: "Review" });
    await expect(review.getByText("In review v3")).toBeVisible();
    await expect(review.getByText("Approved v2")).toBeVisible();
    await expect(page.getByText("distribution centre").first()).toBeVisible();
    await snapshot(page, "policies-03-applied");
  });

  await test.step("a second scenario with weekly drops is compared side by side with the first", async () => {
    await page.goto("/demo/policies/scenarios");
    await page.getByLabel("Scenario name").fill("Chains via the DC, weekly");
    await page.getByRole("button", { name: "Copy the live policies" }).click();
    const policyName = `Policy for segment "${segmentName}"`;
    const card = page.getByRole("region", { name: `Policy ${policyName}` });
    await card.getByLabel(`Change ${policyName} in this scenario`).check();
    await card.getByLabel("Delivery channel").selectOption("distribution centre");
    await card.getByLabel("Delivery frequency (drops per week)").fill("1");
    await card.getByLabel("Price allowance (% of net sales)").fill("2");
    await page.getByRole("button", { name: "Save and evaluate" }).click();
    await expect(page.locator('dl[aria-label="Scenario totals"]')).toBeVisible({ timeout: 120_000 });
    await page.getByRole("link", { name: "Back to the scenarios" }).click();
    await page.getByLabel("Compare Chains via the distribution centre").check();
    await page.getByLabel("Compare Chains via the DC, weekly").check();
    await page.getByRole("link", { name: "Compare the two" }).click();
    const table = page.getByRole("table", { name: "Scenarios compared" });
    await expect(table.getByRole("columnheader", { name: "Chains via the DC, weekly" })).toBeVisible();
    await expect(table.getByRole("row", { name: /Net profit/ })).toContainText(/\d/);
    await expect(page.getByRole("figure", { name: "Change per scenario" })).toBeVisible();
    await dismissToasts(page);
    await snapshot(page, "policies-04-compare");
  });
});
