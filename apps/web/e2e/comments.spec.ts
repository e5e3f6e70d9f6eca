import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { uniqueEmail } from "./fixtures";
import { openNewRunForm, signInThroughApi, waitForRunToFinish } from "./segments-helpers";

/** Screenshots for docs/ are rewritten only when asked (UPDATE_SCREENSHOTS=1), as in segments-demo. */
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(HERE, "..", "..", "..", "docs", "screenshots")
    : join(HERE, ".artifacts", "readme");
const PASSWORD = "correct-horse-battery-42";

test("an analyst comments on a segment set mentioning a teammate, who sees it unread, answers and is audited", async ({
  page,
  browser,
}) => {
  test.setTimeout(420_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await signInThroughApi(page);
  const setName = `Reviewed tiers ${Date.now().toString(36)}`;
  const teammateEmail = uniqueEmail("bea");

  const setUrl = await test.step("the demo analyst publishes the default run as a segment set", async () => {
    await openNewRunForm(page);
    await page.getByRole("button", { name: "Start run" }).click();
    await waitForRunToFinish(page);
    await page.getByRole("link", { name: "Publish as segment set" }).click();
    await page.getByLabel("Segment set name").fill(setName);
    await page.getByRole("button", { name: "Publish segment set" }).click();
    await expect(page.getByRole("heading", { name: setName, level: 1 })).toBeVisible();
    return page.url();
  });

  const teammateContext = await browser.newContext();
  const teammate = await teammateContext.newPage();

  await test.step("a teammate joins the demo workspace as an editor through an invite link", async () => {
    await page.goto("/demo/settings/invitations");
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Create invite link" }).click();
    const linkField = page.getByLabel("Invite link");
    await expect(linkField).toHaveValue(/\/invite\/.+/);
    await teammate.goto(await linkField.inputValue());
    await teammate.getByRole("link", { name: "Create account" }).click();
    await teammate.getByLabel("Your name").fill("Bea Reviewer");
    await teammate.getByLabel("Email").fill(teammateEmail);
    await teammate.getByLabel("Password").fill(PASSWORD);
    await teammate.getByRole("button", { name: "Create account" }).click();
    await teammate.getByRole("button", { name: /Accept invitation/ }).click();
    await expect(teammate).toHaveURL(/\/demo\/data$/);
  });

  await test.step("the analyst writes a comment, picking the teammate from the @mention menu by keyboard", async () => {
    await page.goto(setUrl);
    const thread = page.getByRole("region", { name: /Comments/ });
    await expect(thread.getByText("No comments yet.")).toBeVisible();
    const box = thread.getByRole("combobox", { name: "Add a comment" });
    await box.click();
    await box.pressSequentially("Hi @Be");
    const menu = page.getByRole("listbox", { name: "Members to mention" });
    await expect(menu.getByRole("option", { name: /Bea Reviewer/ })).toBeVisible();
    await box.press("ArrowDown");
    await box.press("Enter");
    await expect(box).toHaveValue("Hi @Bea Reviewer ");
    await box.pressSequentially("are these tiers right? The small one looks odd.");
    await thread.getByRole("button", { name: "Post comment" }).click();
    const comment = thread.getByRole("listitem", { name: "Comment by Demo Analyst" });
    await expect(comment).toContainText("Hi @Bea Reviewer are these tiers right? The small one looks odd.");
    await expect(comment.locator("mark")).toHaveText("@Bea Reviewer");
    await expect(box).toHaveValue("");
  });

  await test.step("the teammate sees the unread comment and the mention in the nav and on Activity", async () => {
    await teammate.goto("/demo/activity");
    const nav = teammate.getByRole("navigation", { name: "Workspace" });
    await expect(nav.getByRole("link", { name: /Activity\s*1 unread comment/ })).toBeVisible();
    const unread = teammate.getByRole("list", { name: "Unread comments" });
    await expect(unread.getByRole("link", { name: setName })).toBeVisible();
    await expect(unread).toContainText("1 mention");
    const feed = teammate.getByRole("list", { name: "Activity" });
    await expect(
      feed.getByText(`Demo Analyst commented on segment set ${setName}, mentioning a member`),
    ).toBeVisible();
    await expect(feed.getByText(`Demo Analyst published segment set ${setName}`)).toBeVisible();
    await teammate.screenshot({ path: join(SCREENSHOTS, "activity.png"), fullPage: true });
  });

  await test.step("on the set, the teammate sees the comment marked new, answers and edits the answer", async () => {
    await teammate
      .getByRole("list", { name: "Unread comments" })
      .getByRole("link", { name: setName })
      .click();
    const thread = teammate.getByRole("region", { name: /Comments/ });
    const analystComment = thread.getByRole("listitem", { name: "Comment by Demo Analyst" });
    await expect(analystComment.getByText("New", { exact: true })).toBeVisible();
    // Someone else's comment: no edit or delete for an editor.
    await expect(analystComment.getByRole("button", { name: /Edit|Delete/ })).toHaveCount(0);
    await teammate.screenshot({ path: join(SCREENSHOTS, "comments.png"), fullPage: true });

    await thread
      .getByRole("combobox", { name: "Add a comment" })
      .fill("The small one is the new wholesale buyers.");
    await thread.getByRole("button", { name: "Post comment" }).click();
    const answer = thread.getByRole("listitem", { name: "Comment by Bea Reviewer" });
    await expect(answer).toContainText("new wholesale buyers");
    await answer.getByRole("button", { name: "Edit your comment" }).click();
    await answer
      .getByRole("combobox", { name: "Edit your comment" })
      .fill("The small one is the new wholesale buyers; keep it.");
    await answer.getByRole("button", { name: "Save" }).click();
    await expect(answer).toContainText("keep it.");
    await expect(answer.getByText("(edited)")).toBeVisible();

    // Read now: the nav no longer counts it.
    await teammate.reload();
    await expect(
      teammate.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: /unread/ }),
    ).toHaveCount(0);
  });

  await test.step("the analyst, an owner, filters the audit log to segment sets and exports it as CSV", async () => {
    await page.goto("/demo/settings/audit");
    await page.getByLabel("Entity", { exact: true }).selectOption("segment_set");
    await page.getByRole("button", { name: "Filter" }).click();
    const table = page.getByRole("table");
    await expect(table.getByRole("row", { name: /Comment edited/ })).toBeVisible();
    await expect(table.getByRole("row", { name: /Comment added/ }).first()).toBeVisible();
    await expect(table.getByRole("row", { name: /Run started/ })).toHaveCount(0);
    await page.screenshot({ path: join(SCREENSHOTS, "audit-filters.png"), fullPage: false });

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const download = await downloading;
    const csv = readFileSync((await download.path()) ?? "", "utf8");
    const [header, ...rows] = csv.trimEnd().split("\n");
    expect(header).toBe("created_at,actor_email,actor_name,action,target_type,target_id,details");
    expect(rows.some((r) => r.includes("comment.edited") && r.includes(teammateEmail))).toBe(true);
    expect(rows.every((r) => r.includes(",segment_set,"))).toBe(true);
  });

  await teammateContext.close();
});
