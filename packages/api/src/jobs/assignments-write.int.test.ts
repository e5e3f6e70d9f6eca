import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { RowAssignments } from "@strata/core";
import { createTestDb, type Driver, type TestDatabase, type Tx, testDrivers, withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawClientOf } from "../services/import/raw-client.js";
import { copyFromStream } from "./assignments-copy.js";
import { CustomerIds } from "./customer-ids.js";
import { insertAssignments, queryRows, readFeatureMatrix, WRITE_CHUNK_ROWS } from "./run-data.js";

// More customers than one chunk of the chunked INSERTs (PGlite), and on PostgreSQL more than one
// slice of the copy's pages (about 70,000 memberships) after many batches of the COPY's text.
const CUSTOMERS_ON: Record<Driver, number> = { pglite: WRITE_CHUNK_ROWS + 4_321, postgres: 90_000 };

/**
 * insertAssignments as it was before the COPY (commit 7d55bfa), verbatim but for its name: the
 * reference the memberships written now are compared with.
 */
async function insertAssignmentsBefore(
  tx: Tx,
  runId: string,
  tenantId: string,
  customerIds: CustomerIds,
  assigned: { rows: Int32Array; labels: Int32Array; distances: Float64Array },
): Promise<void> {
  const { rows, labels, distances } = assigned;
  const positionOfRow = new Int32Array(customerIds.length).fill(-1);
  rows.forEach((row, i) => {
    positionOfRow[row] = i;
  });
  const ordered = customerIds.rowsInIdOrder(rows);
  for (let start = 0; start < ordered.length; start += WRITE_CHUNK_ROWS) {
    const chunk = ordered.subarray(start, start + WRITE_CHUNK_ROWS);
    const ids = Array.from(chunk, (row) => customerIds.at(row));
    const segs = Array.from(chunk, (row) => labels[positionOfRow[row]!]!);
    const dists = Array.from(chunk, (row) => {
      const distance = distances[positionOfRow[row]!]!;
      return Number.isFinite(distance) ? distance : null;
    });
    await tx.execute(sql`
      insert into run_assignments (run_id, tenant_id, customer_id, segment, distance)
      select ${runId}, ${tenantId}, u.customer_id, u.segment, u.distance
      from unnest(${pgArray(ids)}::uuid[], ${pgArray(segs)}::int[], ${pgArray(dists)}::float8[])
        as u(customer_id, segment, distance)`);
  }
}

function pgArray(values: Array<string | number | null>): string {
  return `{${values.map((v) => (v === null ? "NULL" : String(v))).join(",")}}`;
}

/** Distances that must come back bit for bit (or as null), then seeded values of every magnitude. */
const SPECIAL = [0, -0, 0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, 1e21, 1e-7, Number.NaN, Infinity];

function assignmentsOf(n: number): RowAssignments {
  // Every 9th customer is left out (as a run's set-aside outliers are), the rest in no id order.
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 9 !== 4);
  rows.reverse();
  let seed = 12_345;
  const next = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  return {
    rows,
    labels: Int32Array.from(rows, (_, i) => (i % 13 === 0 ? -1 : i % 7)),
    distances: Float64Array.from(rows, (_, i) => SPECIAL[i] ?? next() * 10 ** (next() * 30 - 15)),
  };
}

/** A run's stored memberships in id order, each distance as the hex of its eight bytes. */
async function storedRows(database: TestDatabase, tenantId: string, runId: string) {
  return withTenant(database.db, tenantId, (tx) =>
    queryRows<{ customer_id: string; segment: number; distance: string | null }>(
      tx,
      sql`select customer_id::text, segment, encode(float8send(distance), 'hex') as distance
          from run_assignments where run_id = ${runId} order by customer_id`,
    ),
  );
}

function hexOf(x: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(x);
  return bytes.toString("hex");
}

