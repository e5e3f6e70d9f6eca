#!/usr/bin/env node
// End-to-end benchmark of a segmentation run (not a test): 100,000 customers, the run form's
// defaults (k-means, automatic k), from run.create through the queue, the worker and the result write, on
// PGlite and (when DATABASE_URL is set) PostgreSQL. Writes apps/worker/BENCHMARKS.md.
//
//   node scripts/pnpm.mjs --filter @strata/worker bench            (builds first)
//   BENCH_CUSTOMERS=20000 node apps/worker/bench/run.mjs           (a smaller run)
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { createCaller, createContext } from "@strata/api";
import { RUN_CONFIG_DEFAULTS } from "@strata/api/contract";
import { closeJobQueue, startRunConsumer } from "@strata/api/jobs";
import { createTestDb, readDbEnv } from "@strata/db";
import { FEATURES, seedCustomers } from "./bench-customers.mjs";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// What one click on Start run sends: the schema's defaults (the features are the bench's own).
const CONFIG = { ...RUN_CONFIG_DEFAULTS };
async function benchmark(driver) {
  const database = await createTestDb(driver);
  try {
    const tenantId = randomUUID();
    const userId = randomUUID();
    let t = performance.now();
    await seedCustomers(database, tenantId, userId, CUSTOMERS);
    const seedMs = performance.now() - t;
    const consumer = await startRunConsumer(database, { log: () => {} });
    const caller = createCaller(createContext({ database, userId }));
    // A small warm-up run so thread start-up and JIT are not billed to the measured run.
    await caller.run.create({ workspace: "bench", config: { k: 2, features: ["orders"] } });
    await waitForIdle(caller);

    const loadBefore = loadavg()[0];
    // Best of REPEATS runs on the same data: the machine is shared and one run can be a third slower.
    const attempts = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      t = performance.now();
      const created = await caller.run.create({ workspace: "bench", config: CONFIG });
      let finished;
      for (;;) {
        finished = await caller.run.get({ workspace: "bench", id: created.id });
        if (["succeeded", "failed", "cancelled"].includes(finished.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const took = performance.now() - t;
      if (finished.status !== "succeeded") throw new Error(`run ${finished.status}: ${finished.error}`);
      // The t-SNE map is drawn after the segments are stored: timed apart, not part of the wait.
      let drawn = finished;
      while (drawn.result?.tsnePending) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        drawn = await caller.run.get({ workspace: "bench", id: created.id });
      }
      attempts.push({ wallMs: took, mapWallMs: performance.now() - t - took, run: finished, mapped: drawn });
    }
    const best = attempts.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const { wallMs, mapWallMs, run, mapped } = best;
    const loadAfter = loadavg()[0];
    await consumer.stop();
    await closeJobQueue(database);
    return {
      driver,
      seedMs,
      wallMs,
      mapWallMs,
      mapPoints: mapped.mapSample?.tsne ?? 0,
      run,
      all: attempts.map((a) => a.wallMs),
      load: `${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`,
    };
  } finally {
    await database.cleanup();
  }
}

async function waitForIdle(caller) {
  for (;;) {
    const { items } = await caller.run.list({ workspace: "bench" });
    if (items.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const s = (ms) => (ms / 1000).toFixed(2);
const load = loadavg()
  .map((v) => v.toFixed(1))
  .join(" / ");
const drivers = readDbEnv().DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
const results = [];
for (const driver of drivers) {
  console.log(`[bench] ${driver}: seeding ${CUSTOMERS.toLocaleString("en")} customers...`);
  const r = await benchmark(driver);
  const tm = r.run.timings;
  console.log(
    `[bench] ${driver}: ${s(r.wallMs)} s queue to result`,
    JSON.stringify(tm),
    `k = ${r.run.result.k}`,
  );
  results.push(r);
}

const TARGET_MS = 5_000;
const rows = results.map(({ driver, wallMs, mapWallMs, mapPoints, run, load }) => {
  const t = run.timings;
  // The memberships are written while the segments are described: only the save after the
  // computation (the rest of the write, the result row, the commit) adds to the wait.
  const database = t.readMs + t.saveMs;
  const other = wallMs - database - t.clusterMs;
  return `| ${driver} | ${s(wallMs)} | ${s(t.readMs)} | ${s(t.fitMs)} | ${s(t.describeMs)} | ${s(t.writeMs)} | ${s(t.saveMs)} | **${s(database)}** (${Math.round((100 * database) / wallMs)} %) | **${s(t.clusterMs)}** (${Math.round((100 * t.clusterMs) / wallMs)} %) | ${s(other)} | ${run.result.k} | ${s(mapWallMs)} (${mapPoints.toLocaleString("en")} points) | ${load} |`;
});
const md = `# Worker benchmarks

End to end wall time of one segmentation run, from \`run.create\` (queue) to the succeeded run row
(results and ${CUSTOMERS.toLocaleString("en")} memberships written), measured by \`apps/worker/bench/run.mjs\`.
Not a test: numbers depend on the machine and on what else it runs.

- Data: ${CUSTOMERS.toLocaleString("en")} customers with ${FEATURES.length} numeric features (${FEATURES.join(", ")}), drawn from five
  seeded log-normal customer types and stored in \`customer_features\` as an import would.
- Run: the run form's defaults: k-means, automatic k over ${CONFIG.kMin}..${CONFIG.kMax} (3 restarts per k, silhouette on a
  4,000-row seeded sample, k-means stability on ${"6"} bootstrap resamples of 2,000 rows per k, core's chooseK with a
  minimum segment share of ${CONFIG.minSegmentShare * 100}%), skewed features reshaped (${CONFIG.transform}), outliers ${CONFIG.outliers},
  z-score scaling, the k sweep spread over ${availableParallelism()} threads by core's Piscina executor; consumer in the
  benchmark's process (embedded mode), after a warm-up run; the best of ${REPEATS} runs on the same data
  (every figure in a row is that run's).
- Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version};
  load average at the start ${load} (the machine is shared: compare runs made at a similar load).

| database | queue to result (s) | read features (s) | k sweep (s) | metrics, PCA map, explanations (s) | memberships written (s; on PostgreSQL during the explanations) | save after the computation (s) | database time in the wait | clustering time | queue, claim, progress (s) | k chosen | t-SNE map, after the result (s) | load average (1 min) |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Target (issue 22): queue to result under ${s(TARGET_MS)} s on PostgreSQL. ${results
  .map(
    (r) =>
      `${r.driver}: best ${s(r.wallMs)} s of ${r.all.map((ms) => `${s(ms)} s`).join(", ")}, ${r.wallMs <= TARGET_MS ? "within it" : "over it"}`,
  )
  .join("; ")}.
The previous version, by this bench on 2026-12-02 at a load of about 2.3 (not this run): PostgreSQL
7.98 s (read 1.33 s, the whole membership write 3.23 s after the computation, queue 0.5 s) and PGlite
9.77 s. Since then: the memberships are written while the segments are described, sorted by customer
id and without the redundant per-row key to tenants; the features are read through COPY; a queued
run wakes the consumer at once; the surrogate trees presort by radix and partition per node. The
last figures before the memberships went through COPY on PostgreSQL (and 5,000 rows per INSERT on
PGlite), by this bench on 2026-12-03 at a load of about 3 to 4: PostgreSQL 3.63 s (memberships
written in 2.11 s beside the explanations, 1.14 s of saving after them), PGlite 6.96 s (write 3.52 s);
run again with the previous membership write swapped into this build, minutes before this run at a
load of 1.6 to 2.0: PostgreSQL 5.90 s (write 3.44 s, saving 2.17 s), PGlite 9.35 s (write 4.66 s).
The write alone at 100,000 rows on PostgreSQL, back to back: 3.2 to 3.9 s before, 2.6 to 2.9 s by COPY.
${results
  .filter((r) => r.wallMs > TARGET_MS)
  .map(({ driver, wallMs, run: { timings: t } }) => {
    const parts = [
      [
        "the explanations on a pool thread (the matrix prepared again there, metrics, PCA map, surrogate and one-vs-rest trees)",
        t.describeMs,
      ],
      ["the k sweep", t.fitMs],
      ["reading the features", t.readMs],
      [
        "the save after the computation (the membership write outlasting the explanations, then the commit)",
        t.saveMs,
      ],
    ].sort((a, b) => b[1] - a[1]);
    return `Where ${driver}'s ${s(wallMs)} s go, largest first: ${parts.map(([what, ms]) => `${what} ${s(ms)} s`).join("; ")}. ${driver === "postgres" ? `The membership write (${s(t.writeMs)} s) runs beside the explanations, on PostgreSQL's own core.` : `The membership write (${s(t.writeMs)} s) comes after the explanations, in the save.`}`;
  })
  .join("\n")}
The t-SNE map of the map sample is drawn after the segments and memberships are stored (the run is
succeeded and its page shows the segments; the map appears when drawn), on a pool thread.

Database time in the wait is reading the feature matrix in 10,000-row chunks plus saving after the
computation. On PostgreSQL the result transaction opens as soon as the k sweep has given every
customer a segment: it writes the memberships while the segments are measured and explained on a
pool thread, then adds the result row and commits once those are done (a failure or a cancellation
rolls it all back), so only what is left of the write when the explanations finish adds to the wait.
On PGlite the write comes after the explanations: its one connection is the embedded web server's
too, and a transaction held open while describing would stall every page. Clustering time is
preparation, the k sweep, metrics, the PCA map and the segment explanations (profiles, rules, names)
on the worker's threads; the rest is the queue (a queued run wakes the consumer through NOTIFY; it
polls every half second as well), claiming the run and progress writes.

