import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { receiveUpload } from "@strata/api";
import { closeJobQueue, getJobQueue } from "@strata/api/jobs";
import { createTestDb, readDbEnv, type TestDatabase } from "@strata/db";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorkspace, FINAL, seedCustomers, waitFor } from "./helpers.js";

// Faults of the processes around a job, on PostgreSQL with real apps/worker processes:
// - a worker SIGKILLed on every attempt of a run (safe: runs whenever DATABASE_URL is set);
// - PostgreSQL itself stopped for a few seconds and started again while a worker imports a file and
//   while it clusters. That restarts the server every other suite on this machine uses, so it only
//   runs with STRATA_FAULTS=1 (and `pg_ctlcluster` allowed to restart it; cluster from
//   STRATA_FAULTS_PG_CLUSTER, default "15 main"). See README, Security.
const hasPostgres = readDbEnv().DATABASE_URL !== undefined;
const canRestartPostgres = hasPostgres && process.env.STRATA_FAULTS === "1";
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
}

function urlOf(database: TestDatabase): string {
  return (database.db as unknown as { $client: { options: { connectionString: string } } }).$client.options
    .connectionString;
}

async function startWorker(url: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      STRATA_RUN_STALE_SECONDS: "5",
      STRATA_RUN_SWEEP_SECONDS: "1",
      STRATA_WORKER_DRAIN_SECONDS: "2",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  await waitFor(
    "the worker process to be ready",
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${output.join("\n")}`);
      return output.some((line) => line.includes("[worker] ready")) ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
  return { child, output };
}

async function stopWorker(worker: WorkerProcess | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = once(worker.child, "exit");
  worker.child.kill(signal);
  await exited;
}

/** Stops PostgreSQL (fast: connections dropped), keeps it down for `downMs`, starts it again. */
function restartPostgres(downMs: number): void {
  const [version = "15", cluster = "main"] = (process.env.STRATA_FAULTS_PG_CLUSTER ?? "15 main").split(" ");
  execFileSync("pg_ctlcluster", [version, cluster, "stop", "-m", "fast"], { stdio: "ignore" });
  execFileSync("sleep", [String(downMs / 1000)]);
  execFileSync("pg_ctlcluster", [version, cluster, "start"], { stdio: "ignore" });
}

/** Polls through a PostgreSQL restart: a probe that fails because the server is away means "not yet". */
function whileAway<T>(probe: () => Promise<T | undefined>): () => Promise<T | undefined> {
  return () => probe().catch(() => undefined);
}

describe.skipIf(!hasPostgres)("a worker process killed on every attempt, on PostgreSQL", () => {
  let database: TestDatabase;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDb("postgres");
  });
  afterAll(async () => {
    await stopWorker(worker, "SIGKILL");
    if (database) await closeJobQueue(database);
    await database?.cleanup();
  });

  it("fails the run with a readable reason after its third attempt, and leaves it neither running nor half written", async () => {
    const ws = await createWorkspace(database);
    await seedCustomers(database, ws.tenantId, 12_000);
    const editor = callerFor(database, ws.editorId);
    // A sweep long enough (k = 2..20 on 12,000 customers) to be killed in the middle of each time.
    const created = await editor.run.create({ workspace: ws.slug, config: { k: "auto", kMin: 2, kMax: 20 } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      worker = await startWorker(urlOf(database));
      await waitFor(
        `attempt ${attempt} to be clustering`,
        async () => {
          const run = await editor.run.get({ workspace: ws.slug, id: created.id });
          if (FINAL.has(run.status)) throw new Error(`run ended before the kill: ${run.status}`);
          return run.status === "running" && run.attempt === attempt && run.progress.percent >= 10
            ? run
            : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      await stopWorker(worker, "SIGKILL");
    }
    // The last worker is gone; the next one's sweep finds the run's heartbeat stale.
    worker = await startWorker(urlOf(database));
    const done = await waitFor(
      "the run to be given up",
      async () => {
        const run = await editor.run.get({ workspace: ws.slug, id: created.id });
        return FINAL.has(run.status) ? run : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(done.status).toBe("failed");
    expect(done.attempt).toBe(3);
    expect(done.error).toMatch(/stopped responding on each of its 3 attempts/);
    const written = await database.query<{ n: number }>(
      "select count(*)::int as n from run_assignments where run_id = $1",
      [created.id],
    );
    expect(written.rows[0]!.n).toBe(0);
  });
});

describe.skipIf(!canRestartPostgres)("PostgreSQL restarted under a worker process (STRATA_FAULTS=1)", () => {
  let database: TestDatabase;
  let worker: WorkerProcess | undefined;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDb("postgres");
    folder = mkdtempSync(join(tmpdir(), "strata-pg-restart-"));
    worker = await startWorker(urlOf(database), { STRATA_IMPORT_DIR: folder });
  });
  afterEach(async () => {
    // Whatever happened, PostgreSQL is left running for everyone else.
    const [version = "15", cluster = "main"] = (process.env.STRATA_FAULTS_PG_CLUSTER ?? "15 main").split(" ");
    const status = spawnSync("pg_ctlcluster", [version, cluster, "status"]);
    if (status.status !== 0) execFileSync("pg_ctlcluster", [version, cluster, "start"], { stdio: "ignore" });
  });
  afterAll(async () => {
    await stopWorker(worker);
    if (database) await closeJobQueue(database);
    await database?.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  it("an import running when PostgreSQL restarts ends imported once, every line, and the worker lives on", async () => {
    const lines = 150_000;
    async function* orders(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("invoice,customer,date,qty,price\n");
      let chunk = "";
      for (let i = 0; i < lines; i++) {
        chunk += `R${i},K${i % 3000},2025-04-${String((i % 28) + 1).padStart(2, "0")},${(i % 5) + 1},3.25\n`;
        if (chunk.length > 256 * 1024) {
          yield Buffer.from(chunk);
          chunk = "";
        }
      }
      yield Buffer.from(chunk);
    }
    const ws = await createWorkspace(database);
    const received = await receiveUpload(database, {
      tenantId: ws.tenantId,
      userId: null,
      kind: "orders",
      fileName: "orders.csv",
      body: orders(),
      dataDir: folder,
    });
    await getJobQueue(database).start();
    const editor = callerFor(database, ws.editorId);
    await editor.import.start({
      workspace: ws.slug,
      id: received.importId,
      mapping: received.preview.mapping,
    });
    await waitFor("the import to run", async () => {
      const got = await editor.import.get({ workspace: ws.slug, id: received.importId });
      return got.status === "running" ? got : undefined;
    });

    const seen = worker!.output.length;
    restartPostgres(2_000);

    const done = await waitFor(
      "the import to end",
      whileAway(async () => {
        const got = await editor.import.get({ workspace: ws.slug, id: received.importId });
        return FINAL.has(got.status) || got.status === "rejected" ? got : undefined;
      }),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(done.status, String(done.error)).toBe("succeeded");
    const counted = await database.query<{ n: number; invoices: number }>(
      "select count(*)::int as n, count(distinct order_id)::int as invoices from order_lines where tenant_id = $1",
      [ws.tenantId],
    );
    expect(counted.rows[0]).toEqual({ n: lines, invoices: lines });
    // The worker did meet the restart (its connections were dropped), and is still consuming.
    expect(worker!.output.slice(seen).join("\n")).toMatch(
      /terminating connection|connection lost|ECONNREFUSED/,
    );
    expect(worker!.child.exitCode).toBeNull();
  });

  it("a run clustering when PostgreSQL restarts is retried and ends with one assignment per customer", async () => {
    const ws = await createWorkspace(database);
    await seedCustomers(database, ws.tenantId, 12_000);
    const editor = callerFor(database, ws.editorId);
    const created = await editor.run.create({ workspace: ws.slug, config: { k: "auto", kMin: 2, kMax: 20 } });
    await waitFor(
      "the run to be clustering",
      async () => {
        const run = await editor.run.get({ workspace: ws.slug, id: created.id });
        if (FINAL.has(run.status)) throw new Error(`run ended before the restart: ${run.status}`);
        return run.status === "running" && run.progress.percent >= 10 ? run : undefined;
      },
      { timeoutMs: 90_000 },
    );

    const seen = worker!.output.length;
    restartPostgres(2_000);

    const done = await waitFor(
      "the run to end",
      whileAway(async () => {
        const run = await editor.run.get({ workspace: ws.slug, id: created.id });
        return FINAL.has(run.status) ? run : undefined;
      }),
      { timeoutMs: 180_000, intervalMs: 250 },
    );
    expect(done.status, String(done.error)).toBe("succeeded");
    const assigned = await database.query<{ n: number; customers: number }>(
      "select count(*)::int as n, count(distinct customer_id)::int as customers from run_assignments where run_id = $1",
      [created.id],
    );
    expect(assigned.rows[0]).toEqual({ n: 12_000, customers: 12_000 });
    const stuck = await database.query<{ n: number }>(
      "select count(*)::int as n from runs where tenant_id = $1 and status in ('queued', 'running')",
      [ws.tenantId],
    );
    expect(stuck.rows[0]!.n).toBe(0);
    // The worker did meet the restart (its connections were dropped), and is still consuming.
    expect(worker!.output.slice(seen).join("\n")).toMatch(
      /terminating connection|connection lost|ECONNREFUSED/,
    );
    expect(worker!.child.exitCode).toBeNull();
  });
});
