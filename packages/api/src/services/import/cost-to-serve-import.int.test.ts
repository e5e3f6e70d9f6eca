import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetKind } from "./fields.js";
import type { ImportMapping, OnInvalid } from "./mapping.js";
import { receiveUpload } from "./receive-upload.js";
import { startImport, waitForImport } from "./start-import.js";

async function* bytes(content: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(content, "utf8");
}

const CUSTOMERS_CSV = "customer_id,name\nC1,Alpha\nC2,Beta\nC3,Gamma\n";

// The CONTRACT's orders.csv columns, with the cost-to-serve ones.
const ORDERS_HEADER = "customer_id,order_id,ordered_at,quantity,unit_price,channel,region";
const ORDER_ROWS = [
  "C1,O1,2025-01-02,2,10,parcel,North",
  "C1,O1,2025-01-02,1,20,parcel,North",
  "C2,O2,2025-01-05,5,4,pickup,South",
  "C3,O3,2025-02-01,-1,10,parcel,North",
];
const COSTS = ["6,1.5,D1,42", "12,,D1,42", "2.5,0,,", "6,,R3,42"];

const ACTIVITIES_CSV = [
  "customer_id,activity,quantity,date",
  "C1,sales_visit,2,2025-01-10",
  "C2,statement,1,2025-01-31",
  "C404,sales_visit,1,2025-01-11",
  "C1,payment_terms_days,60,",
  "C1,sales_visit,2,2025-01-10",
].join("\n");

