// The run's t-SNE map, timed and scored against scikit-learn's TSNE(method="barnes_hut") on the same
// data in the same invocation; writes packages/core/BENCHMARKS-map.md. Run after building core:
//   node bench/map-bench.mjs [--quick] [--repeats N] [--sizes 5000,20000] [--sklearn-threads 1]
// Times are wall clock, best of N (scikit-learn once per size: it is the slow side). The browser
// figures (canvas frame times during scripted pointer moves) come from the segment-map e2e test,
// which writes apps/web/e2e/.artifacts/segment-map-frames.json; this script only reports them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QuadTree } from "../dist/embed/quadtree.js";
import { InteractionList, repulsion } from "../dist/embed/repulsion.js";
import { tsneKernels } from "../dist/embed/tsne-wasm.js";
import * as core from "../dist/index.js";
import { spawnTsneHelperThread, useTsneHelperThread } from "../dist/parallel/piscina.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const quick = args.includes("--quick");
// Rewrites only the browser section of BENCHMARKS-map.md (after a new run of the e2e test).
const browserOnly = args.includes("--browser-only");
const repeats = Number(arg("--repeats", quick ? 1 : 2));
const sizes = String(arg("--sizes", quick ? "2000" : "5000,20000"))
  .split(",")
  .map(Number);
const sklearnThreads = String(arg("--sklearn-threads", "1")).split(",").map(Number);
const python = "/usr/bin/python3";
const tmp = mkdtempSync(path.join(os.tmpdir(), "strata-map-bench-"));
const D = 8;
const SEGMENTS = 7;
const ITERATIONS = core.TSNE_ITERATIONS;
const log = (...parts) => process.stderr.write(`${parts.join(" ")}\n`);

/**
 * Customer-like rows: seven segments of different sizes and spreads in 8 scaled features, two of
 * them stretched (the long tails a z-scored spend or frequency keeps), and overlapping edges.
 */
function customers(n, seed) {
  const r = core.createRandom(seed);
  const centres = Array.from({ length: SEGMENTS }, () => Array.from({ length: D }, () => r.normal() * 2.5));
  const spread = Array.from({ length: SEGMENTS }, () => 0.5 + r.next() * 1.2);
  const weight = Array.from({ length: SEGMENTS }, (_, s) => 1 + s);
  const total = weight.reduce((a, b) => a + b, 0);
  const data = new Float64Array(n * D);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = r.next() * total;
    let s = 0;
    while (u >= weight[s]) u -= weight[s++];
    labels[i] = s;
    for (let j = 0; j < D; j++) {
      const stretch = j % 4 === 0 ? 2.5 : 1;
      data[i * D + j] = centres[s][j] + spread[s] * stretch * r.normal();
    }
  }
  return { x: { data, n, d: D }, labels };
}

/** CPU seconds of this process: steadier than wall time on a machine others are using too. */
function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Strata's t-SNE on one thread, or on two (the helper thread the run's pool task registers). */
function strataTsne(x, threads) {
  if (threads === 2) useTsneHelperThread({ minRows: 0 });
  else core.setTsneHelper(null);
  let neighboursAt = 0;
  const c = cpuSeconds();
  const t = performance.now();
  const out = core.tsne(x, {
    seed: 0,
    iterations: ITERATIONS,
    onProgress: (_stage, fraction) => {
      if (neighboursAt === 0 && fraction >= 0.1) neighboursAt = performance.now();
      return true;
    },
  });
  const total = (performance.now() - t) / 1000;
  return { out, total, cpu: cpuSeconds() - c, neighbours: (neighboursAt - t) / 1000 };
}

/**
 * Where a step's time goes, on the finished map `y` of `x` (the map at its
 * widest): tree build, repulsion (interaction lists and SIMD sums), attraction, each the best of
 * `reps` CPU-timed runs of the building blocks tsne() uses, in tsne()'s own point order; and the
 * neighbours + P alone. Groups of 64 and leaves of 8 as in tsne.ts.
 */
