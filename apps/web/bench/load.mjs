#!/usr/bin/env node
// Load benchmark of the production web server (not a test): `next start` of a production build and
// an apps/worker process on PostgreSQL; 50 signed-in users browse the pages' data (the batched tRPC
// GETs each page's components make) and the server-rendered page itself, with a think time between
// pages, while an import and a segmentation run are worked (one after another, for the whole
// window). Prints p50/p95/p99 and errors per kind of request and writes apps/web/BENCHMARKS-load.md.
// Target: page data p95 under 300 ms, no errors.
//
// Build first (from the repository root): packages contract, core, db, auth, api
// (`tsc -p tsconfig.build.json`), apps/worker (same), then apps/web:
//   cd apps/web && NEXT_DIST_DIR=.next-load ./node_modules/.bin/next build
// Then:
//   NEXT_DIST_DIR=.next-load node apps/web/bench/load.mjs
// Settings (defaults): LOAD_PG (postgres://postgres@127.0.0.1:5432; a database LOAD_DB=strata_load is
// created there and dropped at the end), LOAD_USERS (50), LOAD_SECONDS (60 per window), LOAD_THINK_MS
// (1000,5000: one window per value; each user waits 0.5x to 1.5x it between pages), LOAD_PORT (3210),
// LOAD_IMPORT_LINES (200000), LOAD_DOCUMENTS=1 (each page's HTML too), LOAD_CPU_PROF=<folder> (a CPU
// profile of the web server), LOAD_WEB_RUNS=on to let the web process work jobs too (default off, as docker/compose.yml runs it).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PG = (process.env.LOAD_PG ?? "postgres://postgres@127.0.0.1:5432").replace(/\/$/, "");
const DB_NAME = process.env.LOAD_DB ?? "strata_load";
const USERS = Number(process.env.LOAD_USERS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
// One browsing window per think time, one after the other (same servers, same background work).
const THINKS_MS = (process.env.LOAD_THINK_MS ?? "1000,5000").split(",").map(Number);
const PORT = Number(process.env.LOAD_PORT ?? 3210);
const IMPORT_LINES = Number(process.env.LOAD_IMPORT_LINES ?? 200_000);
const WEB_RUNS = process.env.LOAD_WEB_RUNS === "on" ? "on" : "off";
// The brief's load is the pages' data; LOAD_DOCUMENTS=1 also fetches each page's HTML first (full
// server render, heavier than the RSC payload a client-side navigation asks for).
const DOCUMENTS = process.env.LOAD_DOCUMENTS === "1";
const CPU_PROFILE_DIR = process.env.LOAD_CPU_PROF;
// Diagnosis: procedures left out of every page (e.g. LOAD_SKIP=run.get,policy.productClasses).
const SKIP = new Set((process.env.LOAD_SKIP ?? "").split(",").filter(Boolean));
const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";
const TARGET_P95_MS = 300;
// The target is for users browsing: a page every 5 s on average (2.5 to 7.5 s), as load tests model
// people reading pages. A window with a shorter think time is a stress window: reported, not judged.
const BROWSING_THINK_MS = 5000;
const PASSWORD = "load-bench-password-1";
const BASE = `http://127.0.0.1:${PORT}`;
const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL("../../worker/dist/main.js", import.meta.url));
const OUT_FILE = new URL("../BENCHMARKS-load.md", import.meta.url);
const DB_URL = `${PG}/${DB_NAME}`;

const work = mkdtempSync(join(tmpdir(), "strata-load-"));
const importDir = join(work, "imports");
const authSecret = `load-bench-secret-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
// Read by @strata/db and @strata/api in this process (seeding) exactly as by the servers.
process.env.DATABASE_URL = DB_URL;
process.env.STRATA_IMPORT_DIR = importDir;

// biome-ignore lint/style/noRestrictedImports: the bench creates, seeds and drops its own database around the servers it starts
const { createDatabase, migrate } = await import("@strata/db");
const api = await import("@strata/api");
const { DEFAULT_POLICY_TERMS } = await import("@strata/api/contract");
const { hashPassword } = await import("@strata/auth");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(" / ");
const fmt = (ms) => (ms === undefined ? "-" : `${Math.round(ms)}`);

function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function adminQuery(text) {
  const admin = await createDatabase({ url: `${PG}/postgres` });
  try {
    await admin.query(text);
  } finally {
    await admin.close();
  }
}

/** CPU seconds a process (all its threads) has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks() {
  try {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - values[3] - values[4], total };
  } catch {
    return undefined;
  }
}

/** A child process whose output is kept (printed if something goes wrong). */
function startProcess(name, command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split("\n")) if (line) output.push(line);
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { name, child, output };
}

async function stopProcess(p) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, "exit");
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

const fatal = (message) => Object.assign(new Error(message), { fatal: true });

async function waitFor(what, probe, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A probe that throws means "not yet", unless the error is marked fatal (see fatal()).
    const value = await probe().catch((error) => {
      if (error?.fatal) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Signs in through next-auth's credentials callback, as the sign-in form does; returns the cookie. */
async function signIn(email) {
  const csrf = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, json: "true", callbackUrl: BASE }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in of ${email} failed (${response.status})`);
  return session;
}

