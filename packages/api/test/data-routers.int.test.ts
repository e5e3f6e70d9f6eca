import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profileStaleDatasets } from "../src/jobs/profile-job.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { waitForImport } from "../src/services/import/start-import.js";
import { expectTRPCError, openHarness } from "./harness.js";

async function* body(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

const CUSTOMERS = "customer_id;segment;income\nK1;retail;41000\nK2;b2b;\nK3;retail;52500\n";
const ORDERS =
  "invoice,customer,date,qty,price,channel\n" +
  "I1,K1,2025-01-03,2,10.00,parcel\nI1,K1,2025-01-03,1,4.50,parcel\nI2,K2,2025-02-10,40,1.25,pickup\n";

describe.each(testDrivers())("dataset, import and customer procedures on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let dataDir: string;
  beforeAll(async () => {
    h = await openHarness(driver);
    dataDir = mkdtempSync(join(tmpdir(), "strata-routers-"));
  });
  afterAll(async () => {
    await h?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function importThrough(
    caller: ReturnType<typeof h.callerFor>,
    tenantId: string,
    kind: "customers" | "orders",
    text: string,
  ) {
    const received = await receiveUpload(h.database, {
      tenantId,
      userId: null,
      kind,
      fileName: `${kind}.csv`,
      body: body(text),
      dataDir,
    });
    const preview = await caller.import.preview({ workspace: workspaceSlug, id: received.importId });
    expect(preview.header.length).toBeGreaterThan(2);
    await caller.import.start({ workspace: workspaceSlug, id: received.importId, mapping: preview.mapping });
    const outcome = await waitForImport(received.importId);
    expect(outcome?.status).toBe("succeeded");
    return received.importId;
  }

  let workspaceSlug = "";

  it("an editor imports customers and orders; members read datasets, profiles, customers and imports", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("data");
    workspaceSlug = workspace;
    const customersImport = await importThrough(owner.caller, tenant.id, "customers", CUSTOMERS);
    await importThrough(owner.caller, tenant.id, "orders", ORDERS);

    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const datasets = await viewer.caller.dataset.list({ workspace });
    expect(datasets.map((d) => [d.kind, d.name, d.rowCount])).toEqual([
      ["customers", "Customers", 3],
      ["orders", "Orders", 3],
    ]);
    await profileStaleDatasets(h.database);
    const profile = await viewer.caller.dataset.get({ workspace, id: datasets[0]!.id });
    expect(profile.profileStatus).toBe("ready");
    expect(profile.profile!.columns.find((c) => c.name === "income")).toMatchObject({
      type: "numeric",
      missing: 1,
      min: 41000,
      max: 52500,
    });

    const list = await viewer.caller.customer.list({ workspace, search: "K" });
    expect(list.items.map((c) => c.externalId)).toEqual(["K1", "K2", "K3"]);
    expect(list.items[0]).toMatchObject({ frequency: 1, monetary: 24.5 });
    const k1 = await viewer.caller.customer.get({ workspace, id: list.items[0]!.id });
    expect(k1).toMatchObject({ externalId: "K1", attributes: { segment: "retail", income: 41000 } });
    expect(k1.orderLines).toHaveLength(2);

    const got = await viewer.caller.import.get({ workspace, id: customersImport });
    expect(got).toMatchObject({ status: "succeeded", rowsImported: 3, hasRejectedReport: false });
    expect((await viewer.caller.import.list({ workspace })).length).toBe(2);
  });

  it("a viewer cannot start an import, and another workspace's data is not found", async () => {
    const { owner, tenant, workspace } = await h.newWorkspace("locked");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const received = await receiveUpload(h.database, {
      tenantId: tenant.id,
      userId: owner.id,
      kind: "orders",
      fileName: "orders.csv",
      body: body(ORDERS),
      dataDir,
    });
    await expectTRPCError(
      viewer.caller.import.start({ workspace, id: received.importId, mapping: received.preview.mapping }),
      "FORBIDDEN",
      /editor/,
    );
    const stranger = await h.newWorkspace("stranger");
    await expectTRPCError(
      stranger.owner.caller.import.get({ workspace, id: received.importId }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      stranger.owner.caller.import.get({ workspace: stranger.workspace, id: received.importId }),
      "NOT_FOUND",
      "Import not found",
    );
  });
});
