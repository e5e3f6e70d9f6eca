#!/usr/bin/env node
// Benchmark of a what-if scenario's evaluation on PostgreSQL (not a test): the distributor of the
// cost-to-serve benchmark (100,000 customers, 2,000,000 order lines), four segments with approved
// policies, and a scenario that moves one segment to weekly web (parcel) delivery with a 2% allowance;
// `scenario.evaluate` timed as the user waits for it: the first evaluation (reading and pricing the
// lines as they happened) and then an analyst's iterations (the scenario changed, evaluated again;
// target: under 5 s). Writes apps/worker/BENCHMARKS-scenario.md.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node apps/worker/bench/scenario.mjs
//   BENCH_CUSTOMERS=10000 BENCH_LINES=200000 BENCH_REPEAT=3 (defaults 100,000 / 2,000,000 / 3)
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { createCaller, createContext } from "@strata/api";
import { DEFAULT_POLICY_TERMS } from "@strata/api/contract";
import { createTestDb, readDbEnv } from "@strata/db";
import { seedDistributor } from "./distributor-data.mjs";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const LINES = Number(process.env.BENCH_LINES ?? 2_000_000);
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const TARGET_MS = 5_000;
const OUT_FILE = new URL("../BENCHMARKS-scenario.md", import.meta.url);
const INDEX_FILE = new URL("../BENCHMARKS.md", import.meta.url);

const MODEL = {
  currency: "EUR",
  activities: [
    { name: "order entry", driver: "order", rate: 3, by: { channel: { web: 0.5, edi: 0.8, phone: 6 } } },
    { name: "picking", driver: "order_line", rate: 0.85 },
    { name: "drops", driver: "delivery", rate: 9, by: { channel: { web: 5.5, edi: 28, phone: 12 } } },
    { name: "mileage", driver: "distance", rate: 0.35 },
    { name: "returns", driver: "returned_line", rate: 9 },
    { name: "account management", driver: "customer_year", rate: 60 },
    { name: "sales visits", driver: "event:sales visit", rate: 120 },
  ],
  financing: { annual_rate: 0.08, default_days: 30 },
};
const SEGMENTS = ["Key accounts", "Regulars", "Occasional", "Long tail"];
const PHASES = {
  policies: "the scenario, live policies and cost model",
  "base (lines read and priced as they happened)":
    "the base: approved memberships, the lines summed per customer, channel and region, priced, and weekly demand per live policy and product (two SQL scans of every line)",
  "base (unchanged data, kept)":
    "the base kept from the last evaluation: a fingerprint of lines, imports, events, memberships, policies and model (SQL)",
  rebatch:
    "resolving every customer's policy after; re-batching the changed customers' drops and orders (their lines read once, SQL)",
  price: "pricing the changed customers' cells after (core's cost-to-serve engine)",
  stock:
    "safety and cycle stock per policy and product (demand read again only for scopes customers move into or out of)",
};

const s = (ms) => (ms / 1000).toFixed(2);
const n = (x) => x.toLocaleString("en");
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(" / ");

