import { expect, test } from "@playwright/test";
import { snapshot, uniqueEmail } from "./fixtures";

const PASSWORD = "correct-horse-battery-42";

// A small order export the way spreadsheets write them: quoted names with commas, one date per
// line, a credit note (a return, imported as one), and two rows that must be rejected (no customer
// id, and a price that is not a number).
const ORDERS_CSV = [
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
  '536365,85123A,"WHITE HANGING HEART T-LIGHT HOLDER",6,2024-12-01 08:26:00,2.55,17850,United Kingdom',
  '536365,71053,"WHITE METAL LANTERN, LARGE",6,2024-12-01 08:26:00,3.39,17850,United Kingdom',
  "536366,22633,HAND WARMER UNION JACK,6,2024-12-01 08:28:00,1.85,,United Kingdom",
  "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2024-12-02 08:34:00,1.69,13047,United Kingdom",
  "536368,22960,JAM MAKING SET WITH JARS,6,2025-01-05 08:34:00,four,13047,United Kingdom",
  "536369,21756,BATH BUILDING BLOCK WORD,3,2025-02-11 08:35:00,5.95,12583,France",
  "536370,22728,ALARM CLOCK BAKELIKE PINK,24,2025-03-01 08:45:00,3.75,12583,France",
  "C536371,22728,ALARM CLOCK BAKELIKE PINK,-2,2025-03-04 10:00:00,3.75,12583,France",
  "",
].join("\n");

test("an editor uploads an order file, maps its columns, reads the validation report, imports the valid rows and profiles them", async ({
  page,
}) => {
  const email = uniqueEmail("analyst");
  const slug = await test.step("an analyst with a workspace signs in (through the api)", async () => {
    const api = page.request;
    const signUp = await api.post("/api/trpc/account.signUp", {
      data: { json: { email, password: PASSWORD, name: "Ada Analyst" } },
    });
    expect(signUp.ok()).toBeTruthy();
    const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await api.post("/api/auth/callback/credentials", {
      form: { csrfToken, email, password: PASSWORD, json: "true" },
    });
    expect(signIn.ok()).toBeTruthy();
    const created = await api.post("/api/trpc/tenant.create", { data: { json: { name: "Fjord Foods" } } });
    expect(created.ok()).toBeTruthy();
    const body = (await created.json()) as { result: { data: { json: { slug: string } } } };
    return body.result.data.json.slug;
  });

  await test.step("the analyst uploads the file and sees the guessed mapping", async () => {
    await page.goto(`/${slug}/data`);
    await expect(page.getByRole("heading", { name: "Import a file" })).toBeVisible();
    await page.getByLabel("Order lines (one row per line of an order)").check();
    await page
      .getByLabel("File")
      .setInputFiles({ name: "orders-2025.csv", mimeType: "text/csv", buffer: Buffer.from(ORDERS_CSV) });
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page.getByRole("heading", { name: "Map the columns of orders-2025.csv" })).toBeVisible();
    await expect(page.getByLabel("Customer id *")).toHaveValue("CustomerID");
    await expect(page.getByLabel("Order date *")).toHaveValue("InvoiceDate");
    await expect(page.getByLabel("Quantity *")).toHaveValue("Quantity");
    await expect(page.getByLabel("Unit price *")).toHaveValue("UnitPrice");
    await expect(page.getByRole("cell", { name: "WHITE METAL LANTERN, LARGE" })).toBeVisible();
    await snapshot(page, "import-01-mapping");
  });

  await test.step("rejecting the whole file shows every bad row with its line, column and reason", async () => {
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByText("Validation failed")).toBeVisible({ timeout: 30_000 });
    const report = page.getByRole("table").filter({ hasText: "Reason" });
    await expect(report.getByRole("row", { name: /4 CustomerID\s+missing customer id/ })).toBeVisible();
    await expect(
      report.getByRole("row", { name: /6 UnitPrice four unit price is not a number/ }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Download rejected rows (CSV)" })).toBeVisible();
    await snapshot(page, "import-02-validation-report");
  });

  await test.step("importing the valid rows only brings in six lines, the return among them", async () => {
    await page.getByRole("button", { name: "Import the valid rows only" }).click();
    await expect(page.getByText("Import finished")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText(/6 new, 0 updated or already there, 2 rejected/)).toBeVisible();
    await snapshot(page, "import-03-imported");
  });

  await test.step("the profiling page shows each column and the feature correlations", async () => {
    await page.getByRole("link", { name: "View profile" }).click();
    await expect(page.getByRole("heading", { name: "Dataset profile" })).toBeVisible();
    const columns = page.getByRole("table");
    await expect(columns.getByRole("row", { name: /UnitPrice.*numeric/ })).toBeVisible();
    await expect(columns.getByRole("row", { name: /Country.*categorical/ })).toBeVisible();
    await expect(page.getByRole("img", { name: "Correlation heatmap of customer features" })).toBeVisible();
    await snapshot(page, "import-04-profile");
  });
});
