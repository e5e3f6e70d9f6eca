import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRunConfig } from "@strata/contract";
import { testDrivers, withTenant } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleRejectedReport } from "../src/http/index.js";
import { clusterRun } from "../src/jobs/cluster-run.js";
import { profileStaleDatasets } from "../src/jobs/profile-job.js";
import { closeJobQueue } from "../src/jobs/queue.js";
import { startRunConsumer } from "../src/jobs/run-consumer.js";
import { insertAssignments, readFeatureMatrix } from "../src/jobs/run-data.js";
import type { ImportMapping } from "../src/services/import/mapping.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { startImport, waitForImport } from "../src/services/import/start-import.js";
import { CUSTOMER_TABLES } from "../src/services/privacy/export-customer-data.js";
import { MASKED } from "../src/services/privacy/personal-columns.js";
import { createContext } from "../src/trpc.js";
import { expectTRPCError, openHarness } from "./harness.js";

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const COUNTRIES = ["DE", "FR", "NL"];
/** 24 customers; C3 appears twice, so its second line is rejected and the report holds its id. */
function customersCsv(): string {
  const lines = ["customer_id,email,full_name,birth_year,spend,visits,recency,country,plan"];
  for (let i = 1; i <= 24; i++) {
    const group = i % 3;
    lines.push(
      [
        `C${i}`,
        `c${i}@example.com`,
        `Person ${i}`,
        1950 + ((i * 7) % 50),
        [5000, 150, 900][group]! + i * 3,
        [20, 2, 8][group]! + (i % 4),
        [10, 200, 60][group]! + (i % 5),
        COUNTRIES[group],
        "basic",
      ].join(","),
    );
    if (i === 3) lines.push("C3,again@example.com,Person 3,1971,1,1,1,DE,basic");
  }
  return `${lines.join("\n")}\n`;
}

