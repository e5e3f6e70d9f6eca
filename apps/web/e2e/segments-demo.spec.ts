import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { snapshot } from "./fixtures";
import { openNewRunForm, signInThroughApi, waitForRunToFinish } from "./segments-helpers";

/**
 * Screenshots linked from README.md ("What it looks like") are rewritten only when asked
 * (UPDATE_SCREENSHOTS=1), so an ordinary test run leaves the checkout clean; otherwise they go
 * with the other artifacts for a person to look at.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "readme");

test("on the demo workspace an analyst runs auto-k k-means, reads the result, publishes named segments and exports one", async ({
  page,
}) => {
  test.setTimeout(420_000);
  await signInThroughApi(page);

  await test.step("the new-run form suggests features with their statistics; one click starts the run", async () => {
    await openNewRunForm(page);
    await expect(page.getByRole("checkbox", { name: "monetary" })).toBeChecked();
    await expect(page.getByRole("columnheader", { name: "Missing" })).toBeVisible();
    await expect(page.getByLabel("Algorithm")).toHaveValue("kmeans");
    await expect(page.getByRole("radio", { name: "Choose automatically" })).toBeChecked();
    await snapshot(page, "segments-01-new-run");
    await page.getByRole("button", { name: "Start run" }).click();
  });

  await test.step("progress rises to 100% and the result appears", async () => {
    await expect(page).toHaveURL(/\/demo\/segments\/runs\/[0-9a-f-]{36}$/);
    await waitForRunToFinish(page);
    await expect(page.getByRole("figure", { name: /Elbow chart/ })).toBeVisible();
    await expect(page.getByRole("figure", { name: /Silhouette by k/ })).toBeVisible();
    const cards = page.getByRole("article");
    expect(await cards.count()).toBeGreaterThanOrEqual(2);
    await expect(cards.first().getByText("What sets it apart")).toBeVisible();
    await expect(cards.first().getByText(/tree fidelity/)).toBeVisible();
    await expect(page.getByText(/Showing a sample of/)).toBeVisible();
    await expect(page.getByRole("table", { name: "Correlation between the features used" })).toBeVisible();
  });

  await test.step("the map switches to t-SNE", async () => {
    await page.getByText("t-SNE (non-linear)").click();
    await expect(
      page.getByRole("figure", { name: /Map of customers coloured by segment \(t-SNE\)/ }),
    ).toBeVisible();
    await page.getByText("PCA (linear)").click();
  });

  await test.step("the map turns in 3-D with the arrow keys", async () => {
    await page.getByText("PCA 3-D").click();
    // Drawn on a canvas (segment-map.spec.ts covers hover and selection); data-view is its angle.
    const map = page.getByRole("application", { name: /3-D map of customers/ });
    await expect(map).toBeVisible();
    await expect(map).toHaveAttribute("data-view", /,/);
    const before = await map.getAttribute("data-view");
    await map.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(map).not.toHaveAttribute("data-view", before ?? "");
    await expect(map.getByText(/^PC1 /)).toBeVisible();
    await snapshot(page, "segments-01b-map-3d");
    await page.getByText("PCA (linear)").click();
  });

  await test.step("screenshots of the results page for the README", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = async (name: string, fullPage = false) => {
      await page.mouse.move(0, 0); // no tooltip left open under the pointer
      await page.waitForTimeout(600); // charts re-measure their container after a resize
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
    };
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot("run-results-1440x900");
    await page.getByRole("heading", { name: "Segments", exact: true, level: 2 }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -24));
    await shot("run-results-1440x900-segments");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot("run-results-390x844");
    await page.getByRole("heading", { name: "Segments", exact: true, level: 2 }).scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -16));
    await shot("run-results-390x844-segments");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  const setName = `Demo segments ${Date.now().toString(36)}`;
  await test.step("the analyst names the segments and publishes them", async () => {
    await page.getByRole("link", { name: "Publish as segment set" }).click();
    await page.getByLabel("Segment set name").fill(setName);
    await page.getByLabel("Name of segment 1").fill("Champions");
    await page
      .getByLabel("Persona (who these customers are)")
      .first()
      .fill("Our best customers: buy often and spend most.");
    // A name no suggestion uses, so it never collides with another segment's suggested name.
    await page.getByLabel("Name of segment 2").fill("Watch list");
    await snapshot(page, "segments-02-publish");
    await page.getByRole("button", { name: "Publish segment set" }).click();
    await expect(page.getByRole("heading", { name: setName, level: 1 })).toBeVisible();
  });

  await test.step("the segment's customers are listed, searchable and sortable", async () => {
    await page.getByRole("link", { name: "Customers of Champions" }).click();
    await expect(page.getByRole("heading", { name: "Champions", level: 1 })).toBeVisible();
    const table = page.getByRole("table", { name: "Customers of Champions" });
    await expect(table).toBeVisible();
    const firstId = (await table.getByRole("row").nth(1).getByRole("cell").first().textContent()) ?? "";
    expect(firstId.length).toBeGreaterThan(0);
    await page.getByLabel("Sort by").selectOption("externalId");
    await page.getByLabel("Search customers").fill(firstId);
    await expect(table.getByRole("row")).toHaveCount(2);
    await snapshot(page, "segments-03-customers");
  });

  await test.step("a customer of the segment shows it in their segment history", async () => {
    const table = page.getByRole("table", { name: "Customers of Champions" });
    const first = table.getByRole("row").nth(1).getByRole("link");
    const customerId = (await first.textContent()) ?? "";
    await first.click();
    await expect(page.getByRole("heading", { name: `Customer ${customerId}` })).toBeVisible();
    const history = page.getByRole("table").filter({ hasText: "Segment set" });
    await expect(history.getByRole("link", { name: setName })).toBeVisible();
    await expect(history.getByRole("link", { name: "Champions" })).toBeVisible();
    await snapshot(page, "segments-05-customer");
    await page.goBack();
    await expect(page.getByRole("heading", { name: "Champions", level: 1 })).toBeVisible();
  });

  await test.step("the segment exports as CSV with the agreed header", async () => {
    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const download = await downloading;
    const path = await download.path();
    const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
    // The contract's four columns first; the customers' attributes may follow.
    expect(lines[0]!.split(",").slice(0, 4)).toEqual([
      "customer_id",
      "segment_set",
      "segment",
      "assigned_at",
    ]);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toContain(`,${setName},Champions,`);
  });

  await test.step("the published set is listed under Segments with its named segments", async () => {
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Segments" }).click();
    await expect(page.getByRole("link", { name: setName })).toBeVisible();
    await expect(page.getByRole("link", { name: "Champions" }).first()).toBeVisible();
    await expect(
      page
        .getByRole("table")
        .getByRole("link", { name: /k-means run/ })
        .first(),
    ).toBeVisible();
    await snapshot(page, "segments-04-overview");
  });
});
