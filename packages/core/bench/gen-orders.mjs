// Writes an order-line CSV of exactly N lines (default 540,000) from the demo retailer, for
// the import benchmark (issue 5). Needs the built package: `pnpm --filter @strata/core build`.
//
//   node bench/gen-orders.mjs <orders.csv> [--lines 540000] [--seed 1] [--customers <customers.csv>]
import { closeSync, openSync, writeSync } from "node:fs";
import { demoCustomersCsv, demoOrdersCsv, generateDemoRetailer } from "../dist/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const lines = Number(option("lines", "540000"));
const seed = Number(option("seed", "1"));
const customersOut = option("customers", undefined);
const out = args[0];
if (!out || !Number.isInteger(lines) || lines < 1) {
  console.error(
    "usage: node bench/gen-orders.mjs <orders.csv> [--lines 540000] [--seed 1] [--customers <customers.csv>]",
  );
  process.exit(2);
}

const started = performance.now();
// Measure lines per customer on a pilot, scale the customer count to just over `lines`, then
// keep the first `lines` lines in time order (trimming only the last few hours of history).
const pilot = generateDemoRetailer({ seed, customers: 3000 });
let customers = Math.ceil(((3000 * lines) / pilot.orders.length) * 1.003);
let demo = generateDemoRetailer({ seed, customers });
while (demo.orders.length < lines) {
  customers = Math.ceil(customers * 1.01);
  demo = generateDemoRetailer({ seed, customers });
}
const orders = demo.orders.slice(0, lines);

function write(path, chunks) {
  const fd = openSync(path, "w");
  let bytes = 0;
  try {
    for (const chunk of chunks) bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

const bytes = write(out, demoOrdersCsv(orders, 10_000));
const used = new Set(orders.map((o) => o.customerId));
const result = {
  path: out,
  lines: orders.length,
  bytes,
  customers: used.size,
  from: new Date(orders[0].orderedAt).toISOString(),
  to: new Date(orders[orders.length - 1].orderedAt).toISOString(),
  ms: 0,
};
if (customersOut) {
  write(customersOut, demoCustomersCsv(demo.customers.filter((c) => used.has(c.externalId))));
  result.customersPath = customersOut;
}
result.ms = Math.round(performance.now() - started);
console.log(JSON.stringify(result));
