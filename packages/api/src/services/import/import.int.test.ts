import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCsv } from "@strata/core";
import { createTestDb, type TestDatabase, testDrivers, withTenant } from "@strata/db";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profileStaleDatasets } from "../../jobs/profile-job.js";
import { getCustomer } from "../customer/get-customer.js";
import { recomputeCustomerFeatures } from "../customer/recompute-customer-features.js";
import { getDataset } from "../dataset/get-dataset.js";
import { getImport } from "./get-import.js";
import type { ImportMapping, OnInvalid } from "./mapping.js";
import { receiveUpload } from "./receive-upload.js";
import { startImport, waitForImport } from "./start-import.js";

async function* bytes(content: string | Uint8Array, chunk = 7): AsyncGenerator<Uint8Array> {
  // Small chunks on purpose: records, quotes and multi-byte characters straddle chunk boundaries.
  const all = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
  for (let i = 0; i < all.length; i += chunk * 97) yield all.subarray(i, i + chunk * 97);
}

/** A minimal .xlsx with inline strings and plain numbers, the way spreadsheet exports store them. */
function xlsx(rows: Array<Array<string | number>>): Uint8Array {
  const cell = (v: string | number) =>
    typeof v === "number"
      ? `<c><v>${v}</v></c>`
      : `<c t="inlineStr"><is><t>${v.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</t></is></c>`;
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    "xl/workbook.xml": strToU8(
      `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    "xl/worksheets/sheet1.xml": strToU8(
      `<worksheet ${ns}><sheetData>${rows.map((r, i) => `<row r="${i + 1}">${r.map(cell).join("")}</row>`).join("")}</sheetData></worksheet>`,
    ),
  });
}

const ORDERS_CSV =
  "\uFEFFInvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n" +
  '536365,85123A,"WHITE HANGING HEART T-LIGHT HOLDER",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\r\n' +
  '536365,71053,"WHITE METAL LANTERN, LARGE",6,2010-12-01 08:26:00,3.39,17850,United Kingdom\r\n' +
  '536366,22633,"HAND WARMER ""UNION JACK""",6,2010-12-01 08:28:00,1.85,17850,United Kingdom\r\n' +
  "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,United Kingdom\r\n" +
  "536368,22960,JAM MAKING SET WITH JARS,6,2011-01-05 08:34:00,4.25,13047,United Kingdom\r\n" +
  "536369,21756,BATH BUILDING BLOCK WORD,3,2011-02-11 08:35:00,5.95,12583,France\r\n" +
  // An exact repeat of a line: both are kept (two occurrences), and re-importing adds neither.
  "536369,21756,BATH BUILDING BLOCK WORD,3,2011-02-11 08:35:00,5.95,12583,France\r\n";

// Rows of the Kaggle marketing campaign data set as published: tab-separated, dates dd-mm-yyyy,
// one income missing (line 3).
const MARKETING_TSV = [
  "ID\tYear_Birth\tEducation\tMarital_Status\tIncome\tKidhome\tTeenhome\tDt_Customer\tRecency\tMntWines",
  "5524\t1957\tGraduation\tSingle\t58138\t0\t0\t04-09-2012\t58\t635",
  "1994\t1983\tGraduation\tMarried\t\t1\t0\t08-03-2014\t11\t5",
  "4141\t1965\tGraduation\tTogether\t71613\t0\t0\t21-08-2013\t26\t426",
  "6182\t1984\tGraduation\tTogether\t26646\t1\t0\t13-11-2012\t26\t11",
  "",
].join("\n");

/** The shared copies of the public data sets (SOURCES.md), beside the repository. */
const DATASETS = fileURLToPath(new URL("../../../../../../shared/datasets/", import.meta.url));
if (!existsSync(DATASETS)) console.warn(`skipping the whole-file import tests: ${DATASETS} is absent`);

describe.each(testDrivers())("imports on %s", (driver) => {
  let database: TestDatabase;
  let dataDir: string;
  let tenantId: string;
  let otherTenantId: string;

  beforeAll(async () => {
    database = await createTestDb(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-import-"));
    const rows = await database.query<{ id: string }>(
      "insert into tenants (slug, name) values ('acme', 'Acme'), ('other', 'Other') returning id",
    );
    tenantId = rows.rows[0]!.id;
    otherTenantId = rows.rows[1]!.id;
  }, 60_000);

  afterAll(async () => {
    await database?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(
    kind: "customers" | "orders",
    content: string | Uint8Array,
    fileName = "file.csv",
    maxBytes?: number,
  ) {
    return receiveUpload(database, {
      tenantId,
      userId: null,
      kind,
      fileName,
      body: bytes(content),
      dataDir,
      ...(maxBytes ? { maxBytes } : {}),
    });
  }

  async function run(
    importId: string,
    mapping: ImportMapping,
    onInvalid: OnInvalid = "reject_file",
    datasetName?: string,
  ) {
    await startImport(database, {
      tenantId,
      importId,
      mapping,
      onInvalid,
      dataDir,
      ...(datasetName ? { datasetName } : {}),
    });
    const outcome = await waitForImport(importId);
    if (!outcome) throw new Error("the import did not run");
    return outcome;
  }

  const count = async (table: string, tenant = tenantId) =>
    Number(
      (
        await database.query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1`, [
          tenant,
        ])
      ).rows[0]!.n,
    );

  it("imports an order file with a BOM, CRLF and quoted fields, guessing the mapping", async () => {
    const received = await upload("orders", ORDERS_CSV, "online-retail.csv");
    const { preview } = received;
    expect(preview.format).toBe("csv");
    expect(preview.delimiter).toBe(",");
    expect(preview.header[0]).toBe("InvoiceNo");
    expect(preview.mapping.fields).toMatchObject({
      customerId: "CustomerID",
      orderedAt: "InvoiceDate",
      quantity: "Quantity",
      unitPrice: "UnitPrice",
      invoiceId: "InvoiceNo",
    });
    expect(preview.mapping.dateFormat).toBe("iso");
    expect(preview.rows[2]!.fields[2]).toBe('HAND WARMER "UNION JACK"');

    const outcome = await run(received.importId, preview.mapping);
    expect(outcome).toMatchObject({ status: "succeeded", imported: 7, updated: 0, rejected: 0 });
    expect(await count("order_lines")).toBe(7);
    expect(await count("customers")).toBe(3);
    expect(await count("customer_features")).toBe(3);

    const customer = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "17850" }),
    );
    expect(customer.orderSummary.lines).toBe(3);
    expect(customer.orderSummary.orders).toBe(2);
    expect(customer.orderSummary.revenue).toBeCloseTo(6 * 2.55 + 6 * 3.39 + 6 * 1.85, 6);
    expect(customer.features?.frequency).toBe(2);
    expect(customer.orderLines.map((l) => l.product)).toContain("71053");
    // The Policies page's product classes were computed by the import, for the lines it left.
    const classes = await database.query<{ current: boolean; products: number }>(
      `select a.lines_version = v.version as current, (a.answer ->> 'productCount')::int as products
       from product_class_answers a join order_line_versions v using (tenant_id) where a.tenant_id = $1`,
      [tenantId],
    );
    expect(classes.rows).toEqual([{ current: true, products: 6 }]);
    // The planner's statistics count the lines and customers the import left (migration 0023).
    const stats = await database.query<{ relname: string; reltuples: number }>(
      `select relname, reltuples from pg_class
       where relname in ('customers', 'customer_features', 'order_lines') and relkind = 'r' order by relname`,
    );
    for (const row of stats.rows) expect(Number(row.reltuples), row.relname).toBeGreaterThanOrEqual(3);
    expect(stats.rows).toHaveLength(3);
  });

  it("re-importing the same order file adds nothing (idempotent by content)", async () => {
    const version = () =>
      database.query<{ v: string }>(
        "select version::text as v from order_line_versions where tenant_id = $1",
        [tenantId],
      );
    expect((await version()).rows[0]?.v).toBe("1");
    const received = await upload("orders", ORDERS_CSV, "online-retail.csv");
    const outcome = await run(received.importId, received.preview.mapping);
    expect(outcome).toMatchObject({ status: "succeeded", imported: 0, updated: 7, rejected: 0 });
    expect(await count("order_lines")).toBe(7);
    // No line changed: the version the caches read is where the first import left it.
    expect((await version()).rows[0]?.v).toBe("1");
  });

  it("the features of a workspace's first lines, computed from the file as read, are those its stored lines give", async () => {
    const dump = async () =>
      (
        await database.query<{ c: string; f: string }>(
          "select customer_id::text as c, features::text as f from customer_features where tenant_id = $1 order by 1",
          [tenantId],
        )
      ).rows;
    const fromFile = await dump();
    expect(fromFile.length).toBe(3);
    const summary = await withTenant(database.db, tenantId, (tx) =>
      recomputeCustomerFeatures(tx, { tenantId, driver }),
    );
    expect(summary.scope).toBe("all");
    expect(await dump()).toEqual(fromFile);
  });

  it("a line whose customer is gone is refused, and the foreign key is checked after an import", async () => {
    // The load skips the per-line check where it may (see skipRowTriggers); the check is on again after.
    const lines = await database.query<{ c: string }>(
      "select count(*) as c from order_lines o where o.tenant_id = $1 and not exists (select 1 from customers c where c.tenant_id = o.tenant_id and c.id = o.customer_id)",
      [tenantId],
    );
    expect(Number(lines.rows[0]!.c)).toBe(0);
    await expect(
      database.query(
        "insert into order_lines (tenant_id, dataset_id, customer_id, line_key, ordered_at, quantity, unit_price) values ($1, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), 1, 1)",
        [tenantId],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it("reads semicolons, decimal commas and day-first dates, and profiles the dataset", async () => {
    const csv =
      "Kunde;Datum;Menge;Preis;Kanal\n" +
      "A-1;31.01.2024;2;3,50;parcel\n" +
      "A-1;01.02.2024;1;10,00;pickup\n" +
      "B-2;15.03.2024;4;2,25;parcel\n";
    const received = await upload("orders", csv, "bestellungen.csv");
    expect(received.preview.delimiter).toBe(";");
    expect(received.preview.mapping.decimalSeparator).toBe(",");
    // German headers are not guessed: the user maps them, and the date column's format is known.
    const dateFormat = received.preview.dateFormats.Datum?.format;
    expect(dateFormat).toBe("dmy-dot");
    const mapping: ImportMapping = {
      ...received.preview.mapping,
      ...(dateFormat ? { dateFormat } : {}),
      fields: {
        customerId: "Kunde",
        orderedAt: "Datum",
        quantity: "Menge",
        unitPrice: "Preis",
        channel: "Kanal",
      },
    };
    const outcome = await run(received.importId, mapping, "reject_file", "Bestellungen");
    expect(outcome).toMatchObject({ status: "succeeded", imported: 3, rejected: 0 });
    await profileStaleDatasets(database);
    const got = await withTenant(database.db, tenantId, (tx) =>
      getDataset(tx, { tenantId, id: outcome.datasetId! }),
    );
    expect(got.profileStatus).toBe("ready");
    const dataset = { ...got, profile: got.profile! };
    const price = dataset.profile.columns.find((c) => c.field === "unitPrice")!;
    expect(price).toMatchObject({
      type: "numeric",
      min: 2.25,
      max: 10,
      median: 3.5,
      missing: 0,
      distinct: 3,
    });
    expect(price.histogram!.reduce((s, b) => s + b.count, 0)).toBe(3);
    const channel = dataset.profile.columns.find((c) => c.field === "channel")!;
    expect(channel.topValues).toEqual([
      { value: "parcel", count: 2 },
      { value: "pickup", count: 1 },
    ]);
    expect(dataset.profile.correlation.features).toContain("monetary");
  });

  it("imports customers from XLSX with typed attributes, and a re-import updates them by external id", async () => {
    const file = xlsx([
      ["Customer ID", "Income", "Segment", "Joined"],
      ["17850", 58000, "Retail", "2010-05-01"],
      ["C-900", 72000.5, "B2B", "2011-07-15"],
    ]);
    const received = await upload("customers", file, "customers.xlsx");
    expect(received.preview.format).toBe("xlsx");
    expect(received.preview.mapping.fields).toEqual({ externalId: "Customer ID" });
    expect(received.preview.mapping.attributes).toContainEqual({ source: "Income", type: "numeric" });
    const first = await run(received.importId, received.preview.mapping);
    // 17850 already exists (created by the order file): it is updated, C-900 is new.
    expect(first).toMatchObject({ status: "succeeded", imported: 1, updated: 1, rejected: 0 });
    const c = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "17850" }),
    );
    expect(c.attributes).toMatchObject({ Income: 58000, Segment: "Retail" });
    expect(c.features).toMatchObject({ Income: 58000, frequency: 2 });

    const again = await upload(
      "customers",
      xlsx([
        ["Customer ID", "Income", "Segment", "Joined"],
        ["17850", 61000, "Retail", "2010-05-01"],
      ]),
      "customers.xlsx",
    );
    const second = await run(again.importId, again.preview.mapping);
    expect(second).toMatchObject({ status: "succeeded", imported: 0, updated: 1 });
    const updated = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "17850" }),
    );
    expect(updated.attributes.Income).toBe(61000);
    expect(await count("customers")).toBe(6);
  });

  it("rejects the whole file with a report of every bad row, leaving the database unchanged", async () => {
    const csv =
      "customer_id,order_date,qty,unit_price\n" +
      "X1,2024-01-05,2,9.99\n" +
      "X2,2024-01-06,-3,9.99\n" + // negative quantity
      "X3,05/01/2024,1,4.00\n" + // a second date format in the same column
      "X4,2024-01-07,two,4.00\n" + // not a number
      "X5,2024-01-08,1\n" + // ragged
      ",2024-01-09,1,1.00\n"; // no customer
    const before = await count("order_lines");
    const received = await upload("orders", csv, "bad.csv");
    // Returns are imported by default; this file's owner asked for negative quantities to be refused.
    const mapping = { ...received.preview.mapping, negativeQuantity: "reject" as const };
    const outcome = await run(received.importId, mapping, "reject_file");
    expect(outcome.status).toBe("rejected");
    expect(outcome.rejected).toBe(5);
    expect(outcome.message).toMatch(/5 of 6 rows are invalid/);
    expect(await count("order_lines")).toBe(before);
    expect(await count("customers")).toBe(6);

    const report = readFileSync(outcome.rejectedReportPath!, "utf8").trim().split("\n");
    expect(report[0]).toBe("line,column,value,reason,original_row");
    expect(report.slice(1)).toEqual([
      '3,qty,-3,quantity is negative (returns are not accepted),"X2,2024-01-06,-3,9.99"',
      expect.stringMatching(
        /^4,order_date,05\/01\/2024,not a valid date in the format .*,"X3,05\/01\/2024,1,4.00"$/,
      ),
      '5,qty,two,quantity is not a number,"X4,2024-01-07,two,4.00"',
      '6,,"X5,2024-01-08,1",the row has 3 fields but the header has 4,"X5,2024-01-08,1"',
      '7,customer_id,,missing customer id,",2024-01-09,1,1.00"',
    ]);

    // The same upload, now importing the valid rows only.
    const retry = await run(received.importId, mapping, "import_valid");
    expect(retry).toMatchObject({ status: "succeeded", imported: 1, rejected: 5 });
    expect(await count("order_lines")).toBe(before + 1);
  });

  it("imports a negative quantity as a return by default", async () => {
    const before = await count("order_lines");
    const csv =
      "invoice,customer_id,order_date,product,qty,unit_price\n" +
      "R1,R-CUST,2024-02-05,P1,4,2.50\n" +
      "CR1,R-CUST,2024-02-09,P1,-1,2.50\n";
    const received = await upload("orders", csv, "returns.csv");
    expect(received.preview.mapping.negativeQuantity ?? "return").toBe("return");
    const outcome = await run(received.importId, received.preview.mapping, "reject_file");
    expect(outcome).toMatchObject({ status: "succeeded", imported: 2, rejected: 0 });
    expect(await count("order_lines")).toBe(before + 2);
  });

  it("rejects duplicate customer ids within a file", async () => {
    const customers = await count("customers");
    const received = await upload("customers", "id,city\nD1,Oslo\nD2,Lima\nD1,Rome\n", "dups.csv");
    const outcome = await run(received.importId, received.preview.mapping);
    expect(outcome.status).toBe("rejected");
    const report = readFileSync(outcome.rejectedReportPath!, "utf8");
    expect(report).toContain("4,id,D1,duplicate customer id (also on line 2)");
    expect(await count("customers")).toBe(customers);
  });

  it("refuses empty, header-only, binary and oversized files with a clear message and records nothing", async () => {
    const imports = await count("imports");
    await expect(upload("orders", "")).rejects.toThrow(/empty/i);
    await expect(upload("orders", "customer_id,date,qty,price\n")).rejects.toThrow(/header row but no data/);
    await expect(upload("orders", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]))).rejects.toThrow(
      /PNG image/,
    );
    await expect(upload("orders", "a,b\n".repeat(100), "big.csv", 64)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    expect(await count("imports")).toBe(imports);
  });

  it("names the line of a byte that is not UTF-8 and changes nothing", async () => {
    const latin1 = Buffer.concat([
      Buffer.from("customer_id,order_date,qty,unit_price,product\nE1,2024-01-05,1,2.00,tea\n"),
      Buffer.from([0x45, 0x32, 0x2c]),
      Buffer.from("2024-01-05,1,2.00,caf"),
      Buffer.from([0xe9, 0x0a]),
    ]);
    const received = await upload("orders", latin1, "latin1.csv");
    // The preview saw invalid UTF-8 and proposes Windows-1252; forcing UTF-8 must fail cleanly.
    expect(received.preview.mapping.encoding).toBe("windows-1252");
    const before = await count("order_lines");
    const outcome = await run(received.importId, { ...received.preview.mapping, encoding: "utf-8" });
    expect(outcome.status).toBe("failed");
    expect(outcome.message).toMatch(/not valid UTF-8: line 3/);
    expect(await count("order_lines")).toBe(before);
    const ok = await run(received.importId, received.preview.mapping);
    expect(ok).toMatchObject({ status: "succeeded", imported: 2 });
    const e2 = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "E2" }),
    );
    expect(e2.orderLines[0]!.product).toBe("café");
  });

  it("imports a tab-separated customer file with day-first dates, detecting both", async () => {
    const before = await count("customers");
    const received = await upload("customers", MARKETING_TSV, "marketing_campaign.csv");
    const { preview } = received;
    expect(preview.delimiter).toBe("\t");
    expect(preview.mapping.fields).toEqual({ externalId: "ID" });
    expect(preview.dateFormats.Dt_Customer).toMatchObject({ status: "ok", format: "dmy-dash" });
    expect(preview.mapping.attributes).toContainEqual({
      source: "Dt_Customer",
      type: "date",
      dateFormat: "dmy-dash",
    });
    expect(preview.mapping.attributes).toContainEqual({ source: "Income", type: "numeric" });
    expect(preview.notices).toEqual([]);

    const outcome = await run(received.importId, preview.mapping, "reject_file", "Marketing");
    expect(outcome).toMatchObject({ status: "succeeded", imported: 4, updated: 0, rejected: 0 });
    expect(await count("customers")).toBe(before + 4);
    const c = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "5524" }),
    );
    // 04-09-2012 is the 4th of September; an empty income stays empty rather than failing the row.
    expect(c.attributes).toMatchObject({ Dt_Customer: "2012-09-04", Income: 58138, Education: "Graduation" });
    const noIncome = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "1994" }),
    );
    expect(noIncome.attributes.Income ?? null).toBeNull();
  });

  it("rejects a date attribute read in the wrong format naming line, column and value, and counts reasons", async () => {
    const received = await upload("customers", MARKETING_TSV, "marketing_campaign.csv");
    const mapping: ImportMapping = {
      ...received.preview.mapping,
      attributes: received.preview.mapping.attributes!.map((a) =>
        a.source === "Dt_Customer" ? { ...a, dateFormat: "mdy-dash" as const } : a,
      ),
    };
    const outcome = await run(received.importId, mapping, "reject_file");
    // 21-08-2013 and 13-11-2012 have no 21st or 13th month; 04-09-2012 and 08-03-2014 read as mm-dd.
    expect(outcome).toMatchObject({ status: "rejected", imported: 0, rejected: 2 });
    const { header, records } = parseCsv(readFileSync(outcome.rejectedReportPath!, "utf8"));
    expect(header).toEqual(["line", "column", "value", "reason", "original_row"]);
    expect(records.map((r) => r.fields.slice(0, 3))).toEqual([
      ["4", "Dt_Customer", "21-08-2013"],
      ["5", "Dt_Customer", "13-11-2012"],
    ]);
    expect(records[0]!.fields[3]).toBe(
      "not a valid date in the format mm-dd-yyyy (e.g. 01-31-2024); it reads as dd-mm-yyyy: choose that format",
    );
    expect(records[0]!.fields[4]).toBe(MARKETING_TSV.split("\n")[3]);

    const shown = await withTenant(database.db, tenantId, (tx) =>
      getImport(tx, { tenantId, id: received.importId }),
    );
    expect(shown.areRejectedReasonsFromSample).toBe(false);
    expect(shown.rejectedReasons).toEqual([
      expect.objectContaining({ column: "Dt_Customer", count: 2, firstLine: 4, firstValue: "21-08-2013" }),
    ]);
  });

  it("says when a customer date column can be read day-first or month-first", async () => {
    const received = await upload("customers", "id\tjoined\nQ1\t01-02-2013\nQ2\t03-04-2013\n", "joined.tsv");
    const { preview } = received;
    expect(preview.dateFormats.joined).toMatchObject({
      status: "ambiguous",
      candidates: ["dmy-dash", "mdy-dash"],
    });
    expect(preview.notices).toEqual([
      { code: "date-format", column: "joined", message: expect.stringMatching(/more than one way/) },
    ]);
    // The suggestion is kept on the attribute, for the user to confirm or change.
    expect(preview.mapping.attributes).toEqual([{ source: "joined", type: "date", dateFormat: "dmy-dash" }]);
  });

  it("numbers the customers of a file without an id column, and says so in the preview", async () => {
    const csv = "Channel,Region,Fresh,Milk\n2,3,12669,9656\n2,3,7057,9810\n1,3,6353,8808\n";
    const received = await upload("customers", csv, "wholesale.csv");
    const { preview } = received;
    expect(preview.mapping.fields).toEqual({});
    expect(preview.mapping.isIdFromLine).toBe(true);
    expect(preview.missingFields).toEqual([]);
    expect(preview.notices).toEqual([
      {
        code: "generated-ids",
        message: expect.stringMatching(/"row-<line>" \(row-2 for the first data row\)/),
      },
    ]);
    const outcome = await run(received.importId, preview.mapping, "reject_file", "Wholesale");
    expect(outcome).toMatchObject({ status: "succeeded", imported: 3, rejected: 0 });
    const c = await withTenant(database.db, tenantId, (tx) =>
      getCustomer(tx, { tenantId, externalId: "row-4" }),
    );
    expect(c.attributes).toMatchObject({ Channel: 1, Fresh: 6353 });
  });

  describe.skipIf(!existsSync(DATASETS))("the public data sets in ../shared/datasets", () => {
    async function uploadFile(fileName: string) {
      return receiveUpload(database, {
        tenantId,
        userId: null,
        kind: "customers",
        fileName,
        body: createReadStream(join(DATASETS, fileName)),
        dataDir,
      });
    }

    it.skipIf(!existsSync(join(DATASETS, "marketing_campaign.csv")))(
      "imports all 2,240 customers of marketing_campaign.csv with the detected mapping",
      async () => {
        const received = await uploadFile("marketing_campaign.csv");
        const outcome = await run(received.importId, received.preview.mapping, "reject_file", "Campaign");
        expect(outcome.message).toBeNull();
        expect(outcome.imported + outcome.updated).toBe(2240);
        expect(outcome).toMatchObject({ status: "succeeded", rejected: 0 });
        const inDataset = await database.query<{ n: string }>(
          "select count(*) as n from customers where tenant_id = $1 and dataset_id = $2",
          [tenantId, outcome.datasetId],
        );
        expect(Number(inDataset.rows[0]!.n)).toBe(2240);
      },
    );

    it.skipIf(!existsSync(join(DATASETS, "Mall_Customers.csv")))(
      "imports Mall_Customers.csv, keeping ids such as 0001 as written",
      async () => {
        const received = await uploadFile("Mall_Customers.csv");
        expect(received.preview.mapping.fields).toEqual({ externalId: "CustomerID" });
        const outcome = await run(received.importId, received.preview.mapping, "reject_file", "Mall");
        expect(outcome).toMatchObject({ status: "succeeded", imported: 200, rejected: 0 });
        const c = await withTenant(database.db, tenantId, (tx) =>
          getCustomer(tx, { tenantId, externalId: "0001" }),
        );
        expect(c.attributes).toMatchObject({ Genre: "Male", Age: 19, "Annual Income (k$)": 15 });
      },
    );

    it.skipIf(!existsSync(join(DATASETS, "wholesale_customers.csv")))(
      "imports wholesale_customers.csv, which has no id column, with row-number ids",
      async () => {
        const received = await uploadFile("wholesale_customers.csv");
        expect(received.preview.mapping.isIdFromLine).toBe(true);
        const outcome = await run(received.importId, received.preview.mapping, "reject_file", "Wholesale");
        expect(outcome.imported + outcome.updated).toBe(440);
        expect(outcome).toMatchObject({ status: "succeeded", rejected: 0 });
      },
    );
  });

  it("keeps each workspace's customers to itself", async () => {
    expect(await count("customers", otherTenantId)).toBe(0);
    const seen = await withTenant(database.db, otherTenantId, async (tx) => {
      const { rawClientOf } = await import("./raw-client.js");
      return (await rawClientOf(tx).query<{ n: string }>("select count(*) as n from customers")).rows[0]!.n;
    });
    expect(Number(seen)).toBe(0);
  });
});
