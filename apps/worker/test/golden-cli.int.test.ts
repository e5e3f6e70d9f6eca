import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { receiveUpload } from "@strata/api";
import {
  closeJobQueue,
  type ImportConsumer,
  type RunConsumer,
  startImportConsumer,
  startRunConsumer,
} from "@strata/api/jobs";
import { createTestDb, type TestDatabase, testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createWorkspace, FINAL, seededRandom, waitFor } from "./helpers.js";

/**
 * One pipeline: `strata segment` on a CSV and a workspace run on the same CSV imported as
 * customers (upload, import, queue, worker, executor threads) give the same k, the same labels
 * for every customer and the same metrics.
 */
const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../../packages/core/dist/cli/main.js");

/** Skewed, RFM-like customers in four groups, ids in sorted order (a run reads customers by id). */
function customersCsv(n: number): string {
  const random = seededRandom(11);
  const centres = [
    [12, 20, 4000],
    [200, 2, 120],
    [60, 7, 800],
    [30, 3, 300],
  ];
  const lines = ["customer_id,recency,orders,spend"];
  for (let i = 0; i < n; i++) {
    const c = centres[i % centres.length]!;
    const jitter = () => Math.exp((random() - 0.5) * 0.8);
    lines.push(
      [
        `G${String(i).padStart(5, "0")}`,
        Math.round(c[0]! * jitter()),
        Math.max(1, Math.round(c[1]! * jitter())),
        (c[2]! * jitter()).toFixed(2),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

describe.each(testDrivers())("the CLI and a workspace run agree (%s)", (driver) => {
  let database: TestDatabase;
  let consumer: RunConsumer;
  let imports: ImportConsumer;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDb(driver);
    consumer = await startRunConsumer(database, { threads: 2, pollingIntervalSeconds: 0.5, log: () => {} });
    imports = await startImportConsumer(database, { pollingIntervalSeconds: 0.5, log: () => {} });
    dir = mkdtempSync(join(tmpdir(), "strata-golden-"));
  });

  afterAll(async () => {
    await consumer?.stop({ drainTimeoutMs: 1000 });
    await imports?.stop({ drainTimeoutMs: 1000 });
    if (database) await closeJobQueue(database);
    await database?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same k, labels and metrics for the same CSV", async () => {
    const path = join(dir, "customers.csv");
    writeFileSync(path, customersCsv(1200));
    const labelsPath = join(dir, "labels.csv");
    const cli = spawnSync(
      process.execPath,
      [CLI, "segment", "--input", path, "--columns", "recency,orders,spend", "--out", labelsPath],
      { encoding: "utf8" },
    );
    expect(cli.stderr).toBe("");
    const fromCli = JSON.parse(cli.stdout) as {
      k: number;
      sizes: number[];
      silhouette: number;
      inertia: number;
      chosenK: { reason: string };
      metrics: { calinskiHarabasz: number; daviesBouldin: number };
    };
    const cliLabels = readFileSync(labelsPath, "utf8").trim().split("\n").map(Number);

    const ws = await createWorkspace(database);
    const editor = callerFor(database, ws.editorId);
    const upload = await receiveUpload(database, {
      tenantId: ws.tenantId,
      userId: ws.editorId,
      kind: "customers",
      fileName: "customers.csv",
      body: createReadStream(path),
    });
    await editor.import.start({ workspace: ws.slug, id: upload.importId, mapping: upload.preview.mapping });
    await waitFor("the import", async () => {
      const row = await editor.import.get({ workspace: ws.slug, id: upload.importId });
      if (["failed", "rejected"].includes(row.status)) throw new Error(`import ${row.status}: ${row.error}`);
      return row.status === "succeeded" ? row : undefined;
    });
    const created = await editor.run.create({
      workspace: ws.slug,
      config: { features: ["recency", "orders", "spend"] },
    });
    const run = await waitFor(
      "the run",
      async () => {
        const r = await editor.run.get({ workspace: ws.slug, id: created.id });
        return FINAL.has(r.status) ? r : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(run.status, run.error ?? "").toBe("succeeded");
    const result = run.result as unknown as { k: number; sizes: number[]; chosenK: { reason: string } };
    const metrics = run.metrics as unknown as {
      silhouette: number;
      inertia: number;
      calinskiHarabasz: number;
      daviesBouldin: number;
    };

    expect(result.k).toBe(fromCli.k);
    expect(result.sizes).toEqual(fromCli.sizes);
    expect(result.chosenK.reason).toBe(fromCli.chosenK.reason);
    expect(metrics.silhouette).toBeCloseTo(fromCli.silhouette, 5);
    expect(metrics.inertia).toBeCloseTo(fromCli.inertia, 3);
    expect(metrics.calinskiHarabasz).toBeCloseTo(fromCli.metrics.calinskiHarabasz, 3);
    expect(metrics.daviesBouldin).toBeCloseTo(fromCli.metrics.daviesBouldin, 5);

    const assigned = await database.query<{ external_id: string; segment: number }>(
      `select c.external_id, a.segment from run_assignments a join customers c on c.id = a.customer_id
       where a.run_id = $1 order by c.external_id`,
      [created.id],
    );
    expect(assigned.rows).toHaveLength(cliLabels.length);
    const fromRun = assigned.rows.map((r) => r.segment);
    expect(fromRun).toEqual(cliLabels);
  });
});
