import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profileStaleDatasets } from "../src/jobs/profile-job.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { waitForImport } from "../src/services/import/start-import.js";
import { openHarness } from "./harness.js";

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

// Tab-separated customer attributes, as in the marketing campaign file; A9 never ordered.
const CUSTOMERS =
  "ID\tYear_Birth\tIncome\nA1\t1957\t58138\nA2\t1954\t46344\nA3\t1965\t71613\nA4\t1984\t26646\nA9\t1893\t\n";

// UCI Online Retail's shape. A1: three invoices, one of them fully cancelled by a credit note ("C"),
// so two orders count. A2: one quantity far larger than the rest. A3: only a return. A4: a purchase
// and the credit note that cancels it.
const ORDERS = [
  "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
  "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,A1,United Kingdom",
  "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,A1,United Kingdom",
  "536366,22633,HAND WARMER UNION JACK,6,2010-12-02 08:28:00,1.85,A1,United Kingdom",
  "C536367,22633,HAND WARMER UNION JACK,-6,2010-12-03 09:00:00,1.85,A1,United Kingdom",
  "536368,84406B,CREAM CUPID HEARTS,8,2010-12-05 10:00:00,2.75,A1,United Kingdom",
  ...Array.from(
    { length: 30 },
    (_, i) =>
      `5364${10 + i},21730,GLASS STAR LANTERN,${(i % 12) + 1},2010-12-0${(i % 9) + 1} 11:00:00,4.25,A2,France`,
  ),
  "536470,23843,PAPER CRAFT LITTLE BIRDIE,80995,2011-12-09 09:15:00,2.08,A2,France",
  "C536380,22960,JAM MAKING SET,-5,2010-12-06 12:00:00,4.25,A3,Germany",
  "536390,22961,JAM JAR,2,2010-12-07 12:00:00,1.00,A4,Germany",
  "C536391,22961,JAM JAR,-2,2010-12-08 12:00:00,1.00,A4,Germany",
].join("\n");

describe.each(testDrivers())("dataset profiles and customer counts on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let dataDir: string;
  let workspace = "";
  let owner: Awaited<ReturnType<typeof h.newWorkspace>>["owner"];

  async function importFile(tenantId: string, kind: "customers" | "orders", text: string, fileName: string) {
    const received = await receiveUpload(h.database, {
      tenantId,
      userId: null,
      kind,
      fileName,
      body: body(text),
      dataDir,
    });
    const preview = await owner.caller.import.preview({ workspace, id: received.importId });
    await owner.caller.import.start({ workspace, id: received.importId, mapping: preview.mapping });
    const outcome = await waitForImport(received.importId);
    expect(outcome?.status, outcome?.message ?? "").toBe("succeeded");
  }

  beforeAll(async () => {
    h = await openHarness(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-profile-"));
    const ws = await h.newWorkspace("profile");
    owner = ws.owner;
    workspace = ws.workspace;
    await importFile(ws.tenant.id, "customers", CUSTOMERS, "marketing_campaign.csv");
    await importFile(ws.tenant.id, "orders", ORDERS, "online_retail.csv");
    // Profiles are jobs; this process has no consumer, so it does their work itself.
    await profileStaleDatasets(h.database);
  });
  afterAll(async () => {
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function datasetOf(kind: "customers" | "orders") {
    const datasets = await owner.caller.dataset.list({ workspace });
    const dataset = await owner.caller.dataset.get({
      workspace,
      id: datasets.find((d) => d.kind === kind)!.id,
    });
    expect(dataset.profileStatus).toBe("ready");
    return { ...dataset, profile: dataset.profile! };
  }

  it("profiles every row: the maximum is the largest value in the file, not a sample's", async () => {
    const orders = await datasetOf("orders");
    expect(orders.profile.rows).toBe(39);
    expect(orders.profile.sampleSize).toBe(39);
    const quantity = orders.profile.columns.find((c) => c.name === "Quantity")!;
    expect(quantity).toMatchObject({
      type: "numeric",
      count: 39,
      missing: 0,
      max: 80995,
      min: -6,
      integer: true,
    });
    const invoice = orders.profile.columns.find((c) => c.name === "InvoiceNo");
    expect(invoice).toMatchObject({ missing: 0, distinct: 38 });
  });

  it("reads the id column from where it is stored instead of reporting it missing", async () => {
    const orders = await datasetOf("orders");
    expect(orders.profile.columns.find((c) => c.name === "CustomerID")).toMatchObject({
      missing: 0,
      missingShare: 0,
      distinct: 4,
      min: "A1",
      max: "A4",
      topValues: expect.arrayContaining([{ value: "A2", count: 31 }]),
    });
    const customers = await datasetOf("customers");
    expect(customers.profile.columns.find((c) => c.name === "ID")).toMatchObject({
      missing: 0,
      distinct: 5,
      min: "A1",
      max: "A9",
    });
    expect(customers.profile.columns.find((c) => c.name === "Year_Birth")).toMatchObject({
      min: 1893,
      max: 1984,
      integer: true,
    });
  });

  it("the customer list and the customer page count the same orders: purchases, not credit notes", async () => {
    const list = await owner.caller.customer.list({ workspace });
    const a1 = list.items.find((c) => c.externalId === "A1")!;
    const page = await owner.caller.customer.get({ workspace, id: a1.id });
    expect(a1.frequency).toBe(2);
    expect(page.orderSummary.orders).toBe(a1.frequency);
    expect(page.orderSummary.invoices).toBe(4);
    expect(page.orderSummary.ordersDefinition).toBe(list.ordersDefinition);
    for (const item of list.items) {
      const got = await owner.caller.customer.get({ workspace, id: item.id });
      expect(got.orderSummary.orders, item.externalId).toBe(item.frequency);
    }
  });

  it("explains every customer without features", async () => {
    const counts = await owner.caller.customer.counts({ workspace });
    expect(counts).toMatchObject({ total: 5, withFeatures: 2, withoutFeatures: 3 });
    expect(counts.reasons).toEqual(
      expect.arrayContaining([
        { reason: "no order lines (customer file only)", count: 1 },
        { reason: "only returns, no purchase", count: 1 },
        { reason: "every purchase cancelled, or returns reach purchases (net sales ≤ 0)", count: 1 },
      ]),
    );
    expect(counts.reasons.reduce((sum, r) => sum + r.count, 0)).toBe(counts.withoutFeatures);
  });
});
