import { expect, test } from "@playwright/test";
import { snapshot } from "./fixtures";
import { openNewRunForm, signInThroughApi, waitForRunToFinish } from "./segments-helpers";

/** Three features keep these runs small and quick on the demo's few thousand customers. */
async function chooseFewFeatures(page: import("@playwright/test").Page) {
  for (const box of await page.getByRole("checkbox").all()) await box.uncheck();
  for (const name of ["recency days", "frequency", "monetary"]) {
    await page.getByRole("checkbox", { name, exact: true }).check();
  }
}

test("DBSCAN shows its noise share and hierarchical its dendrogram", async ({ page }) => {
  test.setTimeout(420_000);
  await signInThroughApi(page);

  await test.step("a DBSCAN run reports the share of customers left as noise", async () => {
    await openNewRunForm(page);
    await chooseFewFeatures(page);
    await page.getByLabel("Algorithm").selectOption("dbscan");
    await expect(page.getByLabel("Radius (eps, optional)")).toBeVisible();
    await page.getByLabel("Run name (optional)").fill("Dense groups");
    await page.getByRole("button", { name: "Start run" }).click();
    await waitForRunToFinish(page);
    await expect(page.getByText("Noise share")).toBeVisible();
    await expect(page.getByText(/^Noise: .+ of customers$/)).toBeVisible();
    await expect(page.getByRole("figure", { name: /Elbow chart/ })).toHaveCount(0);
    await snapshot(page, "segments-04-dbscan");
  });

  await test.step("a hierarchical run draws its dendrogram cut at the chosen k", async () => {
    await openNewRunForm(page);
    await chooseFewFeatures(page);
    await page.getByLabel("Algorithm").selectOption("hierarchical");
    await page.getByLabel("Linkage").selectOption("ward");
    await page.getByLabel("To k").fill("6");
    await page.getByRole("button", { name: "Start run" }).click();
    await waitForRunToFinish(page);
    await expect(page.getByRole("heading", { name: "Dendrogram" })).toBeVisible();
    await expect(
      page.getByRole("figure", { name: /Dendrogram of the last \d+ merges, cut at k = \d+/ }),
    ).toBeVisible();
    await expect(page.getByRole("figure", { name: /Elbow chart/ })).toBeVisible();
    await snapshot(page, "segments-05-hierarchical");
  });

  await test.step("the two runs are compared", async () => {
    const url = new URL(page.url());
    const hierarchicalId = url.pathname.split("/").at(-1) ?? "";
    await page.getByRole("link", { name: "Compare with another run" }).click();
    await expect(page.getByLabel("First run")).toHaveValue(hierarchicalId);
    const options = page.getByLabel("Second run").locator("option");
    const dense = await options.filter({ hasText: "Dense groups" }).first().getAttribute("value");
    await page.getByLabel("Second run").selectOption(dense ?? "");
    await expect(page.getByRole("heading", { name: /Adjusted Rand index: / })).toBeVisible();
    await expect(page.getByRole("table", { name: "Migration matrix" })).toBeVisible();
    await snapshot(page, "segments-06-compare");
  });
});
