import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { receiveUpload } from "@strata/api";
import { closeJobQueue, getJobQueue } from "@strata/api/jobs";
import { createDatabase, createTestDb, type Database, migrate, readDbEnv } from "@strata/db";
import { afterEach, describe, expect, it } from "vitest";
import { callerFor, createWorkspace, waitFor } from "./helpers.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/import-consumer-process.mjs", import.meta.url));
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const hasPostgres = readDbEnv().DATABASE_URL !== undefined;

const LINES = 200_000;
/** Every 997th line has a quantity that is not a number: rejected, and imported no more than once. */
const isInvalid = (i: number) => i % 997 === 0;
const INVALID = Math.floor(LINES / 997);

async function* ordersFile(): AsyncGenerator<Uint8Array> {
  yield Buffer.from("invoice,customer,date,qty,price,channel\n");
  let chunk = "";
  for (let i = 1; i <= LINES; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    chunk += `I${i},K${i % 5000},2025-03-${day},${isInvalid(i) ? "x" : (i % 9) + 1},${(i % 50) + 0.5},parcel\n`;
    if (chunk.length > 256 * 1024) {
      yield Buffer.from(chunk);
      chunk = "";
    }
  }
  yield Buffer.from(chunk);
}

interface Child {
  child: ChildProcess;
  output: string[];
}

function start(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  return { child, output };
}

async function stop(process: Child | undefined, signal: NodeJS.Signals) {
  if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = once(process.child, "exit");
  process.child.kill(signal);
  await exited;
}

/** The latest row a fixture process reported for the import. */
function lastReport(
  p: Child,
): { status: string; stage: string; rows_read: number; attempt: number } | undefined {
  for (let i = p.output.length - 1; i >= 0; i--) {
    const line = p.output[i]!;
    if (line.startsWith("[import] ")) return JSON.parse(line.slice("[import] ".length)) ?? undefined;
  }
  return undefined;
}

function urlOf(database: Database): string {
  return (database.db as unknown as { $client: { options: { connectionString: string } } }).$client.options
    .connectionString;
}

const drivers = hasPostgres ? (["pglite", "postgres"] as const) : (["pglite"] as const);

describe.each(drivers)("an import whose process is killed mid-import, on %s", (driver) => {
  const processes: Child[] = [];
  const folders: string[] = [];
  let cleanup: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await Promise.all(processes.map((p) => stop(p, "SIGKILL")));
    await cleanup?.();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it("finishes once after a restart, with every line imported or rejected, never stuck running", async () => {
    const folder = mkdtempSync(join(tmpdir(), "strata-import-kill-"));
    folders.push(folder);
    let database: Database =
      driver === "pglite" ? await createDatabase({ dataDir: folder }) : await createTestDb("postgres");
    if (driver === "pglite") await migrate(database);
    const url = driver === "postgres" ? urlOf(database) : folder;
    cleanup = async () => {
      await closeJobQueue(database);
      await (database as Database & { cleanup?: () => Promise<void> }).cleanup?.();
      if (driver === "pglite") await database.close().catch(() => undefined);
    };

    const ws = await createWorkspace(database);
    const received = await receiveUpload(database, {
      tenantId: ws.tenantId,
      userId: null,
      kind: "orders",
      fileName: "orders.csv",
      body: ordersFile(),
      dataDir: folder,
    });
    // The queue is installed (as by any consumer that ran before), so the job is written in the
    // transaction that queues the import.
    await getJobQueue(database).start();
    await callerFor(database, ws.editorId).import.start({
      workspace: ws.slug,
      id: received.importId,
      mapping: received.preview.mapping,
      onInvalid: "import_valid",
    });
    const queued = await database.query<{ job_id: string; state: string }>(
      `select i.job_id, j.state::text as state from imports i join pgboss.job j on j.id = i.job_id
       where i.id = $1`,
      [received.importId],
    );
    expect(queued.rows).toEqual([{ job_id: expect.any(String), state: "created" }]);

    if (driver === "pglite") {
      // One process per data folder: the test lets go of it while the consumer processes hold it.
      await closeJobQueue(database);
      await database.close();
    }

    // 1. A consumer process, slowed to 300 ms per batch of rows, is killed while it reads the file.
    const first = start([FIXTURE, url, received.importId, "300"]);
    processes.push(first);
    await waitFor(
      "the first process to be reading the file",
      async () => {
        if (first.child.exitCode !== null) throw new Error(`exited: ${first.output.join("\n")}`);
        const row = lastReport(first);
        if (row && !["queued", "running"].includes(row.status)) throw new Error(`ended: ${row.status}`);
        return row?.status === "running" && row.rows_read > 0 ? row : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await stop(first, "SIGKILL");
    expect(lastReport(first)).toMatchObject({ status: "running", attempt: 1 });

    // 2. Another process starts (on PostgreSQL the real worker): its recovery sweep finds the stale
    //    heartbeat, queues the import again and imports it.
    if (driver === "pglite") {
      const second = start([FIXTURE, url, received.importId]);
      processes.push(second);
      await waitFor(
        "the import to end in the second process",
        async () => {
          if (second.child.exitCode !== null) throw new Error(`exited: ${second.output.join("\n")}`);
          const row = lastReport(second);
          return row && !["queued", "running"].includes(row.status) ? row : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      await stop(second, "SIGTERM");
      expect(second.child.exitCode).toBe(0);
      expect(second.output.some((l) => l.includes("lost its worker: queued again"))).toBe(true);
      database = await createDatabase({ dataDir: folder });
    } else {
      const worker = start([MAIN], {
        DATABASE_URL: url,
        STRATA_RUN_STALE_SECONDS: "2",
        STRATA_RUN_SWEEP_SECONDS: "1",
        STRATA_WORKER_DRAIN_SECONDS: "2",
      });
      processes.push(worker);
      await waitFor(
        "the import to end on the worker",
        async () => {
          if (worker.child.exitCode !== null) throw new Error(`exited: ${worker.output.join("\n")}`);
          const { rows } = await database.query<{ status: string }>(
            "select status from imports where id = $1",
            [received.importId],
          );
          return rows[0] && !["queued", "running"].includes(rows[0].status) ? rows[0] : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      await stop(worker, "SIGTERM");
      expect(worker.child.exitCode).toBe(0);
    }

    const { rows } = await database.query<{
      status: string;
      attempt: number;
      rows_read: number;
      rows_imported: number;
      rows_updated: number;
      rows_rejected: number;
      error: string | null;
      heartbeat_at: Date | null;
    }>(
      `select status, attempt, rows_read, rows_imported, rows_updated, rows_rejected, error, heartbeat_at
       from imports where id = $1`,
      [received.importId],
    );
    expect(rows[0]).toEqual({
      status: "succeeded",
      attempt: 2,
      rows_read: LINES,
      rows_imported: LINES - INVALID,
      rows_updated: 0,
      rows_rejected: INVALID,
      error: null,
      heartbeat_at: null,
    });
    // Loaded once: every valid line is there exactly once.
    const lines = await database.query<{ n: number; distinct_orders: number }>(
      "select count(*)::int as n, count(distinct order_id)::int as distinct_orders from order_lines where tenant_id = $1",
      [ws.tenantId],
    );
    expect(lines.rows[0]).toEqual({ n: LINES - INVALID, distinct_orders: LINES - INVALID });
  });
});
