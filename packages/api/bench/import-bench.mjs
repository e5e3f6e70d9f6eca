// Import benchmark (issues 5 and 22): UCI Online Retail (541,909 lines) through `strata import orders`
// exactly as the CLI runs it (streamed parse and validation, staged rows COPYed and merged in one
// transaction, customer features), then the dataset profile as its job computes it: file to
// queryable customers, profile included. The same run measures the floor on the same database: a
// plain COPY of the same file into a plain table and an RFM GROUP BY over it. Best of N runs, each
// import into a fresh database; on PGlite always and on PostgreSQL when DATABASE_URL is set. Writes
// the import section of BENCHMARKS.md (the sections after it are kept).
//
//   [DATABASE_URL=postgres://postgres@127.0.0.1:5432/test] node bench/import-bench.mjs
//     [--runs 3] [--driver pglite|postgres] [--demo 540000]
//
// Build first (contract, core, db, auth, api: tsc -p tsconfig.build.json): it runs the built dist.
import { execFileSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
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
import copyStreams from "pg-copy-streams";
import { importCommand } from "../dist/cli/import-command.js";
import { executeProfile } from "../dist/jobs/profile-job.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const runs = Number(option("--runs", "3"));
const demoLines = args.includes("--demo") ? Number(option("--demo", "540000")) : 0;
const drivers = option("--driver", undefined)
  ? [option("--driver")]
  : process.env.DATABASE_URL
    ? ["postgres", "pglite"]
    : ["pglite"];
const TARGET_MS = 10_000;
/** The best runs before issue 22's work (this script, 2026-12-02, load 6.5): the "before" rows. */
const BEFORE = {
  postgres: {
    ms: 17_200,
    floor: 1_000,
    stages: { read: 6_100, write: 5_500, features: 2_400, profile: 3_100 },
  },
  pglite: {
    ms: 30_700,
    floor: 3_100,
    stages: { read: 6_100, write: 14_200, features: 4_800, profile: 5_500 },
  },
};
const work = mkdtempSync(join(tmpdir(), "strata-import-bench-"));
const retailGz = join(root, "..", "shared", "datasets", "online_retail.csv.gz");
if (!existsSync(retailGz)) {
  console.log(`skipped: ${retailGz} is not there (see ../shared/datasets/SOURCES.md)`);
  process.exit(0);
}
const retail = join(work, "online_retail.csv");
await pipeline(createReadStream(retailGz), createGunzip(), createWriteStream(retail));

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b) => `${Math.round(b / 1024 / 1024)} MB`;
const load = () => loadavg().map((l) => l.toFixed(1));

/** The connection under a drizzle transaction (a node-postgres client or a PGlite transaction). */
async function rawTransaction(database, fn) {
  return database.db.transaction((tx) => fn(tx.session.client));
}

/**
 * The floor: the file COPYed into a plain table (typed columns, no index, no key, no validation) and
 * RFM per customer by GROUP BY, as the connecting role (psql's `\copy` and a query).
 */
async function reference(database, driver) {
  return rawTransaction(database, async (client) => {
    await client.query(`create temp table ref_retail (invoice_no text, stock_code text, description text,
      quantity integer, invoice_date timestamp, unit_price float8, customer_id float8, country text) on commit drop`);
    const copySql = "copy ref_retail from stdin with (format csv, header true)";
    const started = performance.now();
    if (driver === "postgres") {
      await pipeline(
        createReadStream(retail, { highWaterMark: 1024 * 1024 }),
        client.query(copyStreams.from(copySql)),
      );
    } else {
      await client.query(copySql.replace("from stdin", "from '/dev/blob'"), [], {
        blob: new Blob([readFileSync(retail)]),
      });
    }
    const copied = performance.now();
    const rfm = await client.query(`select customer_id, max(invoice_date) as last_purchase,
        count(distinct invoice_no) as frequency, sum(quantity * unit_price) as monetary
      from ref_retail where customer_id is not null group by customer_id`);
    const done = performance.now();
    if (rfm.rows.length !== 4372)
      throw new Error(`reference RFM: ${rfm.rows.length} customers, expected 4,372`);
    return { copy: copied - started, rfm: done - copied, total: done - started };
  });
}

