import { mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { expectTRPCError, openHarness } from "./harness.js";
import { seedCustomers } from "./segment-fixtures.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

const CSV = "customer_id,name\nC1,Ada\nC2,Grace\n";

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const RUN = { config: { features: ["monetary", "frequency"], algorithm: "kmeans" as const, k: 2 } };

describe.each(testDrivers())("per-workspace quotas, on %s", (driver) => {
  let h: Harness;
  let importDir: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-quotas-"));
  });
  afterAll(async () => {
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function workspaceWithCustomers(label: string) {
    const ws = await h.newWorkspace(label);
    await seedCustomers(h, ws.tenant.id, 12);
    return ws;
  }

  function upload(ws: { tenant: { id: string }; owner: { id: string } }, text = CSV) {
    return receiveUpload(h.database, {
      tenantId: ws.tenant.id,
      userId: ws.owner.id,
      kind: "customers",
      fileName: "people.csv",
      body: bytes(text),
      dataDir: importDir,
    });
  }

  it("refuses a run past the queued-runs quota with the limit and what to do, even when asked in parallel", async () => {
    vi.stubEnv("STRATA_MAX_QUEUED_RUNS", "3");
    const ws = await workspaceWithCustomers("queued-runs");
    const caller = ws.owner.caller;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => caller.run.create({ workspace: ws.workspace, ...RUN })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    await expectTRPCError(
      caller.run.create({ workspace: ws.workspace, ...RUN }),
      "TOO_MANY_REQUESTS",
      "This workspace already has 3 runs waiting to start, the most it may queue (3). Wait for some to start, or cancel one, then try again.",
    );
    // Cancelling one makes room again.
    const [first] = (await caller.run.list({ workspace: ws.workspace })).items;
    await caller.run.cancel({ workspace: ws.workspace, id: first!.id });
    await expect(caller.run.create({ workspace: ws.workspace, ...RUN })).resolves.toMatchObject({
      status: "queued",
    });
  });

  it("queues ten runs by default and refuses the eleventh", async () => {
    const ws = await workspaceWithCustomers("default-runs");
    for (let i = 0; i < 10; i++) await ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN });
    await expectTRPCError(
      ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN }),
      "TOO_MANY_REQUESTS",
      /most it may queue \(10\)/,
    );
  });

  it("counts a retry against the queued-runs quota and keeps the run's attempt count", async () => {
    vi.stubEnv("STRATA_MAX_QUEUED_RUNS", "1");
    const ws = await workspaceWithCustomers("retry");
    const run = await ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN });
    await h.database.query("update runs set status = 'failed', attempt = 2 where id = $1", [run.id]);
    const retried = await ws.owner.caller.run.retry({ workspace: ws.workspace, id: run.id });
    expect(retried.status).toBe("queued");
    const [row] = (
      await h.database.query<{ attempt: number; max_attempts: number }>(
        "select attempt, max_attempts from runs where id = $1",
        [run.id],
      )
    ).rows;
    // The two attempts it used stay counted; the retry gives it three more.
    expect(row).toEqual({ attempt: 2, max_attempts: 5 });
    await h.database.query("update runs set status = 'failed' where id = $1", [run.id]);
    const second = await ws.owner.caller.run.create({ workspace: ws.workspace, ...RUN });
    await expectTRPCError(
      ws.owner.caller.run.retry({ workspace: ws.workspace, id: run.id }),
      "TOO_MANY_REQUESTS",
      /most it may queue \(1\)/,
    );
    await ws.owner.caller.run.cancel({ workspace: ws.workspace, id: second.id });
    // A run started the most times allowed cannot be retried again: its count was never reset.
    await h.database.query("update runs set attempt = 10, max_attempts = 10 where id = $1", [run.id]);
    await expectTRPCError(
      ws.owner.caller.run.retry({ workspace: ws.workspace, id: run.id }),
      "PRECONDITION_FAILED",
      "This run has been started 10 times, the most one run may be (10). Start a new run instead, with fewer customers or features if it keeps failing.",
    );
    vi.stubEnv("STRATA_MAX_JOB_ATTEMPTS", "12");
    const again = await ws.owner.caller.run.retry({ workspace: ws.workspace, id: run.id });
    expect(again.status).toBe("queued");
    const [capped] = (
      await h.database.query<{ attempt: number; max_attempts: number }>(
        "select attempt, max_attempts from runs where id = $1",
        [run.id],
      )
    ).rows;
    expect(capped).toEqual({ attempt: 10, max_attempts: 12 });
  });

  it("refuses an import past the imports-in-flight quota; starting a failed import again keeps its attempts", async () => {
    vi.stubEnv("STRATA_MAX_IMPORTS_IN_FLIGHT", "2");
    const ws = await h.newWorkspace("imports");
    const received = await Promise.all([upload(ws), upload(ws), upload(ws)]);
    const start = (r: (typeof received)[number]) =>
      ws.owner.caller.import.start({
        workspace: ws.workspace,
        id: r.importId,
        mapping: { ...r.preview.mapping, fields: { customerId: "customer_id", name: "name" } },
      });
    const results = await Promise.allSettled(received.map(start));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message:
        "This workspace already has 2 imports queued or running, the most it may have at once (2). Start this one when one of them has finished.",
    });
    // One finishes (fails after two attempts): there is room, and its attempts stay counted.
    const failed = received.find((_, i) => results[i]!.status === "fulfilled")!;
    await h.database.query("update imports set status = 'failed', attempt = 2 where id = $1", [
      failed.importId,
    ]);
    await start(failed);
    const [row] = (
      await h.database.query<{ status: string; attempt: number; max_attempts: number }>(
        "select status, attempt, max_attempts from imports where id = $1",
        [failed.importId],
      )
    ).rows;
    expect(row).toEqual({ status: "queued", attempt: 2, max_attempts: 5 });
    await h.database.query("update imports set status = 'failed', attempt = 10 where id = $1", [
      failed.importId,
    ]);
    await expectTRPCError(
      start(failed),
      "PRECONDITION_FAILED",
      /started 10 times, the most one import may be/,
    );
  });

  it("refuses an upload past the storage quota, keeping nothing of it", async () => {
    // 1 KB of kept uploads; each file is a bit over 400 bytes.
    vi.stubEnv("STRATA_MAX_UPLOAD_STORAGE_MB", String(1 / 1024));
    const ws = await h.newWorkspace("storage");
    const text = `customer_id,name\n${Array.from({ length: 40 }, (_, i) => `C${i},Name${i}`).join("\n")}\n`;
    const first = await upload(ws, text);
    const second = await upload(ws, text);
    expect(first.fileSize + second.fileSize).toBeLessThanOrEqual(1024);
    const error = await upload(ws, text).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(
        /^This workspace keeps .* of uploaded files that are not imported yet, and may keep at most 1 KB\. Import or re-upload fewer files/,
      ),
    });
    const { rows } = await h.database.query<{ n: number }>(
      "select count(*)::int as n from imports where tenant_id = $1",
      [ws.tenant.id],
    );
    expect(rows[0]!.n).toBe(2);
  });

  it("creates upload files readable by the server user only, in folders only it can open", async () => {
    const ws = await h.newWorkspace("modes");
    const received = await upload(ws);
    const [row] = (
      await h.database.query<{ upload_path: string }>("select upload_path from imports where id = $1", [
        received.importId,
      ])
    ).rows;
    expect((await stat(row!.upload_path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(row!.upload_path))).mode & 0o777).toBe(0o700);
    expect((await stat(join(importDir, "imports"))).mode & 0o777).toBe(0o700);
  });

  it("refuses a cost-to-serve computation past the queued quota", async () => {
    vi.stubEnv("STRATA_MAX_QUEUED_COST_TO_SERVE_RUNS", "1");
    const ws = await h.newWorkspace("cts");
    await ws.owner.caller.costToServe.compute({ workspace: ws.workspace });
    await expectTRPCError(
      ws.owner.caller.costToServe.compute({ workspace: ws.workspace }),
      "TOO_MANY_REQUESTS",
      "This workspace already has 1 cost-to-serve computation waiting to start, the most it may queue (1). Wait for them to finish, then try again.",
    );
  });

  it("limits the workspaces one user owns, even when created in parallel", async () => {
    vi.stubEnv("STRATA_MAX_OWNED_WORKSPACES", "3");
    const user = await h.newUser("owner");
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => user.caller.tenant.create({ name: h.unique("many") })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    await expectTRPCError(
      user.caller.tenant.create({ name: h.unique("many") }),
      "TOO_MANY_REQUESTS",
      "You already own 3 workspaces, the most one person may own (3). Delete one or hand its ownership to someone else, then try again.",
    );
    expect(await user.caller.tenant.list()).toHaveLength(3);
    // Being a member of someone else's workspace does not count.
    const other = await h.newWorkspace("not-owned");
    const { token } = await other.owner.caller.invitation.create({
      workspace: other.workspace,
      role: "admin",
    });
    await user.caller.invitation.accept({ token });
    expect(await user.caller.tenant.list()).toHaveLength(4);
  });
});
