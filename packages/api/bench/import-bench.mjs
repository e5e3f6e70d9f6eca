// Import benchmark (issue 5): a 540,000-line order file generated with the core's demo retailer,
// imported into a fresh PostgreSQL database exactly as `strata import orders` does it (streamed
// parse and validation, COPY into a staging table, one merge transaction, customer features and the
// dataset profile), then UCI Online Retail when ../shared/datasets has it. Writes BENCHMARKS.md.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/import-bench.mjs [--lines 540000]
import { execFileSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGunzip } from "node:zlib";
import { createTestDb } from "@strata/db";
import { importCommand } from "../dist/cli/import-command.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const args = process.argv.slice(2);
const at = args.indexOf("--lines");
const lines = at >= 0 ? Number(args[at + 1]) : 540_000;
const driver = process.env.DATABASE_URL ? "postgres" : "pglite";
const work = mkdtempSync(join(tmpdir(), "strata-import-bench-"));

/** Peak resident memory of this process while `fn` runs, sampled every 50 ms. */
async function measure(fn) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - started, peakRss: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

// The demo retailer has returns (negative quantities on "C" invoices): import them as returns.
const returnsMapping = join(work, "returns.json");
writeFileSync(returnsMapping, JSON.stringify({ fields: {}, negativeQuantity: "return" }));

async function importFile(database, slug, input, kind, acceptValid, mappingPath) {
  return measure(() =>
    importCommand(database, {
      kind,
      workspace: slug,
      input,
      acceptValid,
      dataDir: work,
      ...(mappingPath ? { mappingPath } : {}),
    }),
  );
}

const mb = (b) => `${Math.round(b / 1024 / 1024)} MB`;
const results = [];
const database = await createTestDb(driver);
try {
  await database.query(
    "insert into tenants (slug, name) values ('bench', 'Bench'), ('retail', 'Online Retail')",
  );
  const ordersPath = join(work, "orders.csv");
  const gen = JSON.parse(
    execFileSync(
      process.execPath,
      [join(root, "packages/core/bench/gen-orders.mjs"), ordersPath, "--lines", String(lines)],
      {
        encoding: "utf8",
      },
    ),
  );
  const baseline = process.memoryUsage().rss;
  const run = await importFile(database, "bench", ordersPath, "orders", false, returnsMapping);
  const o = run.result;
  if (o.status !== "succeeded") throw new Error(`the import ${o.status}: ${o.message}`);
  results.push({
    name: `demo retailer orders (${lines.toLocaleString()} lines, ${gen.customers.toLocaleString()} customers, ${mb(statSync(ordersPath).size)})`,
    rows: lines,
    imported: o.imported,
    rejected: o.rejected,
    ms: run.ms,
    peakRss: run.peakRss,
    baseline,
    timings: o.timings,
  });
  const again = await importFile(database, "bench", ordersPath, "orders", false, returnsMapping);
  results.push({
    name: "the same file again (idempotent: nothing new)",
    rows: lines,
    imported: again.result.imported,
    rejected: again.result.rejected,
    ms: again.ms,
    peakRss: again.peakRss,
    baseline,
    timings: again.result.timings,
  });

  const retail = join(root, "..", "shared", "datasets", "online_retail.csv.gz");
  if (existsSync(retail)) {
    const csv = join(work, "online_retail.csv");
    await pipeline(createReadStream(retail), createGunzip(), createWriteStream(csv));
    const r = await importFile(database, "retail", csv, "orders", true);
    if (r.result.status !== "succeeded") throw new Error(`online retail: ${r.result.message}`);
    results.push({
      name: "UCI Online Retail (541,909 lines; --accept-valid: lines without a customer or with a negative quantity are rejected)",
      rows: 541_909,
      imported: r.result.imported,
      rejected: r.result.rejected,
      ms: r.ms,
      peakRss: r.peakRss,
      baseline,
      timings: r.result.timings,
    });
  }
} finally {
  await database.cleanup();
  rmSync(work, { recursive: true, force: true });
}

const rowsPerSecond = (r) => Math.round(r.rows / (r.ms / 1000)).toLocaleString();
const stages = (t) =>
  t
    ? ["read", "write", "features", "profile"]
        .map((k) => `${k} ${((t[k] ?? 0) / 1000).toFixed(1)} s`)
        .join(", ")
    : "";
const table = results
  .map(
    (r) =>
      `| ${r.name} | ${r.imported.toLocaleString()} | ${r.rejected.toLocaleString()} | ${(r.ms / 1000).toFixed(1)} s | ${rowsPerSecond(r)} | ${mb(r.peakRss)} (${mb(r.peakRss - r.baseline)} above start) | ${stages(r.timings)} |`,
  )
  .join("\n");
const report = `# Import benchmark

Written by \`node bench/import-bench.mjs\` (packages/api) on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${mb(totalmem())} RAM, Node ${process.version},
database: ${driver === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite"}.

Each import is end to end, as \`strata import orders\` runs it: streamed parsing and validation of the
file, valid rows staged to disk, one transaction that COPYs them into a staging table and merges them
into order lines (creating customers), then every customer's features recomputed and the dataset
profiled. Peak memory is the resident set of the whole process (database driver included).

| file | imported | rejected | wall time | rows/s | peak memory | stages |
|---|---:|---:|---:|---:|---:|---|
${table}

Target (issue 5): the 540,000-line file into PostgreSQL, features included, in under 30 s.
The load average of the machine during the run was ${loadavg()
  .map((l) => l.toFixed(1))
  .join(", ")} (1, 5, 15 min): other work on the same two cores slows every stage.
Format this file with \`biome check --write BENCHMARKS.md\` after a run (CI checks markdown tables).
`;
writeFileSync(join(here, "..", "BENCHMARKS.md"), report);
console.log(report);