describe.each(testDrivers())("a run's memberships written on %s", (driver: Driver) => {
  let database: TestDatabase;
  const tenant = randomUUID();
  const CUSTOMERS = CUSTOMERS_ON[driver];
  let customerIds: CustomerIds;

  const createRun = async () => {
    const id = randomUUID();
    await database.query("insert into runs (id, tenant_id, config) values ($1, $2, '{}')", [id, tenant]);
    return id;
  };

  beforeAll(async () => {
    database = await createTestDb(driver);
    await database.query("insert into tenants (id, slug, name) values ($1, $2, $2)", [
      tenant,
      `write-${tenant.slice(0, 8)}`,
    ]);
    await database.query(
      `insert into customers (tenant_id, external_id) select $1, 'C' || g from generate_series(1, $2) g`,
      [tenant, CUSTOMERS],
    );
    await database.query(
      `insert into customer_features (tenant_id, customer_id, features)
       select tenant_id, id, '{"orders": 1}' from customers where tenant_id = $1`,
      [tenant],
    );
    customerIds = (await readFeatureMatrix(database, tenant, ["orders"])).customerIds;
  });

  afterAll(async () => {
    await database?.cleanup();
  });

  it("stores the memberships exactly as the chunked INSERTs did before, distances bit for bit", async () => {
    const assigned = assignmentsOf(CUSTOMERS);
    const before = await createRun();
    const now = await createRun();
    await withTenant(database.db, tenant, (tx) =>
      insertAssignmentsBefore(tx, before, tenant, customerIds, assigned),
    );
    await withTenant(database.db, tenant, (tx) =>
      insertAssignments(tx, now, tenant, customerIds, assigned, { driver }),
    );
    const expected = await storedRows(database, tenant, before);
    const stored = await storedRows(database, tenant, now);
    expect(stored.length).toBe(assigned.rows.length);
    expect(stored).toEqual(expected);
    // And both are the typed arrays' own values (a non-finite distance as null).
    const byId = new Map(stored.map((r) => [r.customer_id, r]));
    assigned.rows.forEach((row, i) => {
      const r = byId.get(customerIds.at(row))!;
      const d = assigned.distances[i]!;
      expect(r.segment).toBe(assigned.labels[i]);
      expect(r.distance).toBe(Number.isFinite(d) ? hexOf(d === 0 ? 0 : d) : null);
    });
  });

  it("lets timers run while it writes (PGlite's queries alone never yield to them)", async () => {
    const runId = await createRun();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await withTenant(database.db, tenant, (tx) =>
        insertAssignments(tx, runId, tenant, customerIds, assignmentsOf(CUSTOMERS), { driver }),
      );
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it("leaves nothing and a working connection when the write fails or is stopped", async () => {
    const runId = await createRun();
    // A customer that is not the workspace's: its foreign key fails the write.
    const strangers = new CustomerIds();
    for (let i = 0; i < customerIds.length; i++) strangers.push(customerIds.at(i));
    strangers.push(randomUUID());
    const everyone = Int32Array.from({ length: strangers.length }, (_, i) => i);
    const assigned = {
      rows: everyone,
      labels: new Int32Array(everyone.length),
      distances: new Float64Array(everyone.length),
    };
    await expect(
      withTenant(database.db, tenant, (tx) =>
        insertAssignments(tx, runId, tenant, strangers, assigned, { driver }),
      ),
    ).rejects.toThrow();
    const stopped = new AbortController();
    stopped.abort();
    await expect(
      withTenant(database.db, tenant, (tx) =>
        insertAssignments(tx, runId, tenant, customerIds, assignmentsOf(CUSTOMERS), {
          driver,
          signal: stopped.signal,
        }),
      ),
    ).rejects.toThrow(/abort/i);
    expect(await storedRows(database, tenant, runId)).toEqual([]);
    // The same connection(s) go on: a write after the failures succeeds.
    await withTenant(database.db, tenant, (tx) =>
      insertAssignments(tx, runId, tenant, customerIds, assignmentsOf(CUSTOMERS), { driver }),
    );
    expect((await storedRows(database, tenant, runId)).length).toBe(assignmentsOf(CUSTOMERS).rows.length);
  });

  it.runIf(driver === "postgres")(
    "cancels a COPY stopped or failed midway, rolls it back and keeps the connection usable",
    async () => {
      const lines = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => `${customerIds.at(from + i)}\t1\t0.5\n`).join("");
      for (const how of ["abort", "source error"] as const) {
        const runId = await createRun();
        const controller = new AbortController();
        let batches = 0;
        const source = new Readable({
          read() {
            batches++;
            if (batches === 3) {
              if (how === "abort") controller.abort();
              else this.destroy(new Error("the formatting failed"));
              return;
            }
            this.push(lines(batches * 100, 100));
          },
        });
        await expect(
          withTenant(database.db, tenant, async (tx) => {
            const client = rawClientOf(tx);
            await client.query(
              "create temp table copied (customer_id uuid, segment int, distance float8) on commit drop",
            );
            await copyFromStream(
              client,
              "copy copied (customer_id, segment, distance) from stdin",
              source,
              controller.signal,
            );
            await tx.execute(sql`insert into run_assignments (run_id, tenant_id, customer_id, segment, distance)
                                 select ${runId}, ${tenant}, customer_id, segment, distance from copied`);
          }),
        ).rejects.toThrow(how === "abort" ? /abort/i : /the formatting failed/);
        expect(await storedRows(database, tenant, runId)).toEqual([]);
      }
      // Every pooled connection still answers (none was left inside a COPY).
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => database.query<{ one: number }>("select 1 as one")),
      );
      expect(answers.map((a) => a.rows[0]?.one)).toEqual([1, 1, 1, 1]);
    },
  );
});