function stepBreakdown(x, y, reps = 15) {
  const { n, d } = x;
  const local = core.buildVpTree(x, 0).order;
  const xs = new Float64Array(n * d);
  const ys = new Float64Array(2 * n);
  local.forEach((i, t) => {
    xs.set(x.data.subarray(i * d, i * d + d), t * d);
    ys[2 * t] = y[2 * i];
    ys[2 * t + 1] = y[2 * i + 1];
  });
  let c = cpuSeconds();
  const P = core.sparseAffinities({ data: xs, n, d }, 30, { seed: 0 });
  const affinities = cpuSeconds() - c;
  let pairs = 0;
  for (let i = 0; i < n; i++)
    for (let t = P.rowStart[i]; t < P.rowStart[i + 1]; t++) if (P.cols[t] > i) pairs++;
  const kernels = tsneKernels(n, pairs);
  if (kernels === null) return { affinities, wasm: false };
  const a = kernels.attraction;
  a.y.set(ys);
  a.rowStart[0] = 0;
  for (let i = 0, at = 0; i < n; i++) {
    for (let t = P.rowStart[i]; t < P.rowStart[i + 1]; t++) {
      if (P.cols[t] <= i) continue;
      a.cols[at] = P.cols[t];
      a.vals[at++] = P.vals[t];
    }
    a.rowStart[i + 1] = at;
  }
  const tree = new QuadTree(n, 64, 8);
  const list = new InteractionList(4096);
  const rep = new Float64Array(2 * n);
  const best = { build: Infinity, repulsion: Infinity, attraction: Infinity };
  for (let r = 0; r < reps; r++) {
    c = cpuSeconds();
    tree.build(a.y);
    const built = cpuSeconds();
    repulsion(tree, 0.25, rep, list, kernels.repulsion);
    const repelled = cpuSeconds();
    a.attract();
    const attracted = cpuSeconds();
    best.build = Math.min(best.build, built - c);
    best.repulsion = Math.min(best.repulsion, repelled - built);
    best.attraction = Math.min(best.attraction, attracted - repelled);
  }
  return { affinities, wasm: true, ...best };
}

const SKLEARN = `
import json, sys, time
import numpy as np
import sklearn
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits
case = json.loads(sys.stdin.read())
x = np.fromfile(case["file"], dtype="<f8").reshape(case["n"], case["d"])
out = {"version": sklearn.__version__, "runs": []}
for threads in case["threads"]:
    with threadpool_limits(limits=threads):
        t = time.perf_counter()
        c = time.process_time()
        model = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto",
                     n_iter=case["iterations"], init="pca", method="barnes_hut", angle=0.5, random_state=0)
        y = model.fit_transform(x)
        seconds = time.perf_counter() - t
        cpu = time.process_time() - c
    y.astype("<f8").tofile(case["out"] + str(threads))
    out["runs"].append({"threads": threads, "seconds": seconds, "cpu": cpu, "kl": float(model.kl_divergence_), "file": case["out"] + str(threads)})
print(json.dumps(out))
`;

