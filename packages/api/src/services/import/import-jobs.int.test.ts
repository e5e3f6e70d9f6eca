import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectTRPCError, openHarness } from "../../../test/harness.js";
import { type ImportConsumer, startImportConsumer } from "../../jobs/import-consumer.js";
import { closeJobQueue, getJobQueue } from "../../jobs/queue.js";
import { receiveUpload } from "./receive-upload.js";

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

const ORDERS =
  "invoice,customer,date,qty,price,channel\n" +
  Array.from({ length: 400 }, (_, i) => `I${i},K${i % 40},2025-01-03,${(i % 5) + 1},2.50,parcel`).join("\n") +
  "\n";

const FINAL = new Set(["succeeded", "rejected", "failed"]);

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(testDrivers())("imports as queue jobs on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let dataDir: string;
  let consumer: ImportConsumer | undefined;

  beforeAll(async () => {
    h = await openHarness(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-import-jobs-"));
  });
  afterAll(async () => {
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(tenantId: string) {
    return receiveUpload(h.database, {
      tenantId,
      userId: null,
      kind: "orders",
      fileName: "orders.csv",
      body: body(ORDERS),
      dataDir,
    });
  }

  const row = async (id: string) =>
    (
      await h.database.query<{
        status: string;
        stage: string;
        attempt: number;
        job_id: string;
        error: string | null;
        rows_imported: number;
        upload_path: string | null;
      }>(
        "select status, stage, attempt, job_id, error, rows_imported, upload_path from imports where id = $1",
        [id],
      )
    ).rows[0]!;

  const jobState = async (jobId: string) =>
    (
      await h.database.query<{ state: string }>("select state::text as state from pgboss.job where id = $1", [
        jobId,
      ])
    ).rows[0]?.state;

  it("an import queued before the queue exists gets its job from the consumer's sweep", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("early");
    const received = await upload(tenant.id);
    // No process has installed the queue yet: the import is queued with no job (the insert is undone
    // under its savepoint, the request itself succeeds).
    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    expect(await row(received.importId)).toMatchObject({ status: "queued", attempt: 0 });

    consumer = await startImportConsumer(h.database, {
      staleAfterSeconds: 2,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      log: () => {},
    });
    const done = await until("the import to finish", async () => {
      const r = await row(received.importId);
      return FINAL.has(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", attempt: 1, rows_imported: 400, upload_path: null });
  });

  it("a queued import is worked by the consumer, its job written with the queued row", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("queued");
    const received = await upload(tenant.id);
    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    const { job_id } = await row(received.importId);
    const done = await until("the import to finish", async () => {
      const r = await owner.caller.import.get({ workspace, id: received.importId });
      return FINAL.has(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", rowsImported: 400, rowsRejected: 0 });
    await until("the job to complete", async () =>
      (await jobState(job_id)) === "completed" ? true : undefined,
    );
  });

  it("a cancelled import changes nothing, drops its job, and can be started again", async () => {
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    consumer = undefined;
    const { owner, tenant, workspace } = await h.newWorkspace("cancel");
    const received = await upload(tenant.id);
    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    const { job_id } = await row(received.importId);
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    await expectTRPCError(viewer.caller.import.cancel({ workspace, id: received.importId }), "FORBIDDEN");
    expect(await owner.caller.import.cancel({ workspace, id: received.importId })).toEqual({
      id: received.importId,
      status: "failed",
    });
    expect(await row(received.importId)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/cancelled/),
    });
    await until("the job to be cancelled", async () =>
      (await jobState(job_id)) === "cancelled" ? true : undefined,
    );
    await expectTRPCError(owner.caller.import.cancel({ workspace, id: received.importId }), "CONFLICT");

    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    consumer = await startImportConsumer(h.database, { pollingIntervalSeconds: 0.5, log: () => {} });
    const done = await until("the restarted import to finish", async () => {
      const r = await row(received.importId);
      return FINAL.has(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", rows_imported: 400 });
  });

  it("a consumer that is shut down mid-read hands the import back, and the next one finishes it", async () => {
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    // Slow enough to be caught reading: one batch of rows every 5 s.
    consumer = await startImportConsumer(h.database, {
      pollingIntervalSeconds: 0.5,
      onBatch: () => new Promise((resolve) => setTimeout(resolve, 5_000)),
      log: () => {},
    });
    const { owner, tenant, workspace } = await h.newWorkspace("drain");
    const received = await upload(tenant.id);
    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    const first = await until("the import to be running", async () => {
      const r = await row(received.importId);
      return r.status === "running" ? r : undefined;
    });
    await consumer.stop({ drainTimeoutMs: 200 });
    const handed = await row(received.importId);
    // The interrupted attempt stays counted (see packages/api/test/faults.int.test.ts).
    expect(handed).toMatchObject({ status: "queued", attempt: 1 });
    expect(handed.job_id).not.toBe(first.job_id);
    const orders = await h.database.query<{ n: number }>(
      "select count(*)::int as n from order_lines where tenant_id = $1",
      [tenant.id],
    );
    expect(orders.rows[0]!.n).toBe(0);

    consumer = await startImportConsumer(h.database, { pollingIntervalSeconds: 0.5, log: () => {} });
    const done = await until("the import to finish on the next consumer", async () => {
      const r = await row(received.importId);
      return FINAL.has(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", attempt: 2, rows_imported: 400 });
  });

  it("an import whose worker died after loading its rows is finished without loading them again", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("loaded");
    const received = await upload(tenant.id);
    await owner.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping });
    await until("the import to finish", async () =>
      FINAL.has((await row(received.importId)).status) ? true : undefined,
    );
    // As if the worker had died right after the load committed: running, stage "features", stale.
    await h.database.query(
      `update imports set status = 'running', stage = 'features', finished_at = null, attempt = 1,
         heartbeat_at = now() - interval '1 hour', upload_path = null where id = $1`,
      [received.importId],
    );
    await consumer?.stop({ drainTimeoutMs: 1_000 });
    consumer = await startImportConsumer(h.database, {
      staleAfterSeconds: 1,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      log: () => {},
    });
    const done = await until("the import to be finished again", async () => {
      const r = await row(received.importId);
      return FINAL.has(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", attempt: 2, rows_imported: 400, stage: "done" });
    const orders = await h.database.query<{ n: number }>(
      "select count(*)::int as n from order_lines where tenant_id = $1",
      [tenant.id],
    );
    expect(orders.rows[0]!.n).toBe(400);
    expect(await getJobQueue(h.database).boss.getQueue("data-import")).toBeTruthy();
  });
});