async function importOnce(database, slug, input, mappingPath) {
  const [tenant] = (
    await database.query("insert into tenants (slug, name) values ($1, $1) returning id", [slug])
  ).rows;
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const started = performance.now();
    const outcome = await importCommand(database, {
      kind: "orders",
      workspace: slug,
      input,
      acceptValid: true,
      dataDir: work,
      ...(mappingPath ? { mappingPath } : {}),
    });
    if (outcome.status !== "succeeded" || outcome.message)
      throw new Error(`${slug}: ${outcome.status}: ${outcome.message}`);
    const imported = performance.now();
    await executeProfile(database, { tenantId: tenant.id, datasetId: outcome.datasetId });
    const done = performance.now();
    const t = outcome.timings ?? {};
    return {
      outcome,
      ms: done - started,
      stages: {
        read: t.read ?? 0,
        write: t.write ?? 0,
        features: (t.features ?? 0) + (t.segments ?? 0),
        "product classes": t["product classes"] ?? 0,
        statistics: t.statistics ?? 0,
        profile: done - imported,
      },
      peakRss: Math.max(peak, process.memoryUsage().rss),
    };
  } finally {
    clearInterval(timer);
  }
}

const results = [];
for (const driver of drivers) {
  let best;
  let bestReference;
  let again;
  for (let i = 0; i < runs; i++) {
    // A fresh database per run: every import is a first import, into tables of the same size.
    const database = await createTestDb(driver);
    try {
      const ref = await reference(database, driver);
      if (!bestReference || ref.total < bestReference.total) bestReference = ref;
      const run = await importOnce(database, "retail", retail);
      console.log(
        `${driver} run ${i + 1}: import ${s(run.ms)} (${Object.entries(run.stages)
          .map(([k, v]) => `${k} ${s(v)}`)
          .join(", ")}), floor ${s(ref.total)}, load ${load().join(" ")}`,
      );
      if (!best || run.ms < best.ms) best = run;
      if (i === runs - 1) {
        // The same file again into the same workspace: nothing new.
        const started = performance.now();
        const outcome = await importCommand(database, {
          kind: "orders",
          workspace: "retail",
          input: retail,
          acceptValid: true,
          dataDir: work,
        });
        again = { outcome, ms: performance.now() - started, timings: outcome.timings ?? {} };
      }
    } finally {
      await database.cleanup();
    }
  }
  results.push({ driver, best, reference: bestReference, again });
}

let demo;
if (demoLines > 0) {
  const ordersPath = join(work, "orders.csv");
  const gen = JSON.parse(
    execFileSync(
      process.execPath,
      [join(root, "packages/core/bench/gen-orders.mjs"), ordersPath, "--lines", String(demoLines)],
      {
        encoding: "utf8",
      },
    ),
  );
  const mapping = join(work, "returns.json");
  writeFileSync(mapping, JSON.stringify({ fields: {}, negativeQuantity: "return" }));
  const database = await createTestDb(drivers[0]);
  try {
    const run = await importOnce(database, "bench", ordersPath, mapping);
    demo = { driver: drivers[0], gen, size: statSync(ordersPath).size, run };
  } finally {
    await database.cleanup();
  }
}
rmSync(work, { recursive: true, force: true });

const label = (driver) => (driver === "postgres" ? "PostgreSQL 15 (DATABASE_URL)" : "PGlite (embedded)");
const stagesText = (st) =>
  Object.entries(st)
    .map(([k, v]) => `${k} ${s(v)}`)
    .join(", ");
