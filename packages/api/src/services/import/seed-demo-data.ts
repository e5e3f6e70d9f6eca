import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type DatasetKind,
  demoActivitiesCsv,
  demoCustomersCsv,
  demoOrdersCsv,
  generateDemoRetailer,
} from "@strata/core";
import { type Database, datasets, imports, withTenant } from "@strata/db";
import { eq } from "drizzle-orm";
import { seedDemoCostModel } from "../cost-to-serve/cost-model.js";
import { importFolder } from "./paths.js";
import { previewImport } from "./preview-import.js";
import { type ImportOutcome, runImport } from "./run-import.js";

const shared = globalThis as { __strataDemoSeeding?: Map<string, Promise<DemoDataSummary>> };
if (!shared.__strataDemoSeeding) shared.__strataDemoSeeding = new Map();
const seeding = shared.__strataDemoSeeding;

/**
 * Starts loading the demo data in the background (once per workspace and process) so the server
 * answers while it loads; the Data page shows the imports' progress. Errors are logged, not thrown.
 */
export function startDemoDataSeeding(database: Database, tenantId: string): Promise<DemoDataSummary> {
  let running = seeding.get(tenantId);
  if (!running) {
    running = seedDemoData(database, tenantId)
      .catch((error: Error): DemoDataSummary => {
        console.error(`[demo] could not load the demo data: ${error.message}`);
        return { skipped: true };
      })
      .finally(() => seeding.delete(tenantId));
    seeding.set(tenantId, running);
  }
  return running;
}

export interface DemoDataSummary {
  skipped: boolean;
  customers?: ImportOutcome;
  orders?: ImportOutcome;
  activities?: ImportOutcome;
}

/**
 * The demo retailer's history ends on this date, whatever today is: the same workspace, segments
 * and names on every machine and every day (recency is measured at the latest order, not at today).
 */
export const DEMO_END_DATE = "2026-06-30T23:59:59Z";

/**
 * Loads the core's demo retailer (about 3,000 customers and 100,000 order lines over the two years
 * to DEMO_END_DATE, with unit costs, deliveries and distances, then about 30,000 activity events:
 * visits, statements, expedites, payment terms) into a workspace through the ordinary import path,
 * once: a workspace that already has a dataset is left alone. Events come last: they name customers.
 */
export async function seedDemoData(
  database: Database,
  tenantId: string,
  options: { customers?: number; seed?: number; dataDir?: string } = {},
): Promise<DemoDataSummary> {
  const existing = await withTenant(database.db, tenantId, (tx) =>
    tx.select({ id: datasets.id }).from(datasets).where(eq(datasets.tenantId, tenantId)).limit(1),
  );
  if (existing.length > 0) return { skipped: true };
  const demo = generateDemoRetailer({
    seed: options.seed ?? 42,
    customers: options.customers ?? 3000,
    endDate: DEMO_END_DATE,
  });
  const folder = importFolder(tenantId, options.dataDir);
  const customers = await importDemoFile(
    database,
    tenantId,
    "customers",
    join(folder, "demo-customers.csv"),
    demoCustomersCsv(demo.customers),
    options.dataDir,
  );
  const orders = await importDemoFile(
    database,
    tenantId,
    "orders",
    join(folder, "demo-orders.csv"),
    demoOrdersCsv(demo.orders, 10_000),
    options.dataDir,
  );
  const activities = await importDemoFile(
    database,
    tenantId,
    "activities",
    join(folder, "demo-activities.csv"),
    demoActivitiesCsv(demo.activities, 10_000),
    options.dataDir,
  );
  await withTenant(database.db, tenantId, (tx) => seedDemoCostModel(tx, { tenantId }));
  return { skipped: false, customers, orders, activities };
}

const DEMO_DATASET_NAMES: Record<DatasetKind, string> = {
  customers: "Demo customers",
  orders: "Demo orders",
  activities: "Demo activities",
};

async function importDemoFile(
  database: Database,
  tenantId: string,
  kind: DatasetKind,
  path: string,
  chunks: Iterable<string>,
  dataDir: string | undefined,
): Promise<ImportOutcome> {
  const out = createWriteStream(path, { mode: 0o600 });
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  try {
    const preview = await previewImport(path, { kind, format: "csv" });
    const { size } = await stat(path);
    const [record] = await withTenant(database.db, tenantId, (tx) =>
      tx
        .insert(imports)
        .values({
          tenantId,
          kind,
          fileName: `demo-${kind}.csv`,
          fileSize: size,
          format: "csv",
          uploadPath: path,
        })
        .returning({ id: imports.id }),
    );
    // The demo has returns (negative quantities on "C" invoices), which features count as such.
    const mapping =
      kind === "orders" ? { ...preview.mapping, negativeQuantity: "return" as const } : preview.mapping;
    return await runImport(database, {
      tenantId,
      importId: record!.id,
      mapping,
      onInvalid: "reject_file",
      datasetName: DEMO_DATASET_NAMES[kind],
      ...(dataDir ? { dataDir } : {}),
    });
  } finally {
    await rm(path, { force: true });
  }
}