if (!readDbEnv().DATABASE_URL) {
  console.error(
    "Set DATABASE_URL (postgres://postgres@127.0.0.1:5432/test): the benchmark runs on PostgreSQL.",
  );
  process.exit(1);
}
const database = await createTestDb("postgres");
try {
  const tenantId = randomUUID();
  const userId = randomUUID();
  console.log(`[bench] seeding ${n(CUSTOMERS)} customers and ${n(LINES)} order lines...`);
  const t = performance.now();
  await seedDistributor(database, tenantId, userId, { customers: CUSTOMERS, lines: LINES });
  // An approved segment set of four segments (customer k in segment k mod 4), as a published one.
  const setId = randomUUID();
  await database.query(
    `insert into segment_sets (id, tenant_id, name, customer_count, kind, version, status, approved_version)
     values ($1, $2, 'Value tiers', $3, 'ml', 1, 'approved', 1)`,
    [setId, tenantId, CUSTOMERS],
  );
  const segmentIds = SEGMENTS.map(() => randomUUID());
  for (const [i, name] of SEGMENTS.entries())
    await database.query(
      "insert into segments (id, tenant_id, segment_set_id, position, name, color, size) values ($1, $2, $3, $4, $5, '#336699', 0)",
      [segmentIds[i], tenantId, setId, i, name],
    );
  await database.query(
    `insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id)
     select $1, c.id, (array[${segmentIds.map((id) => `'${id}'::uuid`).join(", ")}])[1 + (k % 4)], $2
     from generate_series(1, ${CUSTOMERS}) k join customers c on c.id = md5('cust' || k)::uuid`,
    [setId, tenantId],
  );
  await database.query("vacuum (analyze) segment_memberships");
  const seedMs = performance.now() - t;

  const caller = createCaller(createContext({ database, userId }));
  const workspace = "bench";
  await caller.costToServe.updateModel({ workspace, model: MODEL });
  const approved = async (name, segmentId, terms) => {
    const p = await caller.policy.create({
      workspace,
      name,
      scope: { segmentId, productClass: null, channel: null },
      terms,
    });
    await caller.policy.requestReview({ workspace, id: p.id, version: 1 });
    await caller.policy.approve({ workspace, id: p.id, version: 1 });
    return p;
  };
  await approved("Everyone", null, DEFAULT_POLICY_TERMS);
  const key = await approved("Key accounts", segmentIds[0], {
    ...DEFAULT_POLICY_TERMS,
    deliveryChannel: "phone",
    dropsPerWeek: 3,
    serviceLevel: 0.98,
  });
  const scenario = await caller.scenario.create({ workspace, name: "Key accounts by weekly parcel" });
  // The analyst tries one frequency after another: each iteration changes the scenario, then evaluates.
  const change = (dropsPerWeek) =>
    caller.scenario.update({
      workspace,
      id: scenario.id,
      changes: [
        {
          policyId: key.id,
          name: "Key accounts",
          segmentId: segmentIds[0],
          productClass: null,
          channel: null,
          terms: { ...key.terms, deliveryChannel: "web", dropsPerWeek, allowancePct: 2 },
          salesLostShare: 0,
        },
      ],
    });

  const loadBefore = load();
  const evaluate = async (label) => {
    const t0 = performance.now();
    const result = await caller.scenario.evaluate({ workspace, id: scenario.id });
    const ms = performance.now() - t0;
    console.log(`[bench] ${label}: ${s(ms)} s (inside the service ${s(result.ms)} s)`);
    return { ms, result };
  };
  await change(1);
  const first = await evaluate("first evaluation");
  const runs = [];
  for (let r = 0; r < REPEAT; r++) {
    await change(r % 2 === 0 ? 2 : 1);
    runs.push(await evaluate(`iteration ${r + 1}`));
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const result = runs.at(-1).result;
  const moved = result.segments.find((x) => x.segment === "Key accounts");
  const verdict =
    best.ms <= TARGET_MS
      ? `**${s(best.ms)} s an iteration: within the target of ${s(TARGET_MS)} s** (${(first.ms / best.ms).toFixed(1)}x faster than the first evaluation).`
      : `**${s(best.ms)} s an iteration: the target of ${s(TARGET_MS)} s is missed.**`;
  const phases = (timings) =>
    Object.entries(timings)
      .map(([k, v]) => `| ${PHASES[k] ?? k} | ${v} |`)
      .join("\n");
  const fmt = (x) => Math.round(x).toLocaleString("en");
  const md = `# Worker benchmarks: what-if scenario evaluation

Written by \`DATABASE_URL=... node apps/worker/bench/scenario.mjs\` on ${new Date().toISOString().slice(0, 16)}Z
(\`BENCH_CUSTOMERS\`, \`BENCH_LINES\`, \`BENCH_REPEAT\`). Not a test: figures depend on the machine and its load.

- Data: the distributor of the cost-to-serve benchmark (\`bench/distributor-data.mjs\`, seeded in ${s(seedMs)} s):
  ${n(CUSTOMERS)} customers, ${n(LINES)} order lines with products, unit costs, channels, regions and drop
  distances; an approved segment set of four segments (a quarter of the customers each); a workspace
  default policy and an approved policy for "Key accounts" (phone, 3 drops a week, 98% cycle service level).
- Scenario: "Key accounts" moved to web (parcel) delivery with a 2% allowance, at 1 and then 2 drops
  a week, as an analyst iterates.
- Timed: \`scenario.evaluate\` through the api caller, as the page calls it. The first evaluation after
  the data changed reads the workspace's base (the lines summed per customer, channel and region,
  priced as they happened, and weekly demand per live policy and product: two scans of every line) and
  keeps it in the server's memory; each evaluation then checks a fingerprint of the data, re-batches
  the changed customers from their drops per week and order values (read from their lines the first
  time a scenario changes them, here in the first evaluation, then kept with the base), re-prices
  their cells with core's engine, sizes stock per policy and product, and stores the result.
- Machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version};
  load average ${loadBefore} before the timed part, ${load()} after.

| | s |
|---|---|
| first evaluation (base read) | ${s(first.ms)} |
| iteration, best of ${REPEAT} | ${s(best.ms)} |
| every iteration | ${runs.map((r) => s(r.ms)).join(", ")} |
| target (an iteration) | under ${s(TARGET_MS)} |

${verdict}

Where the first evaluation's time goes (the service's own laps, ms):

| phase | ms |
|---|---|
${phases(first.result.timings)}

Where the best iteration's time goes:

| phase | ms |
|---|---|
${phases(best.result.timings)}

What the scenario says for "Key accounts" (${n(moved.customers)} customers), in the last iteration, before -> after:
net sales ${fmt(moved.before.net_sales)} -> ${fmt(moved.after.net_sales)}, cost-to-serve ${fmt(moved.before.cost_to_serve)} -> ${fmt(moved.after.cost_to_serve)}
(drops ${fmt(moved.before.activities.drops)} -> ${fmt(moved.after.activities.drops)}, inventory carrying ${fmt(moved.before.inventory_carrying_cost)} -> ${fmt(moved.after.inventory_carrying_cost)}),
net profit ${fmt(moved.before.net_profit)} -> ${fmt(moved.after.net_profit)} ${result.currency}.
`;
  writeFileSync(OUT_FILE, md);
  const link =
    "- What-if scenario evaluation on PostgreSQL (100,000 customers, 2,000,000 lines): [BENCHMARKS-scenario.md](BENCHMARKS-scenario.md), written by `apps/worker/bench/scenario.mjs`.";
  const index = readFileSync(INDEX_FILE, "utf8");
  if (!index.includes("BENCHMARKS-scenario.md")) writeFileSync(INDEX_FILE, `${index.trimEnd()}\n\n${link}\n`);
  console.log(md);
} finally {
  await database.cleanup();
}
process.exit(0);
