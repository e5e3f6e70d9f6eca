import { expect, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";

const PASSWORD = "correct-horse-battery-42";

test("an owner invites a viewer by link; the viewer joins but cannot open member management", async ({
  page,
  browser,
}) => {
  const ownerEmail = uniqueEmail("owner");
  const viewerEmail = uniqueEmail("viewer");

  await test.step("the owner signs up", async () => {
    await page.goto("/sign-up");
    await page.getByLabel("Your name").fill("Olivia Owner");
    await page.getByLabel("Email").fill(ownerEmail);
    await page.getByLabel("Password").fill(PASSWORD);
    await snapshot(page, "01-sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
  });

  const slug = await test.step("with no workspace yet, the owner creates one", async () => {
    await expect(page.getByRole("heading", { name: "Create your workspace" })).toBeVisible();
    await snapshot(page, "02-create-workspace");
    await page.getByLabel("Workspace name").fill("Northwind Wholesale");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await expect(page.getByRole("heading", { name: "Data", level: 1 })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Workspace" });
    for (const section of ["Data", "Segments", "Policies", "Cost-to-serve", "Settings"]) {
      await expect(nav.getByRole("link", { name: section })).toBeVisible();
    }
    await expect(page.getByRole("button", { name: /Workspace: Northwind Wholesale/ })).toContainText("Owner");
    await snapshot(page, "03-workspace-data-empty");
    return new URL(page.url()).pathname.split("/")[1] ?? "";
  });

  const inviteLink = await test.step("the owner creates a viewer invite link", async () => {
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Settings" }).click();
    await page
      .getByRole("navigation", { name: "Settings" })
      .getByRole("link", { name: "Invitations" })
      .click();
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create invite link" }).click();
    const linkField = page.getByLabel("Invite link");
    await expect(linkField).toHaveValue(/\/invite\/.+/);
    await expect(page.getByRole("row", { name: /Viewer/ })).toBeVisible();
    await snapshot(page, "04-invite-link");
    return linkField.inputValue();
  });

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();

  await test.step("a second person opens the link and signs up through it", async () => {
    await viewerPage.goto(inviteLink);
    await expect(viewerPage.getByRole("heading", { name: "Join Northwind Wholesale" })).toBeVisible();
    await expect(viewerPage.getByText("Viewer", { exact: true })).toBeVisible();
    await snapshot(viewerPage, "05-invite-signed-out");
    await viewerPage.getByRole("link", { name: "Create account" }).click();
    await viewerPage.getByLabel("Your name").fill("Victor Viewer");
    await viewerPage.getByLabel("Email").fill(viewerEmail);
    await viewerPage.getByLabel("Password").fill(PASSWORD);
    await viewerPage.getByRole("button", { name: "Create account" }).click();
    await expect(viewerPage.getByText(`Signed in as ${viewerEmail}`)).toBeVisible();
    await snapshot(viewerPage, "06-invite-signed-in");
    await viewerPage.getByRole("button", { name: /Accept invitation/ }).click();
  });

  await test.step("the viewer sees the workspace with the viewer role", async () => {
    await expect(viewerPage).toHaveURL(new RegExp(`/${slug}/data$`));
    await expect(viewerPage.getByRole("button", { name: /Workspace: Northwind Wholesale/ })).toContainText(
      "Viewer",
    );
    await snapshot(viewerPage, "07-viewer-workspace");
  });

  await test.step("the viewer cannot open member management", async () => {
    await viewerPage
      .getByRole("navigation", { name: "Workspace" })
      .getByRole("link", { name: "Settings" })
      .click();
    const settingsNav = viewerPage.getByRole("navigation", { name: "Settings" });
    await expect(settingsNav.getByText("Members")).toBeVisible();
    await expect(settingsNav.getByRole("link", { name: "Members" })).toHaveCount(0);
    await snapshot(viewerPage, "08-viewer-settings");
    await viewerPage.goto(`/${slug}/settings/members`);
    await expect(viewerPage.getByRole("heading", { name: "You need admin rights" })).toBeVisible();
    await expect(viewerPage.getByRole("combobox")).toHaveCount(0);
    await snapshot(viewerPage, "09-viewer-members-denied");
  });

  await test.step("the owner sees the new member with the viewer role", async () => {
    await page.goto(`/${slug}/settings/members`);
    await expect(page.getByLabel("Role of Victor Viewer")).toHaveValue("viewer");
    await snapshot(page, "10-owner-members");
  });

  await viewerContext.close();
});
