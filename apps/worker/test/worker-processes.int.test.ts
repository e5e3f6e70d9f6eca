import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { closeJobQueue } from "@strata/api/jobs";
import { createTestDb, readDbEnv, type TestDatabase } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callerFor, createWorkspace, FINAL, seedCustomers, type Workspace, waitFor } from "./helpers.js";

// Separate worker processes only exist on PostgreSQL (PGlite is single-process).
const hasPostgres = readDbEnv().DATABASE_URL !== undefined;
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
}

/** Starts `node apps/worker/dist/main.js` on the test database and waits until it consumes. */
async function startWorker(url: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      STRATA_RUN_STALE_SECONDS: "5",
      STRATA_RUN_SWEEP_SECONDS: "1",
      STRATA_WORKER_DRAIN_SECONDS: "2",
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

/** Stops a worker process; resolves to its exit code (null when killed by the signal). */
async function stopWorker(worker: WorkerProcess | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null)
    return worker?.child.exitCode;
  const exited = once(worker.child, "exit");
  worker.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

function urlOf(database: TestDatabase): string {
  return (database.db as unknown as { $client: { options: { connectionString: string } } }).$client.options
    .connectionString;
}

describe.skipIf(!hasPostgres)("worker processes on PostgreSQL", () => {
  let database: TestDatabase;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDb("postgres");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all(workers.map((w) => stopWorker(w)));
    if (database) await closeJobQueue(database);
    await database?.cleanup();
  });

  it("finishes a run cleanly after its worker process is killed mid-run and another one starts", async () => {
    const ws: Workspace = await createWorkspace(database);
    await seedCustomers(database, ws.tenantId, 12_000);
    const first = await startWorker(urlOf(database));
    workers.push(first);
    const editor = callerFor(database, ws.editorId);
    // A sweep long enough (k = 2..20 on 12,000 customers) to be killed in the middle of.
    const created = await editor.run.create({ workspace: ws.slug, config: { k: "auto", kMin: 2, kMax: 20 } });
    await waitFor("the first worker to be clustering", async () => {
      const run = await editor.run.get({ workspace: ws.slug, id: created.id });
      if (FINAL.has(run.status)) throw new Error(`run ended before the kill: ${run.status}`);
      return run.status === "running" && run.progress.percent >= 20 ? run : undefined;
    });

    await stopWorker(first, "SIGKILL");
    const orphaned = await editor.run.get({ workspace: ws.slug, id: created.id });
    expect(orphaned.status).toBe("running");

    workers.push(await startWorker(urlOf(database)));
    const done = await waitFor(
      "the run to finish on the second worker",
      async () => {
        const run = await editor.run.get({ workspace: ws.slug, id: created.id });
        return FINAL.has(run.status) ? run : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(done.status).toBe("succeeded");
    expect(done.attempt).toBe(2);
    expect((done.result as { k: number }).k).toBe(3);
    const counted = await database.query<{ n: number }>(
      "select count(*)::int as n from run_assignments where run_id = $1",
      [created.id],
    );
    expect(counted.rows[0]!.n).toBe(12_000);
    // SIGTERM drains: the idle worker stops cleanly.
    const second = workers.pop()!;
    expect(await stopWorker(second)).toBe(0);
    expect(second.output).toContain("[worker] stopped");
  });

  it("has two worker processes do twenty queued runs, each exactly once", async () => {
    // Twenty waiting runs in one workspace: past the default queued-runs quota (10).
    vi.stubEnv("STRATA_MAX_QUEUED_RUNS", "20");
    const ws: Workspace = await createWorkspace(database);
    await seedCustomers(database, ws.tenantId, 300);
    const editor = callerFor(database, ws.editorId);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push((await editor.run.create({ workspace: ws.slug, config: { k: 3, seed: i } })).id);
    }
    const pair = [await startWorker(urlOf(database)), await startWorker(urlOf(database))];
    workers.push(...pair);

    const finished = await waitFor(
      "all twenty runs",
      async () => {
        const { rows } = await database.query<{
          id: string;
          status: string;
          attempt: number;
          worker_id: string;
        }>("select id, status, attempt, worker_id from runs where tenant_id = $1", [ws.tenantId]);
        return rows.length === 20 && rows.every((r) => FINAL.has(r.status)) ? rows : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(finished.map((r) => r.status)).toEqual(Array(20).fill("succeeded"));
    // Background work gives way to the web server: the worker's main thread and the clustering
    // pool's threads it started run at the default niceness (Linux: /proc/<pid>/task/<tid>/stat).
    const nice = (pid: number) =>
      readdirSync(`/proc/${pid}/task`).map((tid) => {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        return { nice: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]) };
      });
    if (existsSync("/proc/self/task")) {
      const threads = nice(pair[0]!.child.pid!);
      expect(pair[0]!.output.some((line) => line.includes("nice 10"))).toBe(true);
      expect(threads[0]).toMatchObject({ nice: 10 });
      // Node's own threads started before main() keep 0; the pool's threads come after and inherit.
      const poolSize = Number(/(\d+) clustering threads/.exec(pair[0]!.output.join("\n"))?.[1]);
      expect(poolSize).toBeGreaterThan(0);
      expect(threads.filter((t) => t.nice === 10).length).toBeGreaterThanOrEqual(1 + poolSize);
    }
    // Started once each: no run was taken by both processes or retried.
    expect(finished.map((r) => r.attempt)).toEqual(Array(20).fill(1));
    expect(new Set(finished.map((r) => r.worker_id)).size).toBe(2);

    // A job is marked completed just after its handler returns, so a moment after its run's result
    // commits: wait for the last ones, then every job must have completed once, none retried.
    const jobs = await waitFor(
      "every run's job completed",
      async () => {
        const { rows } = await database.query<{ state: string; retry_count: number; n: number }>(
          `select state::text as state, retry_count, count(*)::int as n from pgboss.job
           where name = 'segmentation-run' and data->>'tenantId' = $1 group by 1, 2`,
          [ws.tenantId],
        );
        return rows.some((r) => r.state === "active") ? undefined : rows;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(jobs).toEqual([{ state: "completed", retry_count: 0, n: 20 }]);
    const assignments = await database.query<{ run_id: string; n: number }>(
      "select run_id, count(*)::int as n from run_assignments where tenant_id = $1 group by run_id",
      [ws.tenantId],
    );
    expect(assignments.rows).toHaveLength(20);
    expect(assignments.rows.every((r) => r.n === 300)).toBe(true);
  });
});
