import { randomUUID } from "node:crypto";
import { testDrivers, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openHarness } from "./harness.js";

type Harness = Awaited<ReturnType<typeof openHarness>>;

/** A config and result as the first runs stored them: no version, none of the later settings or parts. */
const OLD_CONFIG = {
  features: ["monetary"],
  scaler: "zscore",
  missing: "median",
  algorithm: "kmeans",
  k: "auto",
  kMin: 2,
  kMax: 6,
  seed: 0,
  minSamples: 5,
  linkage: "ward",
  covariance: "full",
  timeoutSeconds: 3600,
  mapSampleSize: 2000,
};
const OLD_RESULT = {
  k: 2,
  sizes: [2, 1],
  features: ["monetary"],
  droppedFeatures: [],
  scaler: { kind: "zscore", center: [10], scale: [4] },
  centroids: [[-0.5], [1]],
  centroidsOriginal: [[8], [14]],
  modelSelection: [{ k: 2, inertia: 0.5, silhouette: 0.7, calinskiHarabasz: null, daviesBouldin: null }],
  chosenK: { k: 2, reason: "Best silhouette" },
  preparation: { rowsIn: 3, rowsUsed: 3, rowsDropped: 0, valuesImputed: 0 },
  // JSON has no NaN: a ratio that was NaN is stored as null.
  map: {
    method: "pca",
    explainedVarianceRatio: [null],
    points: [{ customerId: "c1", x: 0, y: 0, segment: 0 }],
  },
};

describe.each(testDrivers())("runs stored before the run contract, on %s", (driver) => {
  let h: Harness;
  let ws: Awaited<ReturnType<Harness["newWorkspace"]>>;
  const runId = randomUUID();

  beforeAll(async () => {
    h = await openHarness(driver);
    ws = await h.newWorkspace("contract");
    await withTenant(h.database.db, ws.tenant.id, (tx) =>
      tx.execute(sql`insert into runs (id, tenant_id, config, status, result, metrics, finished_at)
        values (${runId}, ${ws.tenant.id}, ${JSON.stringify(OLD_CONFIG)}::jsonb, 'succeeded',
                ${JSON.stringify(OLD_RESULT)}::jsonb, ${JSON.stringify({ k: 2, silhouette: 0.7 })}::jsonb, now())`),
    );
  });
  afterAll(async () => h?.cleanup());

  it("opens with today's defaults filling the settings and parts it lacks", async () => {
    const run = await ws.owner.caller.run.get({ workspace: ws.workspace, id: runId });
    expect(run.config).toMatchObject({
      version: 1,
      kMin: 2,
      transform: "auto",
      outliers: "set-aside",
      minSegmentShare: 0.02,
    });
    expect(run.result).toMatchObject({
      version: 1,
      algorithm: "kmeans",
      k: 2,
      transforms: [],
      outliers: null,
      stability: null,
      explanation: null,
      tsne: [],
    });
    expect(run.result?.map.explainedVarianceRatio[0]).toBeNaN();
    expect(run).not.toHaveProperty("jobId");
    expect(run).not.toHaveProperty("tenantId");
    // The map sample is counted, and read on its own (run.map), not sent with every read of the run.
    expect(run.result?.map.points).toEqual([]);
    expect(run.mapSample).toEqual({ pca: 1, tsne: 0 });
  });

  it("reads its map sample column by column, and a t-SNE map it never had as empty", async () => {
    const pca = await ws.owner.caller.run.map({ workspace: ws.workspace, id: runId, method: "pca" });
    expect(pca).toEqual({
      method: "pca",
      explainedVariance: [Number.NaN],
      pending: false,
      customerIds: ["c1"],
      // Not a customer of the workspace (the first runs' ids were not checked): nothing to name.
      externalIds: [""],
      x: [0],
      y: [0],
      z: null,
      segment: [0],
    });
    const tsne = await ws.owner.caller.run.map({ workspace: ws.workspace, id: runId, method: "tsne" });
    expect(tsne).toMatchObject({ method: "tsne", pending: false, customerIds: [], z: null });
  });

  it("is listed with its config read through the same schema", async () => {
    const list = await ws.owner.caller.run.list({ workspace: ws.workspace });
    const listed = list.items.find((r) => r.id === runId);
    expect(listed?.config.version).toBe(1);
    expect(listed?.metrics).toEqual({ k: 2, silhouette: 0.7 });
    expect(listed).not.toHaveProperty("result");
  });
});