describe.each(testDrivers())("personal data on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let dataDir: string;
  let home: Awaited<ReturnType<typeof h.newWorkspace>>;
  let viewer: Awaited<ReturnType<typeof h.addMember>>;
  let editor: Awaited<ReturnType<typeof h.addMember>>;
  let admin: Awaited<ReturnType<typeof h.addMember>>;
  let workspace: string;
  let tenantId: string;
  let importId: string;
  let setId: string;
  let runId: string;
  const idOf = new Map<string, string>();

  const count = async (sqlText: string, args: unknown[]) =>
    Number((await h.database.query<{ n: string | number }>(sqlText, args)).rows[0]!.n);

  beforeAll(async () => {
    h = await openHarness(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-privacy-"));
    home = await h.newWorkspace("privacy");
    workspace = home.workspace;
    tenantId = home.tenant.id;
    viewer = await h.addMember(home.owner.caller, workspace, "viewer");
    editor = await h.addMember(home.owner.caller, workspace, "editor");
    admin = await h.addMember(home.owner.caller, workspace, "admin");

    const received = await receiveUpload(h.database, {
      tenantId,
      userId: home.owner.id,
      kind: "customers",
      fileName: "people.csv",
      body: bytes(customersCsv()),
      dataDir,
    });
    importId = received.importId;
    const mapping: ImportMapping = received.preview.mapping;
    await startImport(h.database, { tenantId, importId, mapping, onInvalid: "import_valid", dataDir });
    const outcome = await waitForImport(importId);
    expect(outcome).toMatchObject({ status: "succeeded", rejected: 1 });
    const rows = await h.database.query<{ id: string; external_id: string }>(
      "select id, external_id from customers where tenant_id = $1",
      [tenantId],
    );
    for (const r of rows.rows) idOf.set(r.external_id, r.id);

    // Order lines and activity events of C3, so the erasure has rows in every table.
    const datasetId = randomUUID();
    await h.database.query(
      "insert into datasets (id, tenant_id, kind, name) values ($1, $2, 'orders', 'Orders')",
      [datasetId, tenantId],
    );
    for (const [ext, n] of [
      ["C3", 3],
      ["C4", 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await h.database.query(
          `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, order_id, ordered_at, quantity, unit_price)
           values ($1, $2, $3, $4, $5, now() - interval '10 days', 2, 9.5)`,
          [tenantId, datasetId, idOf.get(ext), randomUUID(), `O-${ext}-${i}`],
        );
      }
      await h.database.query(
        `insert into activity_events (tenant_id, dataset_id, customer_id, event_key, activity, quantity)
         values ($1, $2, $3, $4, 'visit', 2)`,
        [tenantId, datasetId, idOf.get(ext), randomUUID()],
      );
    }

    // A finished run on the non-personal features, written the way the worker writes one, published.
    const config = parseRunConfig({
      algorithm: "kmeans",
      k: 3,
      seed: 1,
      features: ["spend", "visits", "recency"],
    });
    const matrix = await readFeatureMatrix(h.database, tenantId, config.features);
    const output = clusterRun({
      data: matrix.data,
      n: matrix.n,
      d: matrix.d,
      features: config.features,
      config,
    });
    const ids = Array.from(output.rows, (r) => matrix.customerIds.at(r));
    const toPoints = (points: Array<[number, number, number, number, number?]>) =>
      points.map(([row, x, y, segment]) => ({ customerId: ids[row]!, x, y, segment }));
    const result = {
      algorithm: config.algorithm,
      algorithmDetails: output.algorithmDetails,
      k: output.k,
      sizes: output.sizes,
      features: output.features,
      modelSelection: output.modelSelection,
      chosenK: output.chosenK,
      preparation: output.preparation,
      map: {
        method: "pca",
        explainedVarianceRatio: output.map.explainedVarianceRatio,
        points: toPoints(output.map.points),
      },
      explanation: output.explanation?.explanation ?? null,
      // Every customer on the t-SNE map too (the worker maps a sample).
      tsne: ids.map((customerId, i) => ({ customerId, x: i, y: -i, segment: output.labels[i] ?? 0 })),
      model: output.model,
    };
    runId = randomUUID();
    await h.database.query(
      `insert into runs (id, tenant_id, config, status, result, metrics, created_by, finished_at)
       values ($1, $2, $3::jsonb, 'succeeded', $4::jsonb, '{}'::jsonb, $5, now())`,
      [runId, tenantId, JSON.stringify(config), JSON.stringify(result), home.owner.id],
    );
    await withTenant(h.database.db, tenantId, (tx) =>
      insertAssignments(tx, runId, tenantId, matrix.customerIds, output),
    );
    const set = await home.owner.caller.segment.publish({ workspace, runId, name: "Privacy set" });
    setId = set.id;
  }, 120_000);

  afterAll(async () => {
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("suggests email, name and birth date columns as personal at import, and keeps the mark on the dataset", async () => {
    const [dataset] = (
      await h.database.query<{ columns: Array<{ key?: string; isPersonal?: boolean }> }>(
        "select columns from datasets where tenant_id = $1 and kind = 'customers'",
        [tenantId],
      )
    ).rows;
    const personal = dataset!.columns.filter((c) => c.isPersonal).map((c) => c.key);
    expect(personal.sort()).toEqual(["birth_year", "email", "full_name"]);
  });

  it("never suggests a personal column as a default clustering feature, though it is offered", async () => {
    const described = await home.owner.caller.segment.features({ workspace });
    const names = described.features.map((f) => f.name);
    expect(names).toContain("birth_year");
    expect(described.features.find((f) => f.name === "birth_year")?.isPersonal).toBe(true);
    expect(described.defaults).not.toContain("birth_year");
    expect(described.features.find((f) => f.name === "birth_year")?.min).toBeGreaterThan(1900);
    const viewers = await viewer.caller.segment.features({ workspace });
    expect(viewers.features.find((f) => f.name === "birth_year")).toMatchObject({ min: null, max: null });
    expect(viewers.defaults).toEqual(described.defaults);
    expect(described.defaults.length).toBeGreaterThan(0);
    for (const name of ["email", "full_name", "birth_year"]) expect(described.defaults).not.toContain(name);
  });

  it("masks personal values for viewers on the customer page, and shows them to editors", async () => {
    const id = idOf.get("C5")!;
    const seen = await viewer.caller.customer.get({ workspace, id });
    expect(seen.isMasked).toBe(true);
    expect(seen.attributes).toMatchObject({
      email: MASKED,
      full_name: MASKED,
      birth_year: MASKED,
      country: "NL",
    });
    expect(seen.features?.birth_year).toBe(MASKED);
    expect(JSON.stringify(seen)).not.toContain("c5@example.com");
    const full = await editor.caller.customer.get({ workspace, id });
    expect(full.isMasked).toBe(false);
    expect(full.attributes).toMatchObject({ email: "c5@example.com", full_name: "Person 5" });
  });

  it("keeps personal values out of a viewer's dataset profile and rule fields", async () => {
    await profileStaleDatasets(h.database);
    const [dataset] = (
      await h.database.query<{ id: string }>(
        "select id from datasets where tenant_id = $1 and kind = 'customers'",
        [tenantId],
      )
    ).rows;
    const full = await editor.caller.dataset.get({ workspace, id: dataset!.id });
    expect(JSON.stringify(full.profile)).toContain("example.com");
    const seen = await viewer.caller.dataset.get({ workspace, id: dataset!.id });
    expect(seen.profile).not.toBeNull();
    expect(JSON.stringify(seen.profile)).not.toMatch(/example\.com|Person \d/);
    const birth = seen.profile!.columns.find((c) => c.name === "birth_year")!;
    expect(birth).toMatchObject({ min: null, max: null, mean: null, median: null });
    expect(birth.count).toBeGreaterThan(0);
    expect(seen.profile!.columns.find((c) => c.name === "country")!.topValues?.length).toBe(3);

    const viewerFields = await viewer.caller.segment.ruleFields({ workspace });
    expect(JSON.stringify(viewerFields)).not.toMatch(/example\.com|Person \d/);
    expect(viewerFields.find((f) => f.key === "attribute:email")?.topValues).toEqual([]);
    const editorFields = await editor.caller.segment.ruleFields({ workspace });
    expect(JSON.stringify(editorFields)).toMatch(/example\.com/);
  });

  it("gives viewers the rejected-rows report without the original rows or personal values", async () => {
    const download = async (userId: string) =>
      (
        await handleRejectedReport(
          new Request(`http://localhost/api/workspaces/${workspace}/imports/${importId}/rejected`),
          createContext({ database: h.database, userId }),
          { workspace, id: importId },
        )
      ).text();
    const full = await download(editor.id);
    expect(full).toContain("again@example.com");
    const seen = await download(viewer.id);
    expect(seen.split("\n")[0]).toBe("line,column,value,reason");
    expect(seen).toMatch(/\n\d+,customer_id,C3,/);
    expect(seen).not.toMatch(/example\.com|Person \d/);
  });

  it("leaves personal columns out of a viewer's export and keeps them in an editor's", async () => {
    await home.owner.caller.segment.approve({ workspace, id: setId, version: 1 }).catch(() => undefined);
    const set = await home.owner.caller.segment.getSet({ workspace, id: setId });
    const segmentId = set.segments.find((s) => s.size > 0)!.id;
    const viewers = await viewer.caller.segment.exportPage({ workspace, segmentId });
    expect(viewers.attributeKeys).toEqual(expect.arrayContaining(["country", "spend"]));
    expect(viewers.attributeKeys).not.toEqual(expect.arrayContaining(["email"]));
    for (const key of ["email", "full_name", "birth_year"]) expect(viewers.attributeKeys).not.toContain(key);
    expect(JSON.stringify(viewers)).not.toMatch(/@example\.com|Person \d/);
    const editors = await editor.caller.segment.exportPage({ workspace, segmentId });
    expect(editors.attributeKeys).toEqual(expect.arrayContaining(["email", "full_name", "birth_year"]));
    expect(JSON.stringify(editors)).toMatch(/@example\.com/);
  });

  it("exports everything the database holds on one customer as JSON", async () => {
    const id = idOf.get("C4")!;
    const data = await admin.caller.customer.exportData({ workspace, id });
    expect(data.customer).toMatchObject({ id, external_id: "C4" });
    expect((data.customer as unknown as { attributes: Record<string, unknown> }).attributes).toMatchObject({
      email: "c4@example.com",
    });
    for (const table of CUSTOMER_TABLES) {
      const n = await count(`select count(*) as n from ${table} where tenant_id = $1 and customer_id = $2`, [
        tenantId,
        id,
      ]);
      expect(data[table], table).toHaveLength(n);
    }
    expect(data.order_lines).toHaveLength(2);
    expect(data.activity_events).toHaveLength(1);
    expect(data.segment_memberships).toHaveLength(1);
    expect(data.run_assignments).toHaveLength(1);
    const points = await count(
      `select count(*) as n from runs r, jsonb_array_elements(r.result -> 'map' -> 'points') p
       where r.tenant_id = $1 and p ->> 'customerId' = $2`,
      [tenantId, id],
    );
    expect(data.runMapPoints.filter((p) => p.map === "pca")).toHaveLength(points);
    expect(data.runMapPoints.filter((p) => p.map === "tsne")).toHaveLength(1);
    await expectTRPCError(viewer.caller.customer.exportData({ workspace, id }), "FORBIDDEN");
    await expectTRPCError(editor.caller.customer.exportData({ workspace, id }), "FORBIDDEN");
  });

  it("checks how each segment splits by country against everyone, with a skew per segment and a warning", async () => {
    const offered = await viewer.caller.segment.fairness({ workspace, segmentSetId: setId });
    expect(offered.result).toBeNull();
    expect(offered.attributes.map((a) => a.key)).toContain("country");
    expect(offered.attributes.map((a) => a.key)).not.toContain("full_name");
    const { result } = await viewer.caller.segment.fairness({
      workspace,
      segmentSetId: setId,
      attribute: "country",
    });
    expect(result!.customers).toBe(24);
    expect(result!.population.map((p) => p.share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const s of result!.segments) {
      // Total variation distance, recomputed from the split the statement returned.
      const tvd = 0.5 * s.split.reduce((sum, v) => sum + Math.abs(v.share - v.populationShare), 0);
      expect(s.skew).toBeCloseTo(tvd, 9);
    }
    // The clusters follow the spend groups, which are the countries here: every segment is skewed.
    expect(result!.segments.some((s) => s.level === "strong" && s.warning?.includes("country"))).toBe(true);
    expect(result!.cramersV).toBeGreaterThan(0.5);
    expect(result!.cramersV).toBeLessThanOrEqual(1);
    const byRun = await viewer.caller.segment.fairness({ workspace, runId, attribute: "country" });
    expect(byRun.result!.customers).toBe(24);
    expect(byRun.result!.cramersV).toBeCloseTo(result!.cramersV, 9);
  });

  it("refuses a fairness check on an attribute with one value, an unknown one, or a personal one a viewer may not see", async () => {
    await expectTRPCError(
      viewer.caller.segment.fairness({ workspace, segmentSetId: setId, attribute: "plan" }),
      "BAD_REQUEST",
      /one value/,
    );
    await expectTRPCError(
      viewer.caller.segment.fairness({ workspace, segmentSetId: setId, attribute: "shoe_size" }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      viewer.caller.segment.fairness({ workspace, segmentSetId: setId, attribute: "full_name" }),
      "FORBIDDEN",
      /personal/,
    );
    const edited = await editor.caller.segment.fairness({
      workspace,
      segmentSetId: setId,
      attribute: "birth_year",
    });
    expect(edited.result!.isPersonal).toBe(true);
    const other = await h.newWorkspace("fair-other");
    await expectTRPCError(
      other.owner.caller.segment.fairness({
        workspace: other.workspace,
        segmentSetId: setId,
        attribute: "country",
      }),
      "NOT_FOUND",
    );
  });

  it("erases a customer: no row, map point, sample or report line is left, and segment sizes agree", async () => {
    const id = idOf.get("C3")!;
    const reportPath = (
      await h.database.query<{ rejected_report_path: string }>(
        "select rejected_report_path from imports where id = $1",
        [importId],
      )
    ).rows[0]!.rejected_report_path;
    expect(readFileSync(reportPath, "utf8")).toContain("again@example.com");
    // A file uploaded but not imported yet that names C3, and one that does not.
    const waiting = await receiveUpload(h.database, {
      tenantId,
      userId: home.owner.id,
      kind: "customers",
      fileName: "update.csv",
      body: bytes("customer_id,spend\nC3,999\nC9,10\n"),
      dataDir,
    });
    const unrelated = await receiveUpload(h.database, {
      tenantId,
      userId: home.owner.id,
      kind: "customers",
      fileName: "others.csv",
      body: bytes("customer_id,spend\nC30,999\nC9,10\n"),
      dataDir,
    });
    const before = await count("select count(*) as n from customers where tenant_id = $1", [tenantId]);

    const erased = await admin.caller.customer.erase({ workspace, id });
    expect(erased.counts).toMatchObject({
      orderLines: 3,
      activityEvents: 1,
      memberships: 1,
      rejectedRowLines: 1,
      uploadsDeleted: 1,
    });
    const imports = await h.database.query<{ id: string; status: string; upload_path: string | null }>(
      "select id, status, upload_path from imports where id = any($1::uuid[])",
      [[waiting.importId, unrelated.importId]],
    );
    const byId = new Map(imports.rows.map((r) => [r.id, r]));
    expect(byId.get(waiting.importId)).toMatchObject({ status: "failed", upload_path: null });
    expect(byId.get(unrelated.importId)).toMatchObject({ status: "pending" });
    expect(byId.get(unrelated.importId)!.upload_path).not.toBeNull();

    expect(await count("select count(*) as n from customers where tenant_id = $1", [tenantId])).toBe(
      before - 1,
    );
    expect(await count("select count(*) as n from customers where id = $1", [id])).toBe(0);
    for (const table of CUSTOMER_TABLES) {
      expect(await count(`select count(*) as n from ${table} where customer_id = $1`, [id]), table).toBe(0);
    }
    // Not a point on any run's maps, nor anywhere else in a run's result.
    const runs = await h.database.query<{ result: unknown }>("select result from runs where tenant_id = $1", [
      tenantId,
    ]);
    for (const r of runs.rows) expect(JSON.stringify(r.result)).not.toContain(id);
    // The rejected-rows report in the data folder and the import's sample hold no line of theirs.
    const files = readdirSync(join(dataDir, "imports", tenantId));
    for (const file of files) {
      const text = readFileSync(join(dataDir, "imports", tenantId, file), "utf8");
      expect(text, file).not.toMatch(/(^|[,"\n])C3([,"\n]|$)/);
      expect(text, file).not.toContain("again@example.com");
    }
    expect(readFileSync(reportPath, "utf8").startsWith("line,column,value,reason")).toBe(true);
    const sample = await h.database.query<{ rejected_sample: unknown }>(
      "select rejected_sample from imports where id = $1",
      [importId],
    );
    expect(JSON.stringify(sample.rows[0]!.rejected_sample)).not.toMatch(/"C3"/);
    // Sizes are recounted from memberships.
    const set = await admin.caller.segment.getSet({ workspace, id: setId });
    for (const s of set.segments) {
      expect(s.size).toBe(
        await count("select count(*) as n from segment_memberships where segment_id = $1", [s.id]),
      );
    }
    expect(set.segments.reduce((n, s) => n + s.size, 0)).toBe(before - 1);
    // One audit event, without the personal data.
    const events = await h.database.query<{ details: unknown; target_id: string }>(
      "select details, target_id from audit_events where tenant_id = $1 and action = 'customer.erased'",
      [tenantId],
    );
    expect(events.rows).toHaveLength(1);
    expect(JSON.stringify(events.rows[0])).not.toMatch(/C3|example\.com|Person 3/);
  });

  it("refuses to erase an unknown or another workspace's customer, or for a viewer or editor, and changes nothing", async () => {
    const other = await h.newWorkspace("elsewhere");
    const foreign = randomUUID();
    await h.database.query("insert into customers (id, tenant_id, external_id) values ($1, $2, 'X1')", [
      foreign,
      other.tenant.id,
    ]);
    const before = await count("select count(*) as n from customers", []);
    const events = await count("select count(*) as n from audit_events where action = 'customer.erased'", []);
    await expectTRPCError(admin.caller.customer.erase({ workspace, id: foreign }), "NOT_FOUND");
    await expectTRPCError(admin.caller.customer.erase({ workspace, id: randomUUID() }), "NOT_FOUND");
    await expectTRPCError(viewer.caller.customer.erase({ workspace, id: idOf.get("C6")! }), "FORBIDDEN");
    await expectTRPCError(editor.caller.customer.erase({ workspace, id: idOf.get("C6")! }), "FORBIDDEN");
    await expectTRPCError(admin.caller.customer.exportData({ workspace, id: foreign }), "NOT_FOUND");
    expect(await count("select count(*) as n from customers", [])).toBe(before);
    expect(await count("select count(*) as n from audit_events where action = 'customer.erased'", [])).toBe(
      events,
    );
  });

  it("runs a segmentation started with no features chosen on every numeric feature but the personal ones", async () => {
    const consumer = await startRunConsumer(h.database, {
      threads: 1,
      sweepIntervalSeconds: 0.5,
      pollingIntervalSeconds: 0.5,
      log: () => {},
    });
    try {
      const run = await home.owner.caller.run.create({ workspace, config: { algorithm: "kmeans", k: 3 } });
      expect(run.config.features).toEqual([]);
      await expect
        .poll(async () => (await home.owner.caller.run.get({ workspace, id: run.id })).status, {
          timeout: 60_000,
        })
        .toBe("succeeded");
      const done = await home.owner.caller.run.get({ workspace, id: run.id });
      expect([...(done.result?.features ?? [])].sort()).toEqual(["recency", "spend", "visits"]);
    } finally {
      await consumer.stop({ drainTimeoutMs: 1_000 });
      await closeJobQueue(h.database);
    }
  }, 90_000);
});