function sklearnTsne(x, name) {
  const file = path.join(tmp, `${name}.f64`);
  writeFileSync(file, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  const result = spawnSync(python, ["-c", SKLEARN], {
    input: JSON.stringify({
      file,
      n: x.n,
      d: x.d,
      iterations: ITERATIONS,
      threads: sklearnThreads,
      out: path.join(tmp, `${name}-y`),
    }),
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`scikit-learn side failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout);
  for (const run of parsed.runs) {
    const bytes = readFileSync(run.file);
    run.embedding = {
      data: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8),
      n: x.n,
      d: 2,
    };
  }
  return parsed;
}

const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "–");
const out = path.join(here, "..", "BENCHMARKS-map.md");
const BROWSER_HEADING = "## The canvas map in the browser";

/** t-SNE against scikit-learn, then the run's own path: the report up to the browser section. */
function measureSections() {
  const load = os.loadavg().map((v) => v.toFixed(2));
  const rows = [];
  let breakdown = null;
  let sklearnVersion = "?";
  for (const n of sizes) {
    const { x } = customers(n, 11);
    let best;
    for (const threads of [1, 2]) {
      // One thread once (the reference for the CPU column and for the bits), two best of N.
      const times = threads === 1 ? 1 : repeats;
      log(`t-SNE on ${n} rows: Strata on ${threads} thread(s) x ${times}`);
      best = undefined;
      for (let r = 0; r < times; r++) {
        const run = strataTsne(x, threads);
        if (!best || run.total < best.total) best = run;
      }
      const quality = core.mapQuality(x, best.out.embedding, { k: 10, maxQueries: 2000, seed: 5 });
      const one = rows.find((row) => row.n === n && row.who === "Strata" && row.threads === 1);
      const sameBits =
        one === undefined ? null : one.out.embedding.data.every((v, i) => v === best.out.embedding.data[i]);
      rows.push({
        n,
        who: "Strata",
        threads,
        ...best,
        seconds: best.total,
        kl: best.out.klDivergence,
        quality,
        sameBits,
      });
      log(
        `  ${fmt(best.total)} s, cpu ${fmt(best.cpu)} s, T(10) ${fmt(quality.trustworthiness, 4)}${sameBits === null ? "" : `, same map as one thread: ${sameBits}`}`,
      );
    }
    core.setTsneHelper(null);
    if (n === Math.max(...sizes)) {
      // The building blocks on one thread, against the one-thread run's CPU time.
      const one = rows.find((row) => row.n === n && row.who === "Strata" && row.threads === 1);
      breakdown = { n, cpu: one.cpu, ...stepBreakdown(x, best.out.embedding.data) };
    }
    log(`t-SNE on ${n} rows: scikit-learn (threads ${sklearnThreads.join(", ")})`);
    const sk = sklearnTsne(x, `x${n}`);
    sklearnVersion = sk.version;
    for (const run of sk.runs) {
      const q = core.mapQuality(x, run.embedding, { k: 10, maxQueries: 2000, seed: 5 });
      rows.push({
        n,
        who: `scikit-learn ${sk.version}`,
        threads: run.threads,
        seconds: run.seconds,
        cpu: run.cpu,
        neighbours: Number.NaN,
        kl: run.kl,
        quality: q,
      });
      log(
        `  ${fmt(run.seconds)} s, cpu ${fmt(run.cpu)} s on ${run.threads} thread(s), T(10) ${fmt(q.trustworthiness, 4)}`,
      );
    }
  }

  // The run's own path: the map a run draws (tsneMapOf on the map sample) for the largest size.
  const runN = Math.max(...sizes);
  const runData = customers(runN, 11);
  const sample = core.tsneSampleOf(
    runData.x,
    runData.labels,
    Int32Array.from({ length: runN }, (_, i) => i),
  );
  // As the run's pool task (packages/api/src/jobs/cluster-task.ts) draws it: the helper thread
  // with useTsneHelperThread's defaults, tsneMapOf on this thread. The team is kept to report how
  // many steps the helper took part in (it leaves them to the caller when waiting costs more).
  let team = null;
  core.setTsneHelper((t) => {
    team = t;
    return spawnTsneHelperThread(t);
  });
  const helperSteps = [];
  let mapSeconds = Number.POSITIVE_INFINITY;
  let mapCpu = Number.POSITIVE_INFINITY;
  let mapped = 0;
  const mapLoad = [];
  for (let r = 0; r < repeats; r++) {
    mapLoad.push(os.loadavg()[0].toFixed(2));
    const t = performance.now();
    const c = cpuSeconds();
    mapped = core.tsneMapOf(sample, 0).length;
    const seconds = (performance.now() - t) / 1000;
    // The helper's count of finished steps (tsne-team.ts's HELPER_STEP slot).
    helperSteps.push(team === null ? 0 : Atomics.load(team.control, 7));
    if (seconds < mapSeconds) mapCpu = cpuSeconds() - c;
    mapSeconds = Math.min(mapSeconds, seconds);
    log(
      `tsneMapOf on ${runN} rows: ${fmt(seconds)} s, load ${mapLoad.at(-1)}, helper in ${helperSteps.at(-1)} steps`,
    );
  }
  core.setTsneHelper(null);
  log(`tsneMapOf on ${runN} rows: ${fmt(mapSeconds)} s, cpu ${fmt(mapCpu)} s, ${mapped} points mapped`);

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    "# The run's t-SNE map: benchmarks",
    "",
    `Written by \`node bench/map-bench.mjs\` on ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}.`,
    `Machine: ${cpu}, ${os.cpus().length} cores, Node.js ${process.version}, scikit-learn ${sklearnVersion} on ${python}.`,
    `Load average when this ran: ${load.join(", ")}. The machine is shared: wall times stretch with`,
    "everyone else's work, so the comparison uses CPU seconds (process.cpuUsage; Python's",
    "process_time), which count only this process's own work.",
    "",
    `## t-SNE, customer-like data (${SEGMENTS} segments, ${D} scaled features), same data for both sides`,
    "",
    "Both: perplexity 30 (k = 91 neighbours), Barnes-Hut theta (angle) 0.5, PCA initialisation,",
    `early exaggeration 12 for 250 steps, ${ITERATIONS} steps in all, learning rate "auto" (n / 48 with`,
    "the gradient's factor 4). Strata: exact neighbours by a vantage-point tree, the perplexity",
    "search by Newton's method, a Morton-sorted quadtree per step, interaction lists per group of up",
    "to 64 points built in one descent of the tree (theta tested against the group's box), the sums",
    "and the attraction in WebAssembly SIMD (f64x2) kernels with JS twins that give the same bits; on",
    "one thread, or on two (the caller and the helper thread the run's pool task registers: neighbour",
    "rows in claimed chunks of 256, each step's 18 tasks, the attraction's two halves and 16 ranges",
    "of the repulsion's groups, claimed from one counter; the same map to the bit, checked below).",
    "scikit-learn's OpenMP threads as listed. Quality",
    "over the same 2,000 seeded query points, each ranked against all rows: trustworthiness T(10) as",
    "sklearn.manifold.trustworthiness defines it, and the share of each point's 10 nearest input",
    `neighbours kept among its 10 nearest on the map. Strata on two threads best of ${repeats} (by wall`,
    "time), on one thread and scikit-learn once. CPU seconds count every thread of the process.",
    "",
    "| rows | implementation | threads | wall s | CPU s | of which neighbours + P (wall s) | CPU x scikit-learn (1 thread) | T(10) | 10-NN kept | KL | same map as 1 thread |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const reference = rows.find((r) => r.n === row.n && r.who.startsWith("scikit") && r.threads === 1);
    lines.push(
      `| ${row.n.toLocaleString("en")} | ${row.who} | ${row.threads} | ${fmt(row.seconds)} | ${fmt(row.cpu)} | ${fmt(row.neighbours)} | ${
        reference ? fmt(row.cpu / reference.cpu) : "–"
      } | ${fmt(row.quality.trustworthiness, 4)} | ${fmt(row.quality.knnPreservation, 3)} | ${fmt(row.kl, 3)} | ${
        row.sameBits === true ? "yes, to the bit" : row.sameBits === false ? "no" : "–"
      } |`,
    );
  }
  if (breakdown) {
    const perStep = breakdown.wasm
      ? breakdown.build + breakdown.repulsion + breakdown.attraction
      : Number.NaN;
    lines.push(
      "",
      "## Where the time goes",
      "",
      `Strata on one thread at ${breakdown.n.toLocaleString("en")} rows, ${fmt(breakdown.cpu)} CPU s in all: neighbours + P ${fmt(breakdown.affinities)} CPU s`,
      `measured alone, the ${ITERATIONS} steps the rest (${fmt(breakdown.cpu - breakdown.affinities)} s, ${fmt((1000 * (breakdown.cpu - breakdown.affinities)) / ITERATIONS, 1)} ms a step on average).`,
      breakdown.wasm
        ? `One step on the finished map, best of 15, CPU ms: quadtree build ${fmt(1000 * breakdown.build, 1)}, repulsion (lists + SIMD sums) ${fmt(1000 * breakdown.repulsion, 1)}, attraction ${fmt(1000 * breakdown.attraction, 1)}; ${fmt(1000 * perStep, 1)} in all (the gradient, gains and momentum updates, not timed apart, are the rest of a step).`
        : "WebAssembly SIMD was unavailable here: the steps ran the JS twins.",
    );
  }
  lines.push(
    "",
    "## In the run's path",
    "",
    `tsneMapOf, the map a run draws (TSNE_SAMPLE = ${core.TSNE_SAMPLE.toLocaleString("en")}, ${ITERATIONS} steps, theta 0.5),`,
    `on ${runN.toLocaleString("en")} rows x ${D} features, with the helper thread as the run's pool task registers it`,
    `(useTsneHelperThread): ${fmt(mapSeconds)} s wall (best of ${repeats}; load average ${mapLoad.join(", ")} as each began),`,
    `${fmt(mapCpu)} s CPU over both threads, ${mapped.toLocaleString("en")} points mapped; the helper took part in`,
    `${helperSteps.join(", ")} of the ${ITERATIONS} steps (the caller carries on alone when it spends more than 40% of 50`,
    "steps waiting for the helper, as on a machine with one core to spare).",
    "A run stores its segments first and then draws this map as its own Piscina task (a worker",
    "thread, with its helper thread beside it: the pool's other thread is normally idle then), so the",
    "worker's event loop, and the web server's in embedded mode, stays free meanwhile.",
    "",
    `Target (issue 22): a map of 20,000 customers in at most 10 s (wall, on this 2-core machine). ${
      runN >= 20_000
        ? `Here ${fmt(mapSeconds, 1)} s wall at load ${mapLoad[0]}, ${fmt(mapCpu, 1)} CPU s: ${mapSeconds <= 10 ? "met" : "missed"}.`
        : "Not measured at 20,000 in this run."
    }`,
    "",
  );
  return lines;
}

/** The browser section, from the frame times the segment-map e2e test wrote. */
function browserSection() {
  const framesFile = path.join(
    here,
    "..",
    "..",
    "..",
    "apps",
    "web",
    "e2e",
    ".artifacts",
    "segment-map-frames.json",
  );
  const frames = existsSync(framesFile) ? JSON.parse(readFileSync(framesFile, "utf8")) : null;
  const lines = [BROWSER_HEADING, ""];
  if (!frames) {
    // No new figures from the e2e test in this checkout: keep the section the report has.
    const text = existsSync(out) ? readFileSync(out, "utf8") : "";
    const at = text.indexOf(BROWSER_HEADING);
    if (at >= 0) return text.slice(at).trimEnd().split("\n").concat([""]);
    lines.push("No frame-time figures yet: run apps/web/e2e/segment-map.spec.ts, then this script.", "");
    return lines;
  }
  lines.push(
    `From apps/web/e2e/segment-map.spec.ts (${frames.when ?? "date unknown"}, Chromium ${frames.browser ?? "?"},`,
    `headless, software rendering): ${frames.points?.toLocaleString("en") ?? "?"} points drawn, scripted pointer moves over the map.`,
    "",
    "| phase | frames | median ms | p95 ms | worst ms | long tasks (> 50 ms) |",
    "|---|---|---|---|---|---|",
  );
  for (const phase of frames.phases ?? []) {
    lines.push(
      `| ${phase.name} | ${phase.frames} | ${fmt(phase.median, 1)} | ${fmt(phase.p95, 1)} | ${fmt(phase.worst, 1)} | ${phase.longTasks ?? "–"} |`,
    );
  }
  lines.push(
    "",
    "Frame times are requestAnimationFrame intervals recorded in the page while Playwright moves the",
    "pointer; 16.7 ms is 60 fps. Recorded, never asserted (the test asserts what the user sees).",
    "",
  );
  return lines;
}

let head;
if (browserOnly) {
  const text = existsSync(out) ? readFileSync(out, "utf8") : "";
  const at = text.indexOf(BROWSER_HEADING);
  head = (at >= 0 ? text.slice(0, at) : text).trimEnd().split("\n").concat([""]);
} else {
  head = measureSections();
}
const lines = [...head, ...browserSection()];
writeFileSync(out, lines.join("\n"));
process.stdout.write(`${lines.join("\n")}\n`);
rmSync(tmp, { recursive: true, force: true });