describe.each(testDrivers())("cost-to-serve data imports on %s", (driver) => {
  let database: TestDatabase;
  let dataDir: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDb(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-cts-import-"));
    const rows = await database.query<{ id: string }>(
      "insert into tenants (slug, name) values ('cts', 'CTS') returning id",
    );
    tenantId = rows.rows[0]!.id;
  }, 60_000);

  afterAll(async () => {
    await database?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function importFile(
    kind: DatasetKind,
    content: string,
    onInvalid: OnInvalid = "reject_file",
    edit: (mapping: ImportMapping) => ImportMapping = (m) => m,
  ) {
    const received = await receiveUpload(database, {
      tenantId,
      userId: null,
      kind,
      fileName: `${kind}.csv`,
      body: bytes(content),
      dataDir,
    });
    await startImport(database, {
      tenantId,
      importId: received.importId,
      mapping: edit(received.preview.mapping),
      onInvalid,
      dataDir,
    });
    const outcome = await waitForImport(received.importId);
    if (!outcome) throw new Error("the import did not run");
    return { preview: received.preview, outcome };
  }

  const lines = async () =>
    (
      await database.query<Record<string, unknown>>(
        `select c.external_id, o.order_id, o.quantity, o.unit_cost, o.discount, o.delivery_id, o.distance, o.line_key
         from order_lines o join customers c on c.id = o.customer_id where o.tenant_id = $1
         order by o.order_id, o.unit_price`,
        [tenantId],
      )
    ).rows;

  it("imports orders, then the same file with unit cost, discount, delivery and distance fills them in on the same lines", async () => {
    expect((await importFile("customers", CUSTOMERS_CSV)).outcome.status).toBe("succeeded");
    const plain = await importFile("orders", [ORDERS_HEADER, ...ORDER_ROWS].join("\n"));
    expect(plain.outcome).toMatchObject({ status: "succeeded", imported: 4 });
    const before = await lines();
    expect(before.every((l) => l.unit_cost === null && l.delivery_id === null)).toBe(true);

    const withCosts = [
      `${ORDERS_HEADER},unit_cost,discount,delivery_id,distance`,
      ...ORDER_ROWS.map((row, i) => `${row},${COSTS[i]}`),
    ].join("\n");
    const again = await importFile("orders", withCosts);
    expect(again.preview.mapping.fields).toMatchObject({
      unitCost: "unit_cost",
      discount: "discount",
      deliveryId: "delivery_id",
      distance: "distance",
    });
    expect(again.outcome).toMatchObject({ status: "succeeded", imported: 0, updated: 4, rejected: 0 });
    const after = await lines();
    expect(after.map((l) => l.line_key)).toEqual(before.map((l) => l.line_key));
    expect(after.map(({ line_key: _, ...l }) => l)).toEqual([
      {
        external_id: "C1",
        order_id: "O1",
        quantity: 2,
        unit_cost: 6,
        discount: 1.5,
        delivery_id: "D1",
        distance: 42,
      },
      {
        external_id: "C1",
        order_id: "O1",
        quantity: 1,
        unit_cost: 12,
        discount: null,
        delivery_id: "D1",
        distance: 42,
      },
      {
        external_id: "C2",
        order_id: "O2",
        quantity: 5,
        unit_cost: 2.5,
        discount: 0,
        delivery_id: null,
        distance: null,
      },
      {
        external_id: "C3",
        order_id: "O3",
        quantity: -1,
        unit_cost: 6,
        discount: null,
        delivery_id: "R3",
        distance: 42,
      },
    ]);
  });

  it("rejects negative or unreadable costs naming line, column and value", async () => {
    const file = [
      `${ORDERS_HEADER},unit_cost,discount,delivery_id,distance`,
      "C1,O9,2025-03-01,1,10,parcel,North,-2,,D9,10",
      "C1,O9,2025-03-01,1,11,parcel,North,5,lots,D9,10",
      "C2,O10,2025-03-02,1,10,parcel,North,5,1,D10,-3",
    ].join("\n");
    const { outcome } = await importFile("orders", file);
    expect(outcome).toMatchObject({ status: "rejected", imported: 0, rejected: 3 });
    const report = readFileSync(outcome.rejectedReportPath!, "utf8").trim().split("\n");
    expect(report.slice(1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "2,unit_cost,-2,unit cost is negative",
      "3,discount,lots,discount is not a number",
      "4,distance,-3,distance is negative",
    ]);
  });

  it("rejects an events file naming an unknown customer whole, then imports the valid events", async () => {
    const rejected = await importFile("activities", ACTIVITIES_CSV);
    expect(rejected.preview.mapping.fields).toEqual({
      customerId: "customer_id",
      activity: "activity",
      quantity: "quantity",
      occurredOn: "date",
    });
    expect(rejected.outcome).toMatchObject({ status: "rejected", imported: 0, rejected: 1 });
    const report = readFileSync(rejected.outcome.rejectedReportPath!, "utf8").trim().split("\n");
    expect(report[1]).toMatch(/^4,customer_id,C404,unknown customer id,/);
    const events = async () =>
      (
        await database.query<Record<string, unknown>>(
          `select c.external_id, e.activity, e.quantity, e.occurred_on::text as occurred_on
           from activity_events e join customers c on c.id = e.customer_id where e.tenant_id = $1
           order by c.external_id, e.activity, e.occurred_on`,
          [tenantId],
        )
      ).rows;
    expect(await events()).toEqual([]);
    const customerCount = await database.query<{ n: string }>(
      "select count(*) as n from customers where tenant_id = $1",
      [tenantId],
    );
    expect(Number(customerCount.rows[0]!.n)).toBe(3);

    const valid = await importFile("activities", ACTIVITIES_CSV, "import_valid");
    expect(valid.outcome).toMatchObject({ status: "succeeded", imported: 4, updated: 0, rejected: 1 });
    expect(await events()).toEqual([
      { external_id: "C1", activity: "payment_terms_days", quantity: 60, occurred_on: null },
      { external_id: "C1", activity: "sales_visit", quantity: 2, occurred_on: "2025-01-10" },
      { external_id: "C1", activity: "sales_visit", quantity: 2, occurred_on: "2025-01-10" },
      { external_id: "C2", activity: "statement", quantity: 1, occurred_on: "2025-01-31" },
    ]);
    const dataset = await database.query<{ kind: string; name: string; row_count: number }>(
      "select kind, name, row_count from datasets where tenant_id = $1 and kind = 'activities'",
      [tenantId],
    );
    expect(dataset.rows).toEqual([{ kind: "activities", name: "Activities", row_count: 4 }]);
    // No profile job is needed (nor could one succeed): the dataset carries its row count as profile.
    const stale = await database.query(
      `select 1 from datasets where tenant_id = $1 and kind = 'activities'
         and (profile is null or profiled_at is null or profiled_at < updated_at)`,
      [tenantId],
    );
    expect(stale.rows).toEqual([]);

    // The same file again adds nothing: events are keyed by content and occurrence, like order lines.
    const again = await importFile("activities", ACTIVITIES_CSV, "import_valid");
    expect(again.outcome).toMatchObject({ status: "succeeded", imported: 0, updated: 4, rejected: 1 });
    expect(await events()).toHaveLength(4);
  });

  it("rejects a zero or unreadable count and a missing activity", async () => {
    const file = "customer_id,activity,quantity\nC1,expedite,0\nC2,,1\nC3,visit,x\n";
    const { outcome } = await importFile("activities", file);
    expect(outcome).toMatchObject({ status: "rejected", rejected: 3 });
    const report = readFileSync(outcome.rejectedReportPath!, "utf8").trim().split("\n");
    expect(report.slice(1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "2,quantity,0,quantity is zero",
      "3,activity,,missing activity",
      "4,quantity,x,quantity is not a number",
    ]);
  });
});
