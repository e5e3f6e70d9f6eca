import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";
import { openNewRunForm, signInThroughApi, waitForRunToFinish } from "./segments-helpers";

const PASSWORD = "correct-horse-battery-42";
/** The README's privacy screenshots (checked in, looked at). */
const DOCS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "screenshots");

const CUSTOMERS_CSV = [
  "customer_id,email,full_name,phone,city,spend,visits",
  "P1,ada@example.com,Ada Lovelace,+44 20 7946 0001,London,1200,14",
  "P2,grace@example.com,Grace Hopper,+1 202 555 0102,Arlington,800,9",
  "P3,alan@example.com,Alan Turing,+44 161 496 0003,Manchester,300,3",
  "P4,edsger@example.com,Edsger Dijkstra,+31 20 555 0104,Amsterdam,2400,21",
  "",
].join("\n");

test("an analyst marks columns personal at import, erases a customer, and checks the demo's segments for skew by country and customer type", async ({
  page,
}) => {
  test.setTimeout(420_000);
  mkdirSync(DOCS, { recursive: true });
  const email = uniqueEmail("privacy");

  const slug = await test.step("an analyst with a workspace signs in (through the api)", async () => {
    const api = page.request;
    const signUp = await api.post("/api/trpc/account.signUp", {
      data: { json: { email, password: PASSWORD, name: "Priya Privacy" } },
    });
    expect(signUp.ok()).toBeTruthy();
    const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await api.post("/api/auth/callback/credentials", {
      form: { csrfToken, email, password: PASSWORD, json: "true" },
    });
    expect(signIn.ok()).toBeTruthy();
    const created = await api.post("/api/trpc/tenant.create", { data: { json: { name: "Ledger Lane" } } });
    expect(created.ok()).toBeTruthy();
    const body = (await created.json()) as { result: { data: { json: { slug: string } } } };
    return body.result.data.json.slug;
  });

  await test.step("the mapping step suggests email, name and phone as personal; the analyst adds city", async () => {
    await page.goto(`/${slug}/data`);
    await page.getByLabel("Customers (one row per customer)").check();
    await page
      .getByLabel("File")
      .setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(CUSTOMERS_CSV) });
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page.getByRole("heading", { name: "Map the columns of people.csv" })).toBeVisible();
    for (const column of ["email", "full_name", "phone"])
      await expect(page.getByRole("checkbox", { name: `Personal data in column ${column}` })).toBeChecked();
    for (const column of ["city", "spend", "visits"])
      await expect(
        page.getByRole("checkbox", { name: `Personal data in column ${column}` }),
      ).not.toBeChecked();
    await page.getByRole("checkbox", { name: "Personal data in column city" }).check();
    const attributes = page.getByRole("region", { name: "Attributes kept for each customer" });
    await attributes.screenshot({ path: join(DOCS, "privacy-import-personal.png") });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByText("Import finished")).toBeVisible({ timeout: 30_000 });
  });

  await test.step("the customer page marks personal attributes; the analyst erases the customer after confirming", async () => {
    await page.goto(`/${slug}/data/customers`);
    await page.getByRole("link", { name: "P1", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Customer P1" })).toBeVisible();
    await expect(page.getByText("ada@example.com")).toBeVisible();
    await expect(page.getByText("personal", { exact: true }).first()).toBeVisible();
    await page.getByRole("button", { name: "Erase customer" }).click();
    const dialog = page.getByRole("dialog", { name: "Erase customer P1?" });
    await expect(dialog).toBeVisible();
    await snapshot(page, "privacy-01-erase-confirm");
    await page.screenshot({ path: join(DOCS, "privacy-erase-confirm.png") });
    await dialog.getByRole("button", { name: "Erase for good" }).click();
    await expect(page).toHaveURL(new RegExp(`/${slug}/data/customers`));
    await expect(page.getByRole("link", { name: "P2", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "P1", exact: true })).toHaveCount(0);
  });

  await test.step("on the demo workspace a run's fairness card splits its segments by country", async () => {
    await signInThroughApi(page);
    await openNewRunForm(page);
    await page.getByRole("button", { name: "Start run" }).click();
    await expect(page).toHaveURL(/\/demo\/segments\/runs\/[0-9a-f-]{36}$/);
    await waitForRunToFinish(page);
    const card = page.getByRole("region", { name: "Fairness check" });
    await card.scrollIntoViewIfNeeded();
    await expect(card.getByLabel("Check by")).toHaveValue("country");
    await expect(card.getByRole("rowheader", { name: /All customers/ })).toBeVisible();
    await expect(card.getByText(/Cramér's V \d\.\d\d/)).toBeVisible();
    await expect(card.getByRole("img", { name: /^All customers: / })).toBeVisible();
    await card.screenshot({ path: join(DOCS, "fairness-country.png") });
  });

  await test.step("by customer type, with the skew per segment and a warning where one is strongly skewed", async () => {
    const card = page.getByRole("region", { name: "Fairness check" });
    await card.getByLabel("Check by").selectOption("customer_type");
    await expect(card.getByRole("img", { name: /^All customers: / })).toBeVisible();
    await expect(card.getByText(/Cramér's V \d\.\d\d/)).toBeVisible();
    await expect(
      card.getByText(/strongly skewed by customer_type|No segment is strongly skewed by customer_type/),
    ).toBeVisible();
    await card.screenshot({ path: join(DOCS, "fairness-customer-type.png") });
    await snapshot(page, "privacy-02-fairness-customer-type");
  });
});
