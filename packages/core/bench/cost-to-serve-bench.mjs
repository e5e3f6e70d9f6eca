// Times cost-to-serve on 100,000 customers and 2,000,000 generated order lines: computeCostToServe
// on lines already in memory, then the built CLI on the same lines as CSV files. Writes the
// figures to BENCHMARKS.md (section "cost-to-serve", replaced on each run).
// Usage: node bench/cost-to-serve-bench.mjs [customers] [lines]   (after building core)
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CostLinesBuilder, computeCostToServe, parseCostModel } from "../dist/index.js";

const packageDir = fileURLToPath(new URL("../", import.meta.url));
const customers = Number(process.argv[2] ?? 100_000);
const lineCount = Number(process.argv[3] ?? 2_000_000);

// A small deterministic PRNG (mulberry32) so every run sees the same data.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const MODEL = {
  currency: "EUR",
  pools: [{ name: "order desk", cost: 900000, capacity_minutes: 1500000 }],
  activities: [
    {
      name: "order entry",
      driver: "order",
      pool: "order desk",
      minutes_per_driver: 8,
      by: { channel: { web: 2, phone: 12 } },
    },
    { name: "expedites", driver: "event:expedite", pool: "order desk", minutes_per_driver: 15 },
    { name: "picking", driver: "order_line", rate: 0.9, by: { region: { north: 1.1 } } },
    { name: "packing", driver: "unit", rate: 0.05 },
    { name: "freight", driver: "kg", rate: 0.12 },
    { name: "drops", driver: "delivery", rate: 25 },
    { name: "mileage", driver: "distance", rate: 0.6 },
    { name: "returns", driver: "returned_line", rate: 12 },
    { name: "restocking", driver: "returned_unit", rate: 0.5 },
    { name: "account management", driver: "customer_year", rate: 400 },
    { name: "visits", driver: "event:sales visit", rate: 120 },
  ],
  financing: { annual_rate: 0.08, default_days: 30 },
};
const CHANNELS = ["web", "phone", "edi"];
const REGIONS = ["north", "south", "east", "west"];
const START = Date.parse("2024-01-01T00:00:00Z");

// Lines come grouped by order (3 lines on average), customers drawn at random.
function* generate() {
  let order = 0;
  let i = 0;
  while (i < lineCount) {
    const c = Math.floor(random() * customers);
    const n = 1 + Math.floor(random() * 5);
    const day = Math.floor(random() * 365);
    const channel = CHANNELS[c % 3];
    const region = REGIONS[c % 4];
    const distance = 5 + (c % 70);
    order++;
    for (let k = 0; k < n && i < lineCount; k++, i++) {
      const isReturn = random() < 0.03;
      const quantity = (1 + Math.floor(random() * 20)) * (isReturn ? -1 : 1);
      const price = Math.round((2 + random() * 40) * 100) / 100;
      yield {
        customerId: `C${c}`,
        orderId: `O${order}`,
        time: START + day * 86_400_000,
        quantity,
        unitPrice: price,
        unitCost: Math.round(price * 0.62 * 100) / 100,
        discount: random() < 0.1 ? 1 : 0,
        distance,
        weightKg: Math.abs(quantity) * 0.4,
        channel,
        region,
      };
    }
  }
}

function events() {
  const out = [];
  for (let c = 0; c < customers; c++) {
    if (c % 3 === 0) out.push({ customerId: `C${c}`, activity: "sales visit", quantity: 1 + (c % 4) });
    if (c % 7 === 0) out.push({ customerId: `C${c}`, activity: "expedite", quantity: 2 });
    out.push({ customerId: `C${c}`, activity: "payment_terms_days", quantity: 30 + (c % 4) * 15 });
  }
  return out;
}

const best = (runs, fn) => {
  let min = Number.POSITIVE_INFINITY;
  let value;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = fn();
    min = Math.min(min, performance.now() - t0);
  }
  return { ms: min, value };
};