Where the database time goes. Reading: one COPY of the customers in the order of their own ids,
each chosen feature picked out of the jsonb document in SQL (on PGlite in chunks of 10,000 rows, so
web requests get the one connection in between); it replaced pages of whole documents parsed in
JavaScript. Writing: on PostgreSQL the memberships go
through one COPY fed from the typed arrays, 256 KB of text at a time, into a temporary table, then
into run_assignments about 70,000 rows an INSERT (COPY FROM refuses a table under row-level
security); on PGlite as \`unnest\` of three arrays, 5,000 rows per statement (each statement holds
the thread the embedded web server shares for about 0.4 s, and the event loop runs between them;
other requests' queries still wait for the result's transaction); both in the order of the customers' ids
(the primary key grows at its right edge and the foreign key checks read the customers' index in
order: about a third faster on PostgreSQL than in the customers' own order). Each row is checked against
its customer and its run (composite keys that hold the tenant; the single-column key to tenants was
dropped as redundant, another third); row-level security holds for the worker too. On PGlite
(PostgreSQL compiled to WebAssembly, one connection, the same thread as the consumer) the write is
most of the database time; PostgreSQL writes the same rows several times faster, on its own core.

Where the clustering time goes. Preparation (median fill, the skew transforms, the robust outlier
scan) is a few passes over the matrix. The k sweep: ${CONFIG.kMax - CONFIG.kMin + 1} k-means fits of three restarts each
on a 20,000-row sample, the best refined on all rows, one k per thread, largest k first; then the
silhouettes of all of them scored together on the 4,000-row sample, its rows split between the
threads (core's sweepKParallel and its WebAssembly distance kernel); then each k's stability on
the worker's main thread. Measuring the chosen
segmentation, the PCA map and the explanations of the segments (surrogate-tree rules over all
customers) run after it on a pool thread and take the rest. The first version of this benchmark (2026-11-24, load average 10-14, per-k
silhouettes and a JS distance loop) took 37.5 s on PostgreSQL, 16.7 s of it in the sweep.
`;
// Other benchmarks link their files from this one: keep those lines.
const out = new URL("../BENCHMARKS.md", import.meta.url);
const links = existsSync(out)
  ? readFileSync(out, "utf8")
      .split("\n")
      .filter((line) => /^- .*\(BENCHMARKS-[a-z-]+\.md\)/.test(line))
  : [];
writeFileSync(out, `${md}${links.length ? `\n${links.join("\n\n")}\n` : ""}`);
console.log(md);
process.exit(0);
