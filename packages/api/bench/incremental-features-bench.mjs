// Incremental feature recomputation (issue 16): UCI Online Retail imported in full, then a small
// second file of 300 new lines (existing invoices' lines re-numbered, dates inside the data's range)
// for existing customers. Prints the features stage of that second import (only its customers
// recomputed) against a full recompute of every customer of the same data.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/incremental-features-bench.mjs
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { createTestDb, withTenant } from "@strata/db";
import { importCommand } from "../dist/cli/import-command.js";
import { recomputeCustomerFeatures } from "../dist/services/customer/recompute-customer-features.js";

const here = dirname(fileURLToPath(import.meta.url));
const retail = join(here, "..", "..", "..", "..", "shared", "datasets", "online_retail.csv.gz");
const driver = process.env.DATABASE_URL ? "postgres" : "pglite";
const work = mkdtempSync(join(tmpdir(), "strata-incremental-bench-"));
const database = await createTestDb(driver);
try {
  await database.query("insert into tenants (slug, name) values ('retail', 'Online Retail')");
  const csv = join(work, "online_retail.csv");
  await pipeline(createReadStream(retail), createGunzip(), createWriteStream(csv));
  const importFile = (input) =>
    importCommand(database, { kind: "orders", workspace: "retail", input, acceptValid: true, dataDir: work });
  const first = await importFile(csv);
  // 300 lines with a customer, from the middle of the file, as new invoices ("9" prefixed).
  const lines = readFileSync(csv, "latin1").split(/\r?\n/);
  const picked = lines
    .slice(200_000)
    .filter((l) => /,\d{5}(\.0)?,[^,]*$/.test(l) && !l.startsWith("C"))
    .slice(0, 300);
  const small = join(work, "small.csv");
  writeFileSync(small, [lines[0], ...picked.map((l) => `9${l}`)].join("\n"), "latin1");
  const second = await importFile(small);
  const [{ id: tenantId }] = (await database.query("select id from tenants where slug = 'retail'")).rows;
  const started = performance.now();
  const full = await withTenant(database.db, tenantId, (tx) =>
    recomputeCustomerFeatures(tx, { tenantId, driver }),
  );
  const fullMs = performance.now() - started;
  const out = {
    driver,
    cores: cpus().length,
    firstImport: { imported: first.imported, features: first.timings?.features },
    secondImport: { imported: second.imported, status: second.status, features: second.timings?.features },
    fullRecompute: { customers: full.customers, ms: Math.round(fullMs) },
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  await database.cleanup?.();
  rmSync(work, { recursive: true, force: true });
}