const rows = results
  .map(
    (r) =>
      `| ${label(r.driver)} | ${r.best.outcome.imported.toLocaleString("en")} | ${r.best.outcome.rejected.toLocaleString("en")} | ${s(r.best.ms)} | ${stagesText(r.best.stages)} | ${s(r.reference.total)} (COPY ${s(r.reference.copy)}, RFM ${s(r.reference.rfm)}) | ${(r.best.ms / r.reference.total).toFixed(1)}× | ${r.best.ms <= TARGET_MS ? "met" : "missed"} | ${mb(r.best.peakRss)} |`,
  )
  .join("\n");
const beforeRows = results
  .map((r) => {
    const before = BEFORE[r.driver];
    return `| ${label(r.driver)} | ${s(before.ms)} | ${stagesText(before.stages)} | ${(before.ms / before.floor).toFixed(1)}× | ${s(r.best.ms)} | ${stagesText(r.best.stages)} | ${(r.best.ms / r.reference.total).toFixed(1)}× |`;
  })
  .join("\n");
const againRows = results
  .map(
    (r) =>
      `| ${label(r.driver)} | ${r.again.outcome.imported.toLocaleString("en")} | ${r.again.outcome.updated.toLocaleString("en")} | ${s(r.again.ms)} | ${[
        "read",
        "write",
        "features",
      ]
        .map((k) => `${k} ${s(r.again.timings[k] ?? 0)}`)
        .join(", ")} |`,
  )
  .join("\n");

/** For a target missed: the stages by size, with their share of the import. */
function whereTheTimeGoes(r) {
  const sorted = Object.entries(r.best.stages).sort((a, b) => b[1] - a[1]);
  const parts = sorted.map(([k, v]) => `${k} ${s(v)} (${Math.round((100 * v) / r.best.ms)} %)`).join(", ");
  const over = r.best.ms - TARGET_MS;
  return `- ${label(r.driver)}: ${r.best.ms <= TARGET_MS ? "met" : `missed by ${s(over)}`}; ${parts}.`;
}