// 1. In memory.
const builder = new CostLinesBuilder();
const buildStart = performance.now();
for (const line of generate()) builder.push(line);
const lines = builder.finish();
const buildMs = performance.now() - buildStart;
const model = parseCostModel(MODEL);
const ev = events();
// Only customers that got lines may have events.
const present = new Set(lines.customerIds);
const usable = ev.filter((e) => present.has(e.customerId));
const compute = best(3, () => computeCostToServe(lines, model, { events: usable }));
console.log(
  `compute: ${compute.ms.toFixed(0)} ms (${lines.customerIds.length} customers, ${lines.customer.length} lines)`,
);

// 2. The CLI on CSV files of the same lines.
const dir = mkdtempSync(join(tmpdir(), "strata-cts-bench-"));
const ordersFile = join(dir, "orders.csv");
seed = 42;
await new Promise((resolve, reject) => {
  const out = createWriteStream(ordersFile);
  out.on("error", reject);
  out.write(
    "customer_id,order_id,ordered_at,quantity,unit_price,unit_cost,discount,distance,weight_kg,channel,region\n",
  );
  let buffer = [];
  const flush = () => {
    out.write(`${buffer.join("\n")}\n`);
    buffer = [];
  };
  for (const l of generate()) {
    buffer.push(
      `${l.customerId},${l.orderId},${new Date(l.time).toISOString().slice(0, 10)},${l.quantity},${l.unitPrice},${l.unitCost},${l.discount},${l.distance},${l.weightKg},${l.channel},${l.region}`,
    );
    if (buffer.length === 10000) flush();
  }
  flush();
  out.end(resolve);
});
writeFileSync(join(dir, "model.json"), JSON.stringify(MODEL));
writeFileSync(
  join(dir, "activities.csv"),
  `customer_id,activity,quantity\n${usable.map((e) => `${e.customerId},${e.activity},${e.quantity}`).join("\n")}\n`,
);
const cli = join(packageDir, "dist/cli/main.js");
let cliMs = Number.POSITIVE_INFINITY;
let stdoutBytes = 0;
for (let r = 0; r < 2; r++) {
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      cli,
      "cost-to-serve",
      "--orders",
      ordersFile,
      "--cost-model",
      join(dir, "model.json"),
      "--activities",
      join(dir, "activities.csv"),
      "--out",
      join(dir, "out"),
    ],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  cliMs = Math.min(cliMs, performance.now() - t0);
  stdoutBytes = run.stdout.length;
}
const csvBytes = statSync(ordersFile).size;
rmSync(dir, { recursive: true, force: true });
console.log(`cli: ${cliMs.toFixed(0)} ms`);

const load = (await import("node:os"))
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(", ");
const section = `## cost-to-serve

Written by \`node bench/cost-to-serve-bench.mjs\` on ${new Date().toISOString().slice(0, 19)}Z.
Machine: ${cpus()[0]?.model.trim() ?? "?"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version};
load average ${load}. Generated data: ${lines.customerIds.length.toLocaleString("en")} customers, ${lines.customer.length.toLocaleString("en")} order lines
(1 to 5 lines per order, 3% returns), ${usable.length.toLocaleString("en")} activities.csv rows; the model has 11 activities
(two time-driven in one pool, two with rates by channel or region) and financing.

| step | wall ms |
|---|---|
| CostLinesBuilder.push for every line (generation included) | ${buildMs.toFixed(0)} |
| computeCostToServe (one pass over the lines, per-customer results, whale curve), best of 3 | ${compute.ms.toFixed(0)} |
| \`strata cost-to-serve\` on the CSV files (${(csvBytes / 2 ** 20).toFixed(0)} MiB orders.csv; read, compute, ${(stdoutBytes / 2 ** 20).toFixed(0)} MiB of JSON, --out), best of 2 | ${cliMs.toFixed(0)} |
`;
const benchFile = join(packageDir, "BENCHMARKS.md");
const text = readFileSync(benchFile, "utf8");
const start = text.indexOf("## cost-to-serve\n");
let next = start < 0 ? -1 : text.indexOf("\n## ", start + 1);
if (next >= 0) next += 1;
const updated =
  start < 0
    ? `${text.trimEnd()}\n\n${section}`
    : `${text.slice(0, start)}${section}${next >= 0 ? `\n${text.slice(next)}` : ""}`;
writeFileSync(benchFile, updated);
console.log("BENCHMARKS.md updated");