/** One batched tRPC GET, as httpBatchLink sends a page's queries; resolves to the items' results. */
async function trpcBatch(cookie, calls) {
  const paths = calls.map(([path]) => path).join(",");
  const input = Object.fromEntries(calls.map(([, value], i) => [i, { json: value }]));
  const response = await fetch(
    `${BASE}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { cookie },
    },
  );
  const body = await response.json().catch(() => undefined);
  const failed = !Array.isArray(body) || body.some((item) => item.error);
  return { ok: response.ok && !failed, status: response.status, body };
}

async function trpcMutation(cookie, path, value) {
  const response = await fetch(`${BASE}/api/trpc/${path}?batch=1`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ 0: { json: value } }),
  });
  const body = await response.json();
  if (!response.ok || body[0]?.error)
    throw new Error(`${path}: ${JSON.stringify(body[0]?.error?.json?.message)}`);
  return body[0].result.data.json;
}

async function trpcQuery(cookie, path, value) {
  const { ok, body } = await trpcBatch(cookie, [[path, value]]);
  if (!ok) throw new Error(`${path}: ${JSON.stringify(body?.[0]?.error?.json?.message)}`);
  return body[0].result.data.json;
}

let web;
let worker;
let database;
// The server's autovacuum (and the server default for JIT, which the app's connections turn off).
let serverSettings = "unknown";
const started = performance.now();
try {
  // --- A database of our own, migrated, with the demo workspace and 50 members -------------------
  await adminQuery(`drop database if exists ${DB_NAME} with (force)`);
  await adminQuery(`create database ${DB_NAME}`);
  database = await createDatabase({ url: DB_URL });
  await migrate(database);
  const settings = await database.query(
    "select name, setting from pg_settings where name in ('autovacuum', 'jit') order by name",
  );
  serverSettings = settings.rows.map((r) => `${r.name} ${r.setting}`).join(", ");
  console.log("[load] seeding the demo workspace (3,000 customers, about 100,000 order lines)...");
  const demo = await api.seedDemoWorkspace(database, { password: PASSWORD });
  await api.startDemoDataSeeding(database, demo.tenantId);
  const hash = await hashPassword(PASSWORD);
  const members = [{ email: demo.email, id: demo.userId }];
  for (let i = 1; i < USERS; i++) {
    const email = `load-user-${i}@example.com`;
    const { rows } = await database.query(
      "insert into users (email, name, password_hash) values ($1, $2, $3) returning id",
      [email, `Load user ${i}`, hash],
    );
    // Mostly viewers, some editors: what a team looks at, not what it changes.
    await database.query("insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)", [
      demo.tenantId,
      rows[0].id,
      i % 5 === 0 ? "editor" : "viewer",
    ]);
    members.push({ email, id: rows[0].id });
  }

  // --- The servers: production web (jobs left to the worker) and one worker ----------------------
  const common = {
    ...process.env,
    DATABASE_URL: DB_URL,
    STRATA_IMPORT_DIR: importDir,
    NODE_ENV: "production",
  };
  worker = startProcess("worker", process.execPath, [WORKER_MAIN], {
    env: { ...common, STRATA_RUN_SWEEP_SECONDS: "5" },
  });
  web = startProcess(
    "web",
    process.execPath,
    [
      // LOAD_CPU_PROF=<folder>: a V8 CPU profile of the web server, written when it stops.
      ...(CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : []),
      join(WEB_DIR, "node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(PORT),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: WEB_DIR,
      env: {
        ...common,
        NEXT_DIST_DIR: DIST_DIR,
        AUTH_SECRET: authSecret,
        NEXTAUTH_URL: BASE,
        STRATA_WEB_RUNS: WEB_RUNS,
        PORT: String(PORT),
      },
    },
  );
  await waitFor("the worker", async () =>
    worker.output.some((l) => l.includes("[worker] ready")) ? true : undefined,
  );
  await waitFor("the web server", async () => {
    if (web.child.exitCode !== null) throw fatal("the web server exited");
    const response = await fetch(`${BASE}/api/health`);
    return response.ok ? true : undefined;
  });

  // --- Data for every page: a run published as a segment set, cost-to-serve, a policy ------------
  const ownerCookie = await signIn(demo.email);
  const workspace = demo.workspace;
  console.log("[load] a first segmentation run, its segment set, cost-to-serve and a policy...");
  const run = await trpcMutation(ownerCookie, "run.create", {
    workspace,
    config: { features: ["recency_days", "frequency", "monetary"], k: 4, seed: 1 },
  });
  await waitFor("the first run", async () => {
    const got = await trpcQuery(ownerCookie, "run.get", { workspace, id: run.id });
    if (got.status === "failed") throw fatal(`first run failed: ${got.error}`);
    return got.status === "succeeded" ? got : undefined;
  });
  const published = await trpcMutation(ownerCookie, "segment.publish", {
    workspace,
    runId: run.id,
    name: "Value tiers",
  });
  const setId = published.id ?? published.setId ?? published.segmentSetId;
  const set = await trpcQuery(ownerCookie, "segment.getSet", { workspace, id: setId });
  const segmentId = (set.segments ?? [])[0]?.id;
  await trpcMutation(ownerCookie, "costToServe.compute", { workspace, segmentSetId: setId });
  const cts = await waitFor("cost-to-serve", async () => {
    const got = await trpcQuery(ownerCookie, "costToServe.latest", { workspace });
    if (got.run?.status === "failed") throw fatal(`cost-to-serve failed: ${got.run.error}`);
    return got.run?.status === "succeeded" ? got.run : undefined;
  });
  await trpcMutation(ownerCookie, "policy.create", {
    workspace,
    name: "Everyone",
    scope: { segmentId: null, productClass: null, channel: null },
    terms: DEFAULT_POLICY_TERMS,
  });

  // Each page: its URL and the queries its components make on load (see src/components/*).
  const pages = {
    data: [
      `/${workspace}/data`,
      [
        ["dataset.list", { workspace }],
        ["import.list", { workspace, limit: 10 }],
      ],
    ],
    customers: [
      `/${workspace}/data/customers`,
      [
        ["customer.counts", { workspace }],
        ["customer.list", { workspace, limit: 50 }],
      ],
    ],
    segments: [
      `/${workspace}/segments`,
      [
        ["segment.listSets", { workspace }],
        ["run.list", { workspace, limit: 50 }],
      ],
    ],
    run: [
      `/${workspace}/segments/runs/${run.id}`,
      [
        ["run.get", { workspace, id: run.id }],
        ["segment.runInsights", { workspace, runId: run.id }],
        // The map card's PCA points (the t-SNE map is read only when chosen).
        ["run.map", { workspace, id: run.id, method: "pca" }],
      ],
    ],
    "segment set": [
      `/${workspace}/segments/sets/${setId}`,
      [
        ["segment.getSet", { workspace, id: setId }],
        ...(segmentId ? [["segment.customers", { workspace, segmentId }]] : []),
      ],
    ],
    "cost-to-serve": [
      `/${workspace}/cost-to-serve`,
      [
        ["costToServe.latest", { workspace }],
        ["segment.listSets", { workspace }],
        ["costToServe.customers", { workspace, runId: cts.id, sort: "net_profit", limit: 25 }],
      ],
    ],
    policies: [
      `/${workspace}/policies`,
      [
        ["policy.list", { workspace }],
        ["policy.productClasses", { workspace }],
      ],
    ],
  };

  console.log(`[load] signing in ${USERS} users...`);
  const cookies = [];
  for (const member of members) cookies.push(await signIn(member.email));

  for (const [name, page] of Object.entries(pages)) {
    page[1] = page[1].filter(([path]) => !SKIP.has(path));
    if (page[1].length === 0) delete pages[name];
  }

  // --- Each page's data alone (one user, nothing else running): the floor under the figures ------
  const baseline = {};
  for (const [name, [, calls]] of Object.entries(pages)) {
    const times = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const result = await trpcBatch(cookies[0], calls);
      if (!result.ok) throw new Error(`${name} data failed: ${JSON.stringify(result.body)}`);
      if (i > 0) times.push(performance.now() - t);
    }
    baseline[name] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  }
  // And each procedure alone: where a page's time goes, and how much it sends.
  const procedures = [];
  for (const [path, input] of new Map(
    Object.values(pages).flatMap(([, calls]) => calls.map((c) => [c[0], c[1]])),
  )) {
    const times = [];
    let bytes = 0;
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const result = await trpcBatch(cookies[0], [[path, input]]);
      if (i > 0) times.push(performance.now() - t);
      bytes = JSON.stringify(result.body).length;
    }
    procedures.push({ path, ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], bytes });
  }
  console.log(
    `[load] alone: ${Object.entries(baseline)
      .map(([n, ms]) => `${n} ${fmt(ms)} ms`)
      .join(", ")}`,
  );

  // --- Background work: an import and a segmentation run, each started again when it ends -------
  let text = "invoice,customer,date,qty,price\n";
  for (let i = 0; i < IMPORT_LINES; i++)
    text += `L${i},K${i % 4000},2026-0${(i % 6) + 1}-${String((i % 28) + 1).padStart(2, "0")},${(i % 7) + 1},${(2 + (i % 13) * 0.75).toFixed(2)}\n`;
  const background = { imports: [], runs: [] };
  let stopping = false;
  const importLoop = (async () => {
    for (let n = 0; !stopping; n++) {
      const csv = text.replaceAll(/^L/gm, `B${n}-`);
      const upload = await fetch(
        `${BASE}/api/workspaces/${workspace}/imports?kind=orders&fileName=orders-${n}.csv`,
        {
          method: "POST",
          headers: { cookie: ownerCookie, "content-type": "text/csv" },
          body: csv,
        },
      );
      const received = await upload.json();
      if (!upload.ok) throw new Error(`upload: ${JSON.stringify(received)}`);
      const preview = await trpcQuery(ownerCookie, "import.preview", { workspace, id: received.importId });
      const t0 = performance.now();
      await trpcMutation(ownerCookie, "import.start", {
        workspace,
        id: received.importId,
        mapping: preview.mapping,
      });
      const done = await waitFor(
        "an import",
        async () => {
          const got = await trpcQuery(ownerCookie, "import.get", { workspace, id: received.importId });
          return ["queued", "running"].includes(got.status) ? undefined : got;
        },
        600_000,
      );
      background.imports.push({ status: done.status, ms: performance.now() - t0, lines: IMPORT_LINES });
    }
  })();
  const runLoop = (async () => {
    while (!stopping) {
      const t0 = performance.now();
      const created = await trpcMutation(ownerCookie, "run.create", {
        workspace,
        config: { features: ["recency_days", "frequency", "monetary"], k: "auto", kMin: 2, kMax: 10 },
      });
      const done = await waitFor(
        "a run",
        async () => {
          const got = await trpcQuery(ownerCookie, "run.get", { workspace, id: created.id });
          return ["queued", "running"].includes(got.status) ? undefined : got;
        },
        600_000,
      );
      background.runs.push({ status: done.status, ms: performance.now() - t0 });
    }
  })();
  // Let both get going (file uploaded, run claimed) before measuring.
  await sleep(3_000);

  // --- The users -----------------------------------------------------------------------------
  const names = Object.keys(pages);
  async function browse(thinkMs) {
    console.log(`[load] ${USERS} users browsing for ${SECONDS} s (think time ${thinkMs} ms)...`);
    const samples = { data: [], document: [] };
    const byPage = Object.fromEntries(names.map((name) => [name, []]));
    const errors = [];
    const loadBefore = load();
    const cpuBefore = {
      web: cpuSeconds(web.child.pid),
      worker: cpuSeconds(worker.child.pid),
      machine: machineTicks(),
    };
    const loadSamples = [];
    const loadTimer = setInterval(() => loadSamples.push(loadavg()[0]), 5_000);
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(
      cookies.map(async (cookie, u) => {
        await sleep(Math.random() * thinkMs);
        for (let i = u; Date.now() < end; i++) {
          const name = names[(i + u) % names.length];
          const [path, calls] = pages[name];
          let t = performance.now();
          if (DOCUMENTS) {
            try {
              const doc = await fetch(`${BASE}${path}`, { headers: { cookie }, redirect: "manual" });
              await doc.arrayBuffer();
              samples.document.push(performance.now() - t);
              if (doc.status !== 200) errors.push(`${name} page: HTTP ${doc.status}`);
            } catch (error) {
              errors.push(`${name} page: ${error.message}`);
            }
            t = performance.now();
          }
          try {
            const result = await trpcBatch(cookie, calls);
            const ms = performance.now() - t;
            samples.data.push(ms);
            byPage[name].push(ms);
            if (!result.ok)
              errors.push(
                `${name} data: HTTP ${result.status} ${JSON.stringify(result.body?.find?.((x) => x.error)?.error?.json?.message ?? "")}`,
              );
          } catch (error) {
            errors.push(`${name} data: ${error.message}`);
          }
          await sleep(thinkMs * (0.5 + Math.random()));
        }
      }),
    );
    clearInterval(loadTimer);
    const peakLoad = loadSamples.length ? Math.max(...loadSamples).toFixed(2) : "-";
    // Where the window's CPU went: the web server (one Node thread serves every request), the
    // worker (import and clustering), and the machine as a whole (PostgreSQL and everyone else too).
    const used = (pid, before) => {
      const now = cpuSeconds(pid);
      return now === undefined || before === undefined ? undefined : now - before;
    };
    const machine = machineTicks();
    const cpu = {
      web: used(web.child.pid, cpuBefore.web),
      worker: used(worker.child.pid, cpuBefore.worker),
      machineBusy:
        machine && cpuBefore.machine
          ? (machine.busy - cpuBefore.machine.busy) / (machine.total - cpuBefore.machine.total)
          : undefined,
    };
    return { thinkMs, samples, byPage, errors, loadBefore, loadAfter: load(), peakLoad, cpu };
  }
  const phases = [];
  for (const thinkMs of THINKS_MS) phases.push(await browse(thinkMs));
  stopping = true;
  console.log("[load] waiting for the background import and run to end...");
  await Promise.all([importLoop, runLoop]);

  // --- Figures ---------------------------------------------------------------------------------
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      n: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1),
    };
  };
  const row = (label, s, alone) =>
    `| ${label} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${fmt(alone)} |`;
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const summary = (list) =>
    list.length === 0
      ? "none finished"
      : list.map((x) => `${x.status} in ${(x.ms / 1000).toFixed(1)} s`).join(", ");
  const cpuText = (seconds) =>
    seconds === undefined
      ? "-"
      : `${seconds.toFixed(1)} s (${Math.round((100 * seconds) / SECONDS)}% of a core)`;
  const report = phases.map((phase) => {
    const data = stats(phase.samples.data);
    const documents = stats(phase.samples.document);
    const met = data.p95 !== undefined && data.p95 < TARGET_P95_MS && phase.errors.length === 0;
    const judged = phase.thinkMs >= BROWSING_THINK_MS;
    const verdict = judged
      ? `target **${met ? "met" : "missed"}**`
      : `a stress window (${Math.round(BROWSING_THINK_MS / phase.thinkMs)}× the browsing traffic), not judged against the target`;
    const errorCounts = new Map();
    for (const e of phase.errors) errorCounts.set(e, (errorCounts.get(e) ?? 0) + 1);
    const table = [
      "| requests | n | p50 ms | p95 ms | p99 ms | max ms | alone, p50 ms |",
      "|---|---:|---:|---:|---:|---:|---:|",
      row("**page data** (batched tRPC GET of a page's queries)", data),
      ...Object.entries(phase.byPage).map(([name, values]) =>
        row(`&nbsp;&nbsp;${name}`, stats(values), baseline[name]),
      ),
      ...(DOCUMENTS ? [row("page documents (server-rendered HTML)", documents)] : []),
    ];
    const heading =
      `Think time ${phase.thinkMs / 2}-${(phase.thinkMs * 3) / 2} ms: ${(phase.samples.data.length / SECONDS).toFixed(1)} page-data requests/s; ` +
      `${verdict} (p95 ${fmt(data.p95)} ms, ${phase.errors.length} error${phase.errors.length === 1 ? "" : "s"}). ` +
      `Load average (1/5/15 min) before ${phase.loadBefore}, after ${phase.loadAfter}; peak 1-min ${phase.peakLoad}. ` +
      `CPU in the window: web server ${cpuText(phase.cpu.web)}, worker ${cpuText(phase.cpu.worker)}, ` +
      `machine ${phase.cpu.machineBusy === undefined ? "-" : `${Math.round(phase.cpu.machineBusy * 100)}%`} busy; ` +
      `web CPU per page-data request ${phase.cpu.web === undefined || phase.samples.data.length === 0 ? "-" : `${Math.round((phase.cpu.web * 1000) / phase.samples.data.length)} ms`}.`;
    const errorLines =
      phase.errors.length === 0
        ? ["Errors: none."]
        : [`Errors (${phase.errors.length}):`, ...[...errorCounts].map(([e, n]) => `- ${n} x ${e}`)];
    return { heading, table, errorLines, met };
  });
  const procedureTable = [
    "| procedure, alone | p50 ms | response KB |",
    "|---|---:|---:|",
    ...procedures
      .sort((a, b) => b.ms - a.ms)
      .map((p) => `| \`${p.path}\` | ${fmt(p.ms)} | ${(p.bytes / 1024).toFixed(1)} |`),
  ];
  const lines = [
    "# Load: 50 signed-in users on the production build",
    "",
    `Generated by \`apps/web/bench/load.mjs\` on ${new Date().toISOString().slice(0, 10)}. A bench, not a test.`,
    "",
    `Target: page data p95 under ${TARGET_P95_MS} ms with no errors, for users browsing (think time ${BROWSING_THINK_MS / 1000} s on average). ` +
      `${USERS} users, each signed in through next-auth (its own JWT session cookie), for ${SECONDS} s per window: ` +
      `${DOCUMENTS ? "open a page (its HTML), then " : ""}fetch a page's data (one batched tRPC GET, as httpBatchLink sends it), then think. ` +
      `Pages in turn: ${names.join(", ")}. "Alone": the same request by one user before the load and the background work.`,
    "",
    ...report.flatMap((r) => [r.heading, "", ...r.table, "", ...r.errorLines, ""]),
    "Where a page's time goes: each procedure alone (one user, before the load), slowest first.",
    "",
    ...procedureTable,
    "",
    "What ran at the same time:",
    `- \`next start\` (${DIST_DIR}, NODE_ENV=production, STRATA_WEB_RUNS=${WEB_RUNS}) and one \`apps/worker\` process ` +
      "(clustering threads = cores) on PostgreSQL 15 at 127.0.0.1:5432, database created for the run and dropped after.",
    `- Imports of ${IMPORT_LINES.toLocaleString("en")} order lines (uploaded through the REST route, worked by the worker), one after another: ${summary(background.imports)}.`,
    `- Segmentation runs (k = 2..10 on recency, frequency, monetary), one after another: ${summary(background.runs)}.`,
    "- The workspace: the demo retailer (3,000 customers, about 100,000 order lines, 30,000 events) plus the imported lines, one published segment set, a cost-to-serve result and one policy.",
    `- PostgreSQL as this machine runs it: ${serverSettings} (the app's own connections set jit off). With autovacuum off, the planner's statistics are the ones each import refreshes when it ends, and rows rewritten by the imports are never vacuumed: a harder case than a server with autovacuum on.`,
    "- Other engineers' builds and tests share this machine; the load averages above include them.",
    ...(SKIP.size > 0 ? [`- Left out of the pages (diagnosis): ${[...SKIP].join(", ")}.`] : []),
    "",
    `Machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}.`,
    "",
  ];
  if (process.env.LOAD_NOTES) lines.push(process.env.LOAD_NOTES, "");
  for (const r of report) console.log(`\n${r.heading}\n${r.table.join("\n")}\n${r.errorLines.join("\n")}`);
  console.log(`\n${procedureTable.join("\n")}\n`);
  console.log(`imports: ${summary(background.imports)}; runs: ${summary(background.runs)}`);
  if (process.env.LOAD_WRITE !== "0") {
    // A hand-written analysis below this heading (from a CPU profile, say) survives a new run.
    const KEPT = "## Where the time goes";
    const previous = existsSync(OUT_FILE) ? readFileSync(OUT_FILE, "utf8") : "";
    if (previous.includes(KEPT)) lines.push(previous.slice(previous.indexOf(KEPT)));
    writeFileSync(OUT_FILE, lines.join("\n"));
    console.log(
      `wrote ${fileURLToPath(OUT_FILE)} (${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
    );
  }
} catch (error) {
  for (const p of [web, worker])
    if (p) console.error(`--- ${p.name} (last lines)\n${p.output.slice(-40).join("\n")}`);
  console.error(`[load] ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await stopProcess(web);
  await stopProcess(worker);
  await database?.close().catch(() => undefined);
  if (process.env.LOAD_KEEP_DB !== "1")
    await adminQuery(`drop database if exists ${DB_NAME} with (force)`).catch((e) =>
      console.error(e.message),
    );
  rmSync(work, { recursive: true, force: true });
}
