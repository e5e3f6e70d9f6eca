import { expect, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";

const PASSWORD = "correct-horse-battery-42";

test("a returning user gets one message for a wrong password or an unknown email, then signs in and out", async ({
  page,
  request,
}) => {
  const email = uniqueEmail("returning");

  await test.step("the account exists (created through the api)", async () => {
    const response = await request.post("/api/trpc/account.signUp", {
      data: { json: { email, password: PASSWORD, name: "Rita Returning" } },
    });
    expect(response.ok()).toBe(true);
  });

  await test.step("sign-up refuses the same email again, beside the email field", async () => {
    await page.goto("/sign-up");
    await page.getByLabel("Your name").fill("Someone Else");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription(/already/i);
    await snapshot(page, "sign-in-01-duplicate-email");
  });

  await test.step("a wrong password and an unknown email read the same", async () => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not-the-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("main").getByRole("alert");
    await expect(alert).toHaveText("Wrong email or password.");

    await page.goto("/sign-in");
    await expect(alert).toHaveCount(0);
    await page.getByLabel("Email").fill(uniqueEmail("nobody"));
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(alert).toHaveText("Wrong email or password.");
    await snapshot(page, "sign-in-02-wrong-credentials");
  });

  await test.step("the right password signs in; with no workspace the user is asked to create one", async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Create your workspace" })).toBeVisible();
  });

  await test.step("signing out returns to the sign-in page and closes the session", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Sign in to Strata" })).toBeVisible();
    await page.goto("/workspaces/new");
    await expect(page.getByRole("heading", { name: "Sign in to Strata" })).toBeVisible();
  });
});
