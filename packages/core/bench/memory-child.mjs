// One k-means fit in a fresh process, reporting its peak RSS (bench/run.mjs starts this).
// Usage: node bench/memory-child.mjs <n> <d> <k> <maxIter>
import { createRandom, kmeans } from "../dist/index.js";

const [n, d, k, maxIter] = process.argv.slice(2).map(Number);
const data = new Float64Array(n * d);
const random = createRandom(0);
for (let i = 0; i < data.length; i++) data[i] = random.normal();
const baselineMb = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const result = kmeans({ data, n, d }, k, { nInit: 1, maxIter, seed: 0 });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    afterDataMb: baselineMb,
    seconds,
    iterations: result.iterations,
    algorithm: result.algorithm,
  }),
);