const section = `# Import benchmark

Written by \`node bench/import-bench.mjs\` (packages/api; see the script for options) on ${new Date().toISOString().slice(0, 10)}:
${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}) shared with other work, ${mb(totalmem())} RAM, Node ${process.version}.
Load average at the end of the run: ${load().join(", ")} (1, 5, 15 min). Best of ${runs} runs per database, each into a fresh database.

## UCI Online Retail, file to queryable customers (issue 22)

\`strata import orders --accept-valid\` of UCI Online Retail (541,909 lines, 48 MB; Chen, Sain & Guo 2012,
UCI Machine Learning Repository, CC BY 4.0): streamed parse and validation, content keys hashed as
the rows are read, rows COPYed to a staging table (on PostgreSQL while the file is still being read)
and merged into order lines in one transaction (customers created), every customer's features, then
the dataset profile as its job computes it. Lines without a customer id are rejected and reported.
The floor is measured in the same run on the same database: the same file COPYed into a plain table
with typed columns (no key, no index, no validation) and recency, frequency and monetary per customer
by one GROUP BY. Target: at most ${s(TARGET_MS)} on each database (about 5× that floor).

| database | imported | rejected | file to queryable customers, profile included | stages | floor (COPY + RFM GROUP BY) | ratio to floor | target | peak memory |
|---|---:|---:|---:|---|---:|---:|---|---:|
${rows}

The same file imported again into the same workspace (idempotent: every line is already there):

| database | imported | already there | wall time | stages |
|---|---:|---:|---:|---|
${againRows}

Before and after issue 22's work (the same file, script and machine; before: best of 3 runs on
2026-12-02 at a load of 6.5). The machine is shared and its load moves the times by two or three
times from run to run; the ratio to the floor measured in the same run is the fairer comparison:

| database | before | stages before | before ÷ floor | after | stages after | after ÷ floor |
|---|---:|---|---:|---:|---|---:|
${beforeRows}

Where the time goes (stages of the best run, largest first):
${results.map(whereTheTimeGoes).join("\n")}

Stages: "read" parses and validates the file (in 64 KB pieces, so that a batch's records die young:
with 1 MB pieces garbage collection was 40 % of the read), hashes each line's content key (one-shot
md5) and numbers repeated lines, and stages the valid rows: on PostgreSQL COPYed to the staging
table while the file is parsed (the server parses the COPY on its own core, and the read waits for
it when it is behind), on PGlite written to a stage file. "write" COPYs the stage file in (PGlite),
creates and locks the file's customers, and inserts the order lines sorted by customer and time in
one statement, all in one transaction; where the connection is a superuser (PGlite always) the
per-line check of the lines' foreign key to their customer is skipped (session_replication_role
replica for that statement, the customers locked once instead), otherwise every line is checked.
The PostgreSQL figures above are for the superuser login DATABASE_URL gives here; production logs the
app in as a non-superuser member of strata_app (docker/initdb), which takes the checked path: about
4 s more "write" on this file, measured by hand once at a load of 5 to 7 (not by this script), so a
production login's import is that much longer than the figure above.
"features": a workspace's first lines get their features from the lines as read, replayed in the
database's order (a later import reads the lines back, and recomputes only its customers where it
can); the features are written and approved segments refreshed. "product classes": the Policies page's ABC-XYZ classes of the workspace's products, computed from all its
lines summed per product and week and stored for the page (computed here, once, rather than by the first
request after the import). "statistics" refreshes the planner's statistics of the order lines,
customers and features (ANALYZE, a fixed-size sample), so the pages plan for the rows that are there.
"profile" is the dataset profile
job: one GROUPING SETS scan counts every column's values into a temporary table, and every figure
(percentiles and bins included) is computed from those counts.

Inside the stages, measured apart during this work (EXPLAIN ANALYZE and statement timings at loads
of 5 to 7 on the 2 cores, so only the shares mean anything): the insert of the 406,829 lines is most
of "write" on both databases; on PostgreSQL its plan spends about a third producing the sorted rows
(hash join to the customers, sort) and the rest in the heap and the two indexes (the per-line
foreign key check was 4.0 s of 9.1 s before it was skipped); on PGlite, which runs every stage on
the one thread this process has (nothing overlaps), the COPY of the stage file is 3 to 7 s and the
insert 9 to 15 s, the same work as on PostgreSQL at two to three times the cost. "read" alone (no
database) is 3.4 s at a load of 5, of which the core's parser and validator are about a third. Older
history: before the work of 2026-12-02, PostgreSQL 27 s at a load of 2 and PGlite 65 s at a load of 9;
on the morning of 2026-12-03, before the "product classes" and "statistics" stages were added, PostgreSQL
8.0 s on a floor of 0.9 s (8.5×) and PGlite 14.0 s on a floor of 3.1 s (4.6×). Machines and days differ by
up to two times here (the same floor has taken 0.9 and 1.9 s on PostgreSQL): compare ratios to the floor.
${
  demo
    ? `\nThe generated demo retailer file (${demo.gen.customers.toLocaleString("en")} customers, ${mb(demo.size)}) on ${label(demo.driver)}: ${demo.run.outcome.imported.toLocaleString("en")} lines in ${s(demo.run.ms)} (${stagesText(demo.run.stages)}); issue 5's target was under 30 s.\n`
    : ""
}
Format this file with \`biome check --write BENCHMARKS.md\` after a run (CI checks markdown tables).
`;

const benchmarks = join(here, "..", "BENCHMARKS.md");
const previous = existsSync(benchmarks) ? readFileSync(benchmarks, "utf8") : "";
const kept = previous.indexOf("\n## Features after a small import");
writeFileSync(benchmarks, section + (kept >= 0 ? previous.slice(kept) : ""));
console.log(section);
