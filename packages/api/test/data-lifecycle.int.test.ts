import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeJobQueue, getJobQueue, QUEUE_SCHEMA } from "../src/jobs/queue.js";
import { receiveUpload } from "../src/services/import/receive-upload.js";
import { applyRetention } from "../src/services/privacy/apply-retention.js";
import { expectTRPCError, openHarness } from "./harness.js";

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const CUSTOMERS = "customer_id,spend,visits\nA1,10,1\nA2,20,2\nA3,30,3\nA4,40,4\nA5,50,5\n";

describe.each(testDrivers())("workspace deletion and retention on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let importDir: string;

  beforeAll(async () => {
    h = await openHarness(driver);
    importDir = mkdtempSync(join(tmpdir(), "strata-lifecycle-"));
    vi.stubEnv("STRATA_IMPORT_DIR", importDir);
    await getJobQueue(h.database).start();
  }, 60_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await closeJobQueue(h.database);
    await h?.cleanup();
    rmSync(importDir, { recursive: true, force: true });
  });

  /** A workspace with customers and features, an uploaded file in its folder and a queued run job. */
  async function populated(label: string) {
    const home = await h.newWorkspace(label);
    const tenantId = home.tenant.id;
    const received = await receiveUpload(h.database, {
      tenantId,
      userId: home.owner.id,
      kind: "customers",
      fileName: "people.csv",
      body: bytes(CUSTOMERS),
    });
    for (const [i, ext] of ["A1", "A2", "A3", "A4", "A5"].entries()) {
      const [row] = (
        await h.database.query<{ id: string }>(
          "insert into customers (tenant_id, external_id) values ($1, $2) returning id",
          [tenantId, ext],
        )
      ).rows;
      await h.database.query(
        "insert into customer_features (customer_id, tenant_id, features) values ($1, $2, $3)",
        [row!.id, tenantId, JSON.stringify({ spend: i * 10, visits: i, recency: 5 - i })],
      );
    }
    const run = await home.owner.caller.run.create({
      workspace: home.workspace,
      config: { algorithm: "kmeans", k: 2 },
    });
    return { ...home, tenantId, importId: received.importId, runId: run.id };
  }

  const rowsOf = async (tenantId: string) => {
    const tables = await h.database.query<{ table_name: string }>(
      `select table_name from information_schema.columns
       where table_schema = 'public' and column_name = 'tenant_id' order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables.rows) {
      const [row] = (
        await h.database.query<{ n: string | number }>(
          `select count(*) as n from "${table_name}" where tenant_id = $1`,
          [tenantId],
        )
      ).rows;
      if (Number(row!.n) > 0) counts[table_name] = Number(row!.n);
    }
    return counts;
  };
  const jobsOf = async (tenantId: string) =>
    Number(
      (
        await h.database.query<{ n: string | number }>(
          `select count(*) as n from ${QUEUE_SCHEMA}.job where data ->> 'tenantId' = $1`,
          [tenantId],
        )
      ).rows[0]!.n,
    );

  it("deletes a workspace with every row, its files and its queued jobs, and leaves other workspaces alone", async () => {
    const doomed = await populated("doomed");
    const kept = await populated("kept");
    // The runs' jobs are sent once their transactions have committed.
    await expect.poll(() => jobsOf(doomed.tenantId)).toBe(1);
    await expect.poll(() => jobsOf(kept.tenantId)).toBe(1);
    expect(readdirSync(join(importDir, doomed.tenantId)).length).toBeGreaterThan(0);
    expect(Object.keys(await rowsOf(doomed.tenantId))).toEqual(
      expect.arrayContaining(["customers", "customer_features", "imports", "memberships", "runs"]),
    );
    const keptRows = await rowsOf(kept.tenantId);

    const answer = await doomed.owner.caller.tenant.delete({
      workspace: doomed.workspace,
      confirmSlug: doomed.workspace,
    });
    expect(answer).toMatchObject({ deleted: true, jobsRemoved: 1 });

    expect(await rowsOf(doomed.tenantId)).toEqual({});
    expect(
      Number(
        (
          await h.database.query<{ n: number }>("select count(*)::int as n from tenants where id = $1", [
            doomed.tenantId,
          ])
        ).rows[0]!.n,
      ),
    ).toBe(0);
    expect(await jobsOf(doomed.tenantId)).toBe(0);
    expect(existsSync(join(importDir, doomed.tenantId))).toBe(false);
    // The other workspace keeps every row, file and job.
    expect(await rowsOf(kept.tenantId)).toEqual(keptRows);
    expect(await jobsOf(kept.tenantId)).toBe(1);
    expect(readdirSync(join(importDir, kept.tenantId)).length).toBeGreaterThan(0);
  });

  it("refuses a deletion confirmed with the wrong slug, or asked by an admin, and changes nothing", async () => {
    const home = await populated("careful");
    const admin = await h.addMember(home.owner.caller, home.workspace, "admin");
    // The run's job is sent once its transaction has committed.
    await expect.poll(() => jobsOf(home.tenantId)).toBe(1);
    const before = await rowsOf(home.tenantId);
    await expectTRPCError(
      home.owner.caller.tenant.delete({ workspace: home.workspace, confirmSlug: "not-it" }),
      "BAD_REQUEST",
      /slug/,
    );
    await expectTRPCError(
      admin.caller.tenant.delete({ workspace: home.workspace, confirmSlug: home.workspace }),
      "FORBIDDEN",
    );
    const after = await rowsOf(home.tenantId);
    // Adding the admin made a membership and an invitation; nothing else moved.
    expect({ ...after, memberships: 0, invitations: 0, audit_events: 0 }).toEqual({
      ...before,
      memberships: 0,
      invitations: 0,
      audit_events: 0,
    });
    expect(await jobsOf(home.tenantId)).toBe(1);
    expect(existsSync(join(importDir, home.tenantId))).toBe(true);
  });

  it("deletes exactly the order lines older than the workspace's retention, and no other workspace's", async () => {
    const home = await populated("retained");
    const other = await populated("unbounded");
    const now = new Date("2026-06-15T12:00:00Z");
    // Ordered at: 13 months, 12 months and a minute, exactly 12 months, 11 months before `now`.
    const ages = [
      "2025-05-15T12:00:00Z",
      "2025-06-15T11:59:00Z",
      "2025-06-15T12:00:00Z",
      "2025-07-15T12:00:00Z",
    ];
    for (const t of [home, other]) {
      const [customer] = (
        await h.database.query<{ id: string }>("select id from customers where tenant_id = $1 limit 1", [
          t.tenantId,
        ])
      ).rows;
      for (const at of ages) {
        await h.database.query(
          `insert into order_lines (tenant_id, dataset_id, customer_id, line_key, ordered_at, quantity, unit_price)
           values ($1, gen_random_uuid(), $2, gen_random_uuid(), $3, 1, 10)`,
          [t.tenantId, customer!.id, at],
        );
      }
    }
    await home.owner.caller.tenant.updateSettings({
      workspace: home.workspace,
      data: { retentionMonths: 12 },
    });
    const outcomes = await applyRetention(h.database, { now });
    expect(outcomes.find((o) => o.tenantId === home.tenantId)).toEqual({
      tenantId: home.tenantId,
      months: 12,
      deleted: 2,
    });
    expect(outcomes.find((o) => o.tenantId === other.tenantId)).toBeUndefined();
    const left = async (tenantId: string) =>
      (
        await h.database.query<{ at: Date | string }>(
          "select ordered_at as at from order_lines where tenant_id = $1 order by ordered_at",
          [tenantId],
        )
      ).rows.map((r) => new Date(r.at).toISOString());
    expect(await left(home.tenantId)).toEqual(["2025-06-15T12:00:00.000Z", "2025-07-15T12:00:00.000Z"]);
    expect(await left(other.tenantId)).toHaveLength(4);
    // The features were recomputed from the two lines left: two orders.
    const [features] = (
      await h.database.query<{ features: Record<string, unknown> }>(
        `select f.features from customer_features f join order_lines l on l.customer_id = f.customer_id
         where f.tenant_id = $1 limit 1`,
        [home.tenantId],
      )
    ).rows;
    expect(features!.features.frequency).toBe(2);
    const events = await h.database.query<{ details: unknown }>(
      "select details from audit_events where tenant_id = $1 and action = 'order_lines.retention_applied'",
      [home.tenantId],
    );
    expect(events.rows.map((r) => r.details)).toEqual([{ months: 12, deleted: 2 }]);
    // A second sweep finds nothing more to delete.
    expect((await applyRetention(h.database, { now, tenantId: home.tenantId }))[0]!.deleted).toBe(0);
  });

  it("refuses a retention of 0 or a negative number of months, and changes nothing", async () => {
    const home = await populated("bad-retention");
    await home.owner.caller.tenant.updateSettings({
      workspace: home.workspace,
      data: { retentionMonths: 6 },
    });
    for (const months of [0, -3, 1.5]) {
      await expectTRPCError(
        home.owner.caller.tenant.updateSettings({
          workspace: home.workspace,
          data: { retentionMonths: months },
        }),
        "BAD_REQUEST",
      );
    }
    expect(await home.owner.caller.tenant.settings({ workspace: home.workspace })).toMatchObject({
      retentionMonths: 6,
    });
    await home.owner.caller.tenant.updateSettings({
      workspace: home.workspace,
      data: { retentionMonths: null },
    });
    expect(
      (await home.owner.caller.tenant.settings({ workspace: home.workspace })).retentionMonths,
    ).toBeNull();
  });
});
