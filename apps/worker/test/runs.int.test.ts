import { fileURLToPath } from "node:url";
import { closeJobQueue, type RunConsumer, startRunConsumer } from "@strata/api/jobs";
import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorkspace, FINAL, seedCustomers, type Workspace, waitFor } from "./helpers.js";

// Both task files behave like the real ones except for runs with seed 666, whose thread dies.
const crashingTask = fileURLToPath(new URL("./fixtures/crashing-task.mjs", import.meta.url));
const crashingExecutorTask = fileURLToPath(new URL("./fixtures/crashing-executor-task.mjs", import.meta.url));

describe.each(testDrivers())("segmentation runs on %s", (driver) => {
  let database: TestDatabase;
  let consumer: RunConsumer;
  let ws: Workspace;

  // In-process consumer, as in embedded mode.
  const startConsumer = () =>
    startRunConsumer(database, {
      threads: 2,
      pollingIntervalSeconds: 0.5,
      clusterTaskFile: crashingTask,
      executorTaskFile: crashingExecutorTask,
      log: () => {},
    });

  beforeAll(async () => {
    database = await createTestDb(driver);
    ws = await createWorkspace(database);
    await seedCustomers(database, ws.tenantId, 3000);
    consumer = await startConsumer();
  });

  afterAll(async () => {
    await consumer?.stop({ drainTimeoutMs: 1000 });
    if (database) await closeJobQueue(database);
    await database?.cleanup();
  });

  const finalRun = (id: string, caller = callerFor(database, ws.viewerId)) =>
    waitFor(`run ${id} to finish`, async () => {
      const run = await caller.run.get({ workspace: ws.slug, id });
      return FINAL.has(run.status) ? run : undefined;
    });

  it("goes from queued through running with rising progress to succeeded, with results through the api", async () => {
    const editor = callerFor(database, ws.editorId);
    const viewer = callerFor(database, ws.viewerId);
    const created = await editor.run.create({ workspace: ws.slug, config: { k: "auto", kMin: 2, kMax: 6 } });
    expect(created.status).toBe("queued");
    expect(created.createdBy).toBe(ws.editorId);

    const seen: Array<{ status: string; percent: number }> = [];
    const done = await waitFor(
      "the run to finish",
      async () => {
        const run = await viewer.run.get({ workspace: ws.slug, id: created.id });
        const last = seen.at(-1);
        if (!last || last.status !== run.status || last.percent !== run.progress.percent) {
          seen.push({ status: run.status, percent: run.progress.percent });
        }
        return FINAL.has(run.status) ? run : undefined;
      },
      { intervalMs: 50 },
    );

    expect(done.status).toBe("succeeded");
    expect(done.error).toBeNull();
    expect(seen[0]!.status).toBe("queued");
    expect(seen.some((s) => s.status === "running")).toBe(true);
    const percents = seen.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const result = done.result as {
      k: number;
      sizes: number[];
      chosenK: { k: number; reason: string };
      modelSelection: Array<{ k: number; silhouette: number }>;
      centroidsOriginal: number[][];
      features: string[];
    };
    expect(result.k).toBe(3);
    expect(result.chosenK.reason).toMatch(/k = 3/);
    expect(result.modelSelection.map((p) => p.k)).toEqual([2, 3, 4, 5, 6]);
    expect(result.sizes).toEqual([1000, 1000, 1000]);
    // Each blob is one segment, whatever its index: its centre in original units is the blob's centre.
    expect(result.features).toEqual(["frequency", "monetary", "recency"]);
    const monetary = result.centroidsOriginal.map((c) => Math.round(c[1]!)).sort((a, b) => a - b);
    expect(monetary[0]).toBeCloseTo(50, -1);
    expect(monetary[1]).toBeCloseTo(400, -1);
    expect(monetary[2]).toBeCloseTo(1500, -1);
    // The run's view counts the map sample; run.map reads it.
    expect(done.mapSample.pca).toBe(2000);
    const pca = await viewer.run.map({ workspace: ws.slug, id: created.id, method: "pca" });
    expect(pca.customerIds).toHaveLength(2000);
    expect(pca.externalIds.every((id) => id.length > 0)).toBe(true);
    expect(done.metrics).toMatchObject({ k: 3, rows: 3000 });
    expect(done.attempt).toBe(1);

    const assignments = await database.query<{ segment: number; n: number }>(
      "select segment, count(*)::int as n from run_assignments where run_id = $1 group by segment order by segment",
      [created.id],
    );
    expect(assignments.rows.map((r) => r.n)).toEqual([1000, 1000, 1000]);

    // The t-SNE map is drawn after the segments are stored, over the same customers as the PCA map.
    const mapped = await waitFor("the t-SNE map", async () => {
      const run = await viewer.run.get({ workspace: ws.slug, id: created.id });
      return run.result?.tsnePending === false ? run : undefined;
    });
    const pcaCustomers = new Set(pca.customerIds);
    expect(mapped.mapSample.tsne).toBe(2000);
    const tsne = await viewer.run.map({ workspace: ws.slug, id: created.id, method: "tsne" });
    expect(tsne.customerIds).toHaveLength(2000);
    for (const id of tsne.customerIds) expect(pcaCustomers.has(id)).toBe(true);
    expect(mapped.status).toBe("succeeded");

    const list = await viewer.run.list({ workspace: ws.slug });
    expect(list.items.map((r) => r.id)).toContain(created.id);
  });

  it("refuses a run from a viewer and a config that does not validate", async () => {
    const viewer = callerFor(database, ws.viewerId);
    const editor = callerFor(database, ws.editorId);
    await expect(viewer.run.create({ workspace: ws.slug, config: {} })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      editor.run.create({ workspace: ws.slug, config: { kMin: 8, kMax: 3 } as never }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(editor.run.create({ workspace: ws.slug, config: { features: ["nope"] } })).rejects.toThrow(
      /Unknown or non-numeric feature: nope/,
    );
  });

  it("stops a running run when it is cancelled and keeps none of its result", async () => {
    // Many customers, many k and restarts on overlapping groups: long enough to be cancelled
    // mid-computation (the map is drawn after the result, so describing no longer lengthens a run).
    const big = await createWorkspace(database);
    await seedCustomers(database, big.tenantId, 30_000, { spread: 0.6 });
    const editor = callerFor(database, big.editorId);
    const created = await editor.run.create({
      workspace: big.slug,
      config: { algorithm: "kmeans", k: "auto", kMin: 2, kMax: 40, seed: 3 },
    });
    await waitFor("the run to be clustering", async () => {
      const run = await editor.run.get({ workspace: big.slug, id: created.id });
      if (FINAL.has(run.status)) throw new Error(`run ended before it could be cancelled: ${run.status}`);
      return run.status === "running" && run.progress.percent >= 20 ? run : undefined;
    });
    const cancelled = await editor.run.cancel({ workspace: big.slug, id: created.id });
    expect(cancelled.status).toBe("cancelled");
    // The worker notices on its next heartbeat and the thread is terminated.
    await waitFor("the worker to let go of the run", async () => (consumer.active === 0 ? true : undefined), {
      timeoutMs: 15_000,
    });
    const after = await waitFor(`run ${created.id} to finish`, async () => {
      const run = await editor.run.get({ workspace: big.slug, id: created.id });
      return FINAL.has(run.status) ? run : undefined;
    });
    expect(after.status).toBe("cancelled");
    expect(after.result).toBeNull();
    const rows = await database.query("select 1 from run_assignments where run_id = $1", [created.id]);
    expect(rows.rows).toHaveLength(0);
    await expect(editor.run.cancel({ workspace: big.slug, id: created.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("fails fast with a readable reason when there are too few customers for k, and retry runs it again", async () => {
    const small = await createWorkspace(database);
    await seedCustomers(database, small.tenantId, 5);
    const editor = callerFor(database, small.editorId);
    const created = await editor.run.create({ workspace: small.slug, config: { k: 8 } });
    const failed = await waitFor("the run to fail", async () => {
      const run = await editor.run.get({ workspace: small.slug, id: created.id });
      return FINAL.has(run.status) ? run : undefined;
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(
      /Only 5 customers have usable features, but k = 8 segments needs at least 9/,
    );

    await seedCustomers(database, small.tenantId, 60);
    const retried = await editor.run.retry({ workspace: small.slug, id: created.id });
    expect(retried.status).toBe("queued");
    const done = await waitFor("the retried run", async () => {
      const run = await editor.run.get({ workspace: small.slug, id: created.id });
      return FINAL.has(run.status) ? run : undefined;
    });
    expect(done.status).toBe("succeeded");
    expect((done.result as { k: number }).k).toBe(8);
  });

  it("fails a run whose features are all constant with a sentence saying so", async () => {
    const flat = await createWorkspace(database);
    await seedCustomers(database, flat.tenantId, 50, { constant: true });
    const editor = callerFor(database, flat.editorId);
    const created = await editor.run.create({ workspace: flat.slug, config: {} });
    const failed = await waitFor("the run to fail", async () => {
      const run = await editor.run.get({ workspace: flat.slug, id: created.id });
      return FINAL.has(run.status) ? run : undefined;
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/has the same value for all customers/);
  });

  it("runs DBSCAN and hierarchical clustering as whole-run tasks", async () => {
    const small = await createWorkspace(database);
    await seedCustomers(database, small.tenantId, 600);
    const editor = callerFor(database, small.editorId);
    const density = await editor.run.create({
      workspace: small.slug,
      config: { algorithm: "dbscan", eps: 0.3 },
    });
    const tree = await editor.run.create({
      workspace: small.slug,
      config: { algorithm: "hierarchical", k: "auto", kMin: 2, kMax: 5 },
    });
    const caller = callerFor(database, small.viewerId);
    const wait = (id: string) =>
      waitFor(`run ${id}`, async () => {
        const run = await caller.run.get({ workspace: small.slug, id });
        return FINAL.has(run.status) ? run : undefined;
      });
    const [d, h] = [await wait(density.id), await wait(tree.id)];
    expect([d.error, h.error]).toEqual([null, null]);
    expect(d.status).toBe("succeeded");
    expect(d.result).toMatchObject({ algorithm: "dbscan", k: 3 });
    expect((d.metrics as { noiseShare: number }).noiseShare).toBeLessThan(0.1);
    expect(h.status).toBe("succeeded");
    expect(h.result).toMatchObject({ algorithm: "hierarchical", k: 3, sizes: [200, 200, 200] });
    expect(
      (h.result as { algorithmDetails: { dendrogram: { lastMerges: number[] } } }).algorithmDetails.dendrogram
        .lastMerges,
    ).toHaveLength(400);
  });

  it("fails only the run whose worker thread dies, and the pool goes on", async () => {
    const editor = callerFor(database, ws.editorId);
    const doomed = await editor.run.create({ workspace: ws.slug, config: { k: 3, seed: 666 } });
    const failed = await finalRun(doomed.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/stopped unexpectedly/);

    const next = await editor.run.create({ workspace: ws.slug, config: { k: 3, seed: 1 } });
    const done = await finalRun(next.id);
    expect(done.status).toBe("succeeded");
  });
  it("keeps none of the memberships it was writing when describing the segments fails", async () => {
    const editor = callerFor(database, ws.editorId);
    const kept = await finalRun(
      (await editor.run.create({ workspace: ws.slug, config: { k: 3, seed: 5 } })).id,
    );
    expect(kept.status).toBe("succeeded");
    const doomed = await editor.run.create({ workspace: ws.slug, config: { k: 3, seed: 667 } });
    const failed = await finalRun(doomed.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/stopped unexpectedly/);
    const count = async (runId: string) =>
      Number(
        (
          await database.query<{ n: number }>(
            "select count(*)::int as n from run_assignments where run_id = $1",
            [runId],
          )
        ).rows[0]?.n,
      );
    expect(await count(doomed.id)).toBe(0);
    // The run before it keeps every membership.
    expect(await count(kept.id)).toBe(3000);
  });

  it("hands a running run back to the queue when its consumer shuts down, and another finishes it", async () => {
    // Many customers and a long sweep (39 values of k), so the run is still clustering when its
    // consumer stops (3,000 customers were done before the first heartbeat could show it running).
    const big = await createWorkspace(database);
    await seedCustomers(database, big.tenantId, 30_000, { spread: 0.6 });
    const editor = callerFor(database, big.editorId);
    const created = await editor.run.create({
      workspace: big.slug,
      config: { k: "auto", kMin: 2, kMax: 40, seed: 5 },
    });
    await waitFor("the run to be clustering", async () => {
      const run = await editor.run.get({ workspace: big.slug, id: created.id });
      if (FINAL.has(run.status)) throw new Error(`run ended before the shutdown: ${run.status}`);
      return run.status === "running" && run.progress.percent >= 20 ? run : undefined;
    });
    await consumer.stop({ drainTimeoutMs: 0 });
    const handedBack = await editor.run.get({ workspace: big.slug, id: created.id });
    expect(handedBack.status).toBe("queued");
    expect(handedBack.progress.stage).toMatch(/previous one shut down/);

    consumer = await startConsumer();
    const done = await waitFor(
      `run ${created.id} to finish`,
      async () => {
        const run = await editor.run.get({ workspace: big.slug, id: created.id });
        return FINAL.has(run.status) ? run : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(done.status).toBe("succeeded");
    // The interrupted attempt stays counted (a run shut down on every attempt must end, see
    // packages/api/test/faults.int.test.ts): the second consumer's is attempt 2.
    expect(done.attempt).toBe(2);
  });
});
