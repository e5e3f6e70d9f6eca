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

// A worker shut down (SIGTERM, a deploy) hands its run or import back to the queue. The interrupted
// attempt stays counted: a job whose worker goes down on every attempt (out of memory, a crash-looping
// deployment) must end failed with its reason after max_attempts (3), not be handed back forever.
describe.skipIf(!isPostgres)("workers shut down mid-job, on postgres", () => {
  let h: Harness;
  let dataDir: string;

  beforeAll(async () => {
    h = await openHarness("postgres");
    dataDir = mkdtempSync(join(tmpdir(), "strata-shutdowns-"));
  });
  afterAll(async () => {
    if (h) await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a run whose worker is shut down on each attempt keeps its attempt count and ends failed after the third", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("shutdown-run");
    await seedCustomers(h, tenant.id, 3000);
    const created = await owner.caller.run.create({
      workspace,
      // A long sweep (k = 2..40), so each attempt is still clustering when its consumer stops.
      config: { features: ["recency_days", "frequency", "monetary"], k: "auto", kMin: 2, kMax: 40 },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const consumer = await startRunConsumer(h.database, {
        threads: 1,
        pollingIntervalSeconds: 0.5,
        sweepIntervalSeconds: 600,
        log: () => {},
      });
      await waitFor(`attempt ${attempt} to run`, async () => {
        const run = await owner.caller.run.get({ workspace, id: created.id });
        return run.status === "running" && run.attempt === attempt ? run : undefined;
      });
      await consumer.stop({ drainTimeoutMs: 0 });
      const handed = await owner.caller.run.get({ workspace, id: created.id });
      expect(handed).toMatchObject({ status: "queued", attempt });
    }
    const last = await startRunConsumer(h.database, {
      threads: 1,
      pollingIntervalSeconds: 0.5,
      sweepIntervalSeconds: 600,
      log: () => {},
    });
    try {
      const done = await waitFor("the run to end", async () => {
        const run = await owner.caller.run.get({ workspace, id: created.id });
        return ["queued", "running"].includes(run.status) ? undefined : run;
      });
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(/started 3 times and its worker stopped each time/);
    } finally {
      await last.stop({ drainTimeoutMs: 0 });
    }
    const assigned = await h.database.query<{ n: number }>(
      "select count(*)::int as n from run_assignments where run_id = $1",
      [created.id],
    );
    expect(assigned.rows[0]?.n).toBe(0);
  });

  const importRow = async (id: string) =>
    (
      await h.database.query<{ status: string; attempt: number }>(
        "select status, attempt from imports where id = $1",
        [id],
      )
    ).rows[0];

  it("an import whose worker is shut down on each attempt keeps its attempt count and ends failed after the third", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("shutdown-import");
    let text = "invoice,customer,date,qty,price\n";
    for (let i = 0; i < 20_000; i++) text += `S${i},K${i % 300},2025-03-0${(i % 9) + 1},1,4.00\n`;
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
    // Slow enough to be caught reading: one batch of rows every 5 s.
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 5_000));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const consumer = await startImportConsumer(h.database, {
        pollingIntervalSeconds: 0.5,
        sweepIntervalSeconds: 600,
        profileSweepIntervalSeconds: 600,
        onBatch: slow,
        log: () => {},
      });
      await waitFor(`attempt ${attempt} to run`, async () => {
        const got = await importRow(received.importId);
        return got?.status === "running" && got.attempt === attempt ? got : undefined;
      });
      await consumer.stop({ drainTimeoutMs: 200 });
      expect(await importRow(received.importId)).toMatchObject({ status: "queued", attempt });
    }
    const last = await startImportConsumer(h.database, {
      pollingIntervalSeconds: 0.5,
      sweepIntervalSeconds: 600,
      profileSweepIntervalSeconds: 600,
      log: () => {},
    });
    try {
      const done = await waitFor("the import to end", async () => {
        const got = await owner.caller.import.get({ workspace, id: received.importId });
        return ["queued", "running"].includes(got.status) ? undefined : got;
      });
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(/started 3 times and its worker stopped each time/);
    } finally {
      await last.stop({ drainTimeoutMs: 0 });
    }
    const lines = await h.database.query<{ n: number }>(
      "select count(*)::int as n from order_lines where tenant_id = $1",
      [tenant.id],
    );
    expect(lines.rows[0]?.n).toBe(0);
  });
});
