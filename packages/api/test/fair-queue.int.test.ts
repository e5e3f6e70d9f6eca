import { mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, testDrivers } from "@strata/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeJobQueue, getJobQueue, QUEUE_SCHEMA, RUN_QUEUE, type RunJobData } from "../src/jobs/queue.js";
import { executeRun, type RunExecutorContext } from "../src/jobs/run-executor.js";
import { expireUploads } from "../src/jobs/upload-expiry.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { openHarness } from "./harness.js";
import { seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

const RUN = { config: { features: ["monetary", "frequency"], algorithm: "kmeans" as const, k: 2 } };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The run jobs waiting in the queue, once `count` of them are there. */
async function queuedRunJobs(database: Database, count: number) {
  return waitFor(`${count} run jobs`, async () => {
    const { rows } = await database.query<{ id: string }>(
      `select id from ${QUEUE_SCHEMA}.job where name = $1 and state = 'created'`,
      [RUN_QUEUE],
    );
    return rows.length >= count ? rows : undefined;
  });
}

describe.each(testDrivers())("fair share of the run queue between workspaces, on %s", (driver) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(driver);
    await getJobQueue(h.database).start();
  });
  afterAll(async () => {
    if (h) await closeJobQueue(h.database);
    await h?.cleanup();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function workspaceWithCustomers(label: string) {
    const ws = await h.newWorkspace(label);
    await seedCustomers(h, ws.tenant.id, 9);
    return ws;
  }

  it("hands a workspace's single run out before another workspace's later runs", async () => {
    const a = await workspaceWithCustomers("greedy");
    const b = await workspaceWithCustomers("modest");
    const aRuns = [];
    for (let i = 0; i < 4; i++)
      aRuns.push(await a.owner.caller.run.create({ workspace: a.workspace, ...RUN }));
    const bRun = await b.owner.caller.run.create({ workspace: b.workspace, ...RUN });
    await queuedRunJobs(h.database, 5);

    // Workers take jobs one at a time, as the run consumer does (batch size 1).
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [job] = (await getJobQueue(h.database).boss.fetch<RunJobData>(RUN_QUEUE)) ?? [];
      expect(job).toBeDefined();
      order.push(
        job!.data.tenantId === b.tenant.id ? "B" : `A${aRuns.findIndex((r) => r.id === job!.data.runId) + 1}`,
      );
    }
    // Without the fair share B's run would be fifth, behind all four of A's.
    expect(order).toEqual(["A1", "B", "A2", "A3", "A4"]);
    void bRun;
  });

  it("leaves a run queued under a later job while its workspace already has the most runs running", async () => {
    vi.stubEnv("STRATA_MAX_RUNNING_RUNS", "1");
    const ws = await workspaceWithCustomers("capped");
    const busy = await ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN });
    const waiting = await ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN });
    await h.database.query("update runs set status = 'running', heartbeat_at = now() where id = $1", [
      busy.id,
    ]);
    const [before] = (
      await h.database.query<{ job_id: string }>("select job_id from runs where id = $1", [waiting.id])
    ).rows;

    // The executor returns before it needs a thread pool: the run is not claimed.
    const context = {
      database: h.database,
      executor: undefined,
      pool: undefined,
      workerId: "test",
      shutdown: new AbortController().signal,
    } as unknown as RunExecutorContext;
    await executeRun(context, before!.job_id, { runId: waiting.id, tenantId: ws.tenant.id });

    const [after] = (
      await h.database.query<{
        status: string;
        attempt: number;
        job_id: string;
        progress: { stage: string };
      }>("select status, attempt, job_id, progress from runs where id = $1", [waiting.id])
    ).rows;
    expect(after).toMatchObject({
      status: "queued",
      attempt: 0,
      progress: { stage: "Waiting: this workspace already has 1 run running" },
    });
    expect(after!.job_id).not.toBe(before!.job_id);
    const { rows: jobs } = await waitFor("the deferred job", async () => {
      const result = await h.database.query<{ start_after: Date; priority: number }>(
        `select start_after, priority from ${QUEUE_SCHEMA}.job where id = $1`,
        [after!.job_id],
      );
      return result.rows.length > 0 ? result : undefined;
    });
    expect(jobs[0]!.start_after.getTime()).toBeGreaterThan(Date.now());
    // One run ahead of it in its workspace (the running one).
    expect(jobs[0]!.priority).toBe(-1);
  });
});

describe.each(testDrivers())("uploads never imported, on %s", (driver) => {
  let h: Harness;
  let importDir: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-expiry-"));
  });
  afterAll(async () => {
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });

  async function* bytes(text: string): AsyncIterable<Uint8Array> {
    yield new TextEncoder().encode(text);
  }

  it("are deleted after a day, file and all, with the reason on the import; newer ones stay", async () => {
    const ws = await h.newWorkspace("expiry");
    const upload = () =>
      receiveUpload(h.database, {
        tenantId: ws.tenant.id,
        userId: ws.owner.id,
        kind: "customers",
        fileName: "people.csv",
        body: bytes("customer_id,name\nC1,Ada\n"),
        dataDir: importDir,
      });
    const old = await upload();
    const fresh = await upload();
    await h.database.query("update imports set created_at = now() - interval '25 hours' where id = $1", [
      old.importId,
    ]);
    const path = async (id: string) =>
      (
        await h.database.query<{ upload_path: string | null }>(
          "select upload_path from imports where id = $1",
          [id],
        )
      ).rows[0]!.upload_path;
    const oldPath = (await path(old.importId))!;
    const freshPath = (await path(fresh.importId))!;

    const expired = await expireUploads(h.database);
    expect(expired.map((e) => e.id)).toEqual([old.importId]);
    await expect(stat(oldPath)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(freshPath)).resolves.toBeDefined();
    const { rows } = await h.database.query<{ status: string; error: string; upload_path: string | null }>(
      "select status, error, upload_path from imports where id = $1",
      [old.importId],
    );
    expect(rows[0]).toEqual({
      status: "failed",
      error: "The file was not imported within 24 hours of its upload, so it was deleted. Upload it again.",
      upload_path: null,
    });
    // It cannot be started any more; the fresh one still can.
    const start = (id: string, preview: typeof old.preview) =>
      ws.owner.caller.import.start({
        workspace: ws.workspace,
        id,
        mapping: { ...preview.mapping, fields: { customerId: "customer_id", name: "name" } },
      });
    await expect(start(old.importId, old.preview)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(start(fresh.importId, fresh.preview)).resolves.toMatchObject({ status: "queued" });
    // A second sweep finds nothing more.
    expect(await expireUploads(h.database)).toEqual([]);
  });
});
