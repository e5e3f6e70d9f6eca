import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawRows, testDrivers, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportConsumer, startImportConsumer } from "../src/jobs/import-consumer.js";
import { closeJobQueue } from "../src/jobs/queue.js";
import { recomputeCustomerFeatures } from "../src/services/customer/recompute-customer-features.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { waitForImport } from "../src/services/import/start-import.js";
import { openHarness } from "./harness.js";

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const pad = (n: number) => String(n).padStart(2, "0");
/** A day of 2011 (1..300) at a given hour. */
const at = (day: number, hour = 10) => {
  const d = new Date(Date.UTC(2011, 0, day, hour, 7));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(hour)}:07:00`;
};

/**
 * 60 customers in Online Retail's shape: several invoices each, varied quantities and prices, some
 * credit notes cancelling an earlier purchase, some partial returns. The latest purchase is day 300.
 */
function firstFile(): string {
  const rows = [HEADER];
  let invoice = 540000;
  for (let c = 1; c <= 60; c++) {
    const orders = 1 + (c % 7);
    for (let o = 0; o < orders; o++) {
      const day = 1 + ((c * 37 + o * 53) % 280);
      invoice++;
      for (let l = 0; l < 1 + ((c + o) % 3); l++)
        rows.push(
          `${invoice},P${(c + l) % 17},ITEM,${1 + ((c * o + l) % 9)},${at(day)},${(1 + ((c + l) % 5)) * 1.25},C${c},${c % 4 === 0 ? "France" : "United Kingdom"}`,
        );
    }
    if (c % 5 === 0)
      rows.push(
        `C${++invoice},P${c % 17},ITEM,-${1 + ((c * 0) % 9)},${at(290)},${(1 + (c % 5)) * 1.25},C${c},France`,
      );
    if (c % 9 === 0) rows.push(`C${++invoice},P99,ITEM,-1,${at(200)},3.5,C${c},United Kingdom`);
  }
  rows.push(`549999,P1,ITEM,2,${at(300)},2.5,C7,United Kingdom`);
  return rows.join("\n");
}

/**
 * Lines for 12 existing customers (a purchase, and for some a credit note cancelling one of their
 * first-file purchases) and 5 new ones, all before the latest purchase (day 300).
 */
function secondFile(): string {
  const rows = [HEADER];
  let invoice = 560000;
  for (let c = 3; c <= 60; c += 5) {
    rows.push(`${++invoice},P${c % 13},ITEM,${2 + (c % 4)},${at(150 + c)},${1.5 + (c % 3)},C${c},Germany`);
    if (c % 2 === 0)
      rows.push(
        `C${++invoice},P${c % 17},ITEM,-${1 + ((c * 0) % 9)},${at(295)},${(1 + (c % 5)) * 1.25},C${c},Germany`,
      );
  }
  for (let c = 61; c <= 65; c++) rows.push(`${++invoice},P3,ITEM,${c - 59},${at(120 + c)},4.2,C${c},Spain`);
  return rows.join("\n");
}

/** A purchase after every earlier one: everyone's recency moves. */
const THIRD_FILE = `${HEADER}\n570001,P2,ITEM,3,${at(305)},2.5,C12,United Kingdom\n570002,P5,ITEM,1,${at(301)},9.5,C70,Spain`;

describe.each(testDrivers())("feature recomputation after an import on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let dataDir: string;
  let workspace = "";
  let tenantId = "";
  let owner: Awaited<ReturnType<typeof h.newWorkspace>>["owner"];
  let consumer: ImportConsumer | undefined;

  async function importOrders(text: string, fileName: string): Promise<string> {
    const received = await receiveUpload(h.database, {
      tenantId,
      userId: null,
      kind: "orders",
      fileName,
      body: body(text),
      dataDir,
    });
    const preview = await owner.caller.import.preview({ workspace, id: received.importId });
    await owner.caller.import.start({ workspace, id: received.importId, mapping: preview.mapping });
    const outcome = await waitForImport(received.importId);
    expect(outcome?.status, outcome?.message ?? "").toBe("succeeded");
    expect(outcome?.message ?? null).toBeNull();
    return received.importId;
  }

  /** Every customer's stored features, by external id. */
  async function features(): Promise<Record<string, unknown>> {
    const rows = await withTenant(h.database.db, tenantId, (tx) =>
      rawRows<{ id: string; features: Record<string, unknown> }>(
        tx,
        sql`select c.external_id as id, f.features from customer_features f join customers c on c.id = f.customer_id
            where f.tenant_id = ${tenantId} order by 1`,
      ),
    );
    return Object.fromEntries(rows.map((r) => [r.id, r.features]));
  }

  async function fullRecompute() {
    return withTenant(h.database.db, tenantId, (tx) =>
      recomputeCustomerFeatures(tx, { tenantId, driver: h.database.driver }),
    );
  }

  beforeAll(async () => {
    h = await openHarness(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-incremental-"));
    const ws = await h.newWorkspace("incremental");
    owner = ws.owner;
    workspace = ws.workspace;
    tenantId = ws.tenant.id;
  });
  afterAll(async () => {
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a second orders file gives every customer the features a full recomputation gives", async () => {
    await importOrders(firstFile(), "first.csv");
    const second = await importOrders(secondFile(), "second.csv");
    const incremental = await features();
    expect(Object.keys(incremental)).toHaveLength(65);
    // The import took the incremental path: asked again, only its 17 customers are rewritten.
    const again = await withTenant(h.database.db, tenantId, (tx) =>
      recomputeCustomerFeatures(tx, { tenantId, driver: h.database.driver, importId: second }),
    );
    expect(again).toMatchObject({ scope: "customers", customers: 17 });
    expect(await features()).toEqual(incremental);

    await fullRecompute();
    const full = await features();
    expect(incremental).toEqual(full);
    // The population-relative part moved with the new customers, and is still everyone's.
    expect(
      new Set(Object.values(full).map((f) => (f as { rfm_segment: string }).rfm_segment)).size,
    ).toBeGreaterThan(3);
  });

  it("a file with a purchase after every earlier one recomputes everyone, and still matches", async () => {
    const third = await importOrders(THIRD_FILE, "third.csv");
    const afterImport = await features();
    const again = await withTenant(h.database.db, tenantId, (tx) =>
      recomputeCustomerFeatures(tx, { tenantId, driver: h.database.driver, importId: third }),
    );
    // Its purchase moved the as-of date everyone's recency is measured at: everyone was recomputed.
    expect(again).toMatchObject({ scope: "all", fallback: expect.stringMatching(/as-of date/) });
    await fullRecompute();
    expect(afterImport).toEqual(await features());
    expect((afterImport.C70 as { recency_days: number }).recency_days).toBe(4);
  });

  it("dataset.get reports a pending profile until the profile job has run, then the profile", async () => {
    const [orders] = (await owner.caller.dataset.list({ workspace })).filter((d) => d.kind === "orders");
    const pending = await owner.caller.dataset.get({ workspace, id: orders!.id });
    expect(pending).toMatchObject({ profileStatus: "pending", profile: null });
    // Reading it again does not profile it either.
    expect((await owner.caller.dataset.get({ workspace, id: orders!.id })).profileStatus).toBe("pending");

    consumer = await startImportConsumer(h.database, { pollingIntervalSeconds: 0.5, log: () => {} });
    let ready = pending;
    for (let i = 0; i < 120 && ready.profileStatus !== "ready"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      ready = await owner.caller.dataset.get({ workspace, id: orders!.id });
    }
    expect(ready.profileStatus).toBe("ready");
    expect(ready.profile?.rows).toBe(ready.rowCount);
  });
});
