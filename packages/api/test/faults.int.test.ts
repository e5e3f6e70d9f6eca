import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportConsumer, startImportConsumer } from "../src/jobs/import-consumer.js";
import { closeJobQueue } from "../src/jobs/queue.js";
import { type RunConsumer, startRunConsumer } from "../src/jobs/run-consumer.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { openHarness } from "./harness.js";
import { seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

// PostgreSQL drops every connection of the database (pg_terminate_backend, as a restart or a failover
// does) while an import and while a run are being worked. Nothing may stay stuck and nothing may be
// half written: the work is retried on new connections and ends once, complete. PostgreSQL only.
const isPostgres = Boolean(process.env.DATABASE_URL);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe.skipIf(!isPostgres)("connections killed mid-job, on postgres", () => {
  let h: Harness;
  let dataDir: string;
  let imports: ImportConsumer | undefined;
  let runs: RunConsumer | undefined;

  /**
   * Terminates every other connection of the app's pool to the test database (the one asking
   * survives). The queue's own connections are spared: pg-boss 10 neither awaits nor catches its
   * complete/fail after a handler (manager.js, onFetch), so a kill at that instant is an unhandled
   * rejection in the process — apps/worker logs those and goes on (main.ts).
   */
  async function killConnections(): Promise<number> {
    const { rows } = await h.database.query<{ n: number }>(
      `select count(*)::int as n from (
         select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()
           and application_name is distinct from 'strata-queue') t`,
    );
    return rows[0]?.n ?? 0;
  }

  beforeAll(async () => {
    h = await openHarness("postgres");
    dataDir = mkdtempSync(join(tmpdir(), "strata-faults-"));
    imports = await startImportConsumer(h.database, {
      staleAfterSeconds: 3,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      profileSweepIntervalSeconds: 600,
      log: () => {},
    });
    runs = await startRunConsumer(h.database, {
      threads: 2,
      staleAfterSeconds: 3,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      log: () => {},
    });
  });
  afterAll(async () => {
    await runs?.stop({ drainTimeoutMs: 1_000 });
    await imports?.stop({ drainTimeoutMs: 1_000 });
    if (h) await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("an import whose connections die while it runs ends imported once, every line and no more", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("fault-import");
    const lines = 40_000;
    let text = "invoice,customer,date,qty,price\n";
    for (let i = 0; i < lines; i++)
      text += `I${i},K${i % 500},2025-01-${String((i % 28) + 1).padStart(2, "0")},1,2.50\n`;
    const received = await receiveUpload(h.database, {
      tenantId: tenant.id,
      userId: owner.id,
      kind: "orders",
      fileName: "orders.csv",
      body: body(text),
      dataDir,
    });
    const preview = await owner.caller.import.preview({ workspace, id: received.importId });
    await owner.caller.import.start({ workspace, id: received.importId, mapping: preview.mapping });
    await waitFor("the import to run", async () => {
      const got = await owner.caller.import.get({ workspace, id: received.importId });
      return got.status === "running" ? got : undefined;
    });
    expect(await killConnections()).toBeGreaterThan(0);

    const done = await waitFor("the import to end", async () => {
      const got = await owner.caller.import.get({ workspace, id: received.importId });
      return ["succeeded", "failed", "rejected", "cancelled"].includes(got.status) ? got : undefined;
    });
    expect(done.status, String(done.error)).toBe("succeeded");
    const counted = await h.database.query<{ n: number; customers: number }>(
      `select count(*)::int as n, count(distinct customer_id)::int as customers
       from order_lines where tenant_id = $1`,
      [tenant.id],
    );
    expect(counted.rows[0]).toEqual({ n: lines, customers: 500 });
  });

  it("a run whose connections die while it runs is retried and ends with one assignment per customer", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("fault-run");
    await seedCustomers(h, tenant.id, 3000);
    const created = await owner.caller.run.create({
      workspace,
      config: { features: ["recency_days", "frequency", "monetary"], k: "auto", kMin: 2, kMax: 8 },
    });
    await waitFor("the run to start", async () => {
      const run = await owner.caller.run.get({ workspace, id: created.id });
      return run.status === "running" ? run : undefined;
    });
    expect(await killConnections()).toBeGreaterThan(0);

    const done = await waitFor("the run to end", async () => {
      const run = await owner.caller.run.get({ workspace, id: created.id });
      return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
    });
    expect(done.status, String(done.error)).toBe("succeeded");
    const assigned = await h.database.query<{ n: number; customers: number }>(
      "select count(*)::int as n, count(distinct customer_id)::int as customers from run_assignments where run_id = $1",
      [created.id],
    );
    expect(assigned.rows[0]).toEqual({ n: 3000, customers: 3000 });
    const stuck = await h.database.query<{ n: number }>(
      "select count(*)::int as n from runs where tenant_id = $1 and status in ('queued', 'running')",
      [tenant.id],
    );
    expect(stuck.rows[0]?.n).toBe(0);
  });
});
