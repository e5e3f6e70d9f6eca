import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";
import { signInThroughApi } from "./segments-helpers";

/** Screenshots for docs/ are rewritten only when asked (UPDATE_SCREENSHOTS=1), as in segments-demo. */
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "readme");
const PASSWORD = "correct-horse-battery-42";

/** The live preview's count once it has settled (the debounce and the request done). */
async function previewCount(page: Page): Promise<number> {
  const preview = page.getByRole("complementary", { name: "Live preview" });
  await expect(preview.getByText("Updating…")).toHaveCount(0);
  const text = (await preview.getByTestId("preview-matching").textContent()) ?? "";
  return Number(text.replace(/,/g, ""));
}

test("an editor builds a rule segment with a live preview and asks for review; an owner comments and approves; the editor sees it approved", async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await signInThroughApi(page);
  const segmentName = `Big spenders ${Date.now().toString(36)}`;

  const editorContext = await browser.newContext();
  const editor = await editorContext.newPage();

  await test.step("an editor joins the demo workspace through an invite link", async () => {
    await page.goto("/demo/settings/invitations");
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Create invite link" }).click();
    const linkField = page.getByLabel("Invite link");
    await expect(linkField).toHaveValue(/\/invite\/.+/);
    await editor.goto(await linkField.inputValue());
    await editor.getByRole("link", { name: "Create account" }).click();
    await editor.getByLabel("Your name").fill("Ann Editor");
    await editor.getByLabel("Email").fill(uniqueEmail("ann"));
    await editor.getByLabel("Password").fill(PASSWORD);
    await editor.getByRole("button", { name: "Create account" }).click();
    await editor.getByRole("button", { name: /Accept invitation/ }).click();
    await expect(editor).toHaveURL(/\/demo\/data$/);
  });

  await test.step("the editor opens the rule builder once the demo customers have their features", async () => {
    // The demo retailer is imported in the background when the server starts.
    await expect(async () => {
      await editor.goto("/demo/segments/rules/new");
      await expect(editor.locator('option[value="feature:monetary"]').first()).toBeAttached({
        timeout: 5_000,
      });
    }).toPass({ timeout: 180_000, intervals: [2_000, 5_000] });
  });

  await test.step("the live preview follows the rule as it changes", async () => {
    await editor.getByLabel("Segment name").fill(segmentName);
    await editor.getByLabel("Field of condition 1").selectOption("feature:monetary");
    await editor.getByLabel("Operator of condition 1").selectOption("gt");
    await editor.getByLabel("Value of condition 1").fill("0");
    await expect.poll(() => previewCount(editor)).toBeGreaterThan(0);
    const everyone = await previewCount(editor);

    await editor.getByLabel("Value of condition 1").fill("1000000000000");
    await expect.poll(() => previewCount(editor)).toBe(0);
    await expect(editor.getByText(/No customer matches this rule/)).toBeVisible();

    // A threshold a sampled customer sits on: fewer match than with 0.
    await editor.getByLabel("Value of condition 1").fill("0");
    await expect.poll(() => previewCount(editor)).toBe(everyone);
    const sample = editor.getByRole("table", { name: "Sample of matching customers" });
    const values = (await sample.locator("tbody tr td:nth-child(2)").allTextContents())
      .map((t) => Number(t.replace(/,/g, "")))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const threshold = values[Math.floor(values.length / 2)] ?? 100;
    await editor.getByLabel("Value of condition 1").fill(String(threshold));
    await expect.poll(() => previewCount(editor)).toBeLessThan(everyone);

    await editor.getByRole("button", { name: "Add condition" }).click();
    await editor.getByLabel("Field of condition 2").selectOption("feature:frequency");
    await editor.getByLabel("Operator of condition 2").selectOption("gte");
    await editor.getByLabel("Value of condition 2").fill("1");
    await expect.poll(() => previewCount(editor)).toBeGreaterThan(0);
    await editor.mouse.move(0, 0);
    await editor.screenshot({ path: join(SCREENSHOTS, "rule-builder.png"), fullPage: true });
  });

  const setUrl = await test.step("the editor saves the rule segment as a draft", async () => {
    await editor.getByRole("button", { name: "Save rule segment" }).click();
    await expect(editor.getByRole("heading", { name: segmentName, level: 1 })).toBeVisible();
    await expect(editor.getByRole("region", { name: "Review" }).getByText("Draft v1")).toBeVisible();
    return editor.url();
  });

  await test.step("the editor changes the rule with a message: version 2", async () => {
    await editor.getByRole("link", { name: "Edit rule" }).click();
    await expect(editor.getByLabel("Value of condition 2")).toHaveValue("1");
    await editor.getByLabel("Value of condition 2").fill("2");
    await editor.getByLabel("What changed (for the history)").fill("Only customers with two orders or more");
    await expect(
      editor.getByRole("complementary", { name: "Live preview" }).getByText("Updating…"),
    ).toHaveCount(0);
    await editor.getByRole("button", { name: "Save as version 2" }).click();
    await expect(editor.getByRole("region", { name: "Review" }).getByText("Draft v2")).toBeVisible();
  });

  await test.step("the editor asks for review", async () => {
    const review = editor.getByRole("region", { name: "Review" });
    await review.getByRole("button", { name: "Ask for review" }).click();
    await expect(review.getByText("In review v2")).toBeVisible();
    await expect(review.getByText("Waiting for an admin or owner to approve.")).toBeVisible();
    await expect(review.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  });

  await test.step("the owner comments with an @mention of the editor and approves", async () => {
    await page.goto(setUrl);
    const review = page.getByRole("region", { name: "Review" });
    await expect(review.getByText("In review v2")).toBeVisible();
    const thread = page.getByRole("region", { name: /Comments/ });
    const box = thread.getByRole("combobox", { name: "Add a comment" });
    await box.click();
    await box.pressSequentially("Approved, thanks @Ann");
    await expect(
      page.getByRole("listbox", { name: "Members to mention" }).getByRole("option", { name: /Ann Editor/ }),
    ).toBeVisible();
    await box.press("ArrowDown");
    await box.press("Enter");
    await box.pressSequentially("— the threshold looks right.");
    await thread.getByRole("button", { name: "Post comment" }).click();
    await expect(thread.getByRole("listitem", { name: "Comment by Demo Analyst" })).toContainText(
      "@Ann Editor",
    );
    await expect(review.getByRole("button", { name: "Send back" })).toBeVisible();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, "segment-review.png"), fullPage: true });

    await review.getByRole("button", { name: "Approve version 2" }).click();
    await expect(review.getByText("Approved v2")).toBeVisible();
    await expect(review.getByText("The latest version is approved and in use.")).toBeVisible();
  });

  await test.step("the editor sees the approved state, the comment and the history", async () => {
    await editor.reload();
    const review = editor.getByRole("region", { name: "Review" });
    await expect(review.getByText("Approved v2")).toBeVisible();
    const comment = editor
      .getByRole("region", { name: /Comments/ })
      .getByRole("listitem", { name: "Comment by Demo Analyst" });
    await expect(comment.locator("mark")).toHaveText("@Ann Editor");
    await snapshot(editor, "segment-review-approved");

    await editor.getByRole("tab", { name: "History" }).click();
    const v2 = editor.getByRole("listitem", { name: "Version 2" });
    await expect(v2.getByText("Approved", { exact: true })).toBeVisible();
    await expect(v2).toContainText("Only customers with two orders or more");
    await expect(v2).toContainText("Rule changed");
    await expect(editor.getByRole("listitem", { name: "Version 1" })).toContainText("Ann Editor");
    await editor.mouse.move(0, 0);
    await editor.screenshot({ path: join(SCREENSHOTS, "segment-history.png"), fullPage: true });
    await snapshot(editor, "segment-review-history");
  });

  await editorContext.close();
});
