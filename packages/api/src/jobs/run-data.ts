import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { RowAssignments } from "@strata/core";
import { type Database, type Driver, type Tx, withTenant } from "@strata/db";
import { type SQL, sql } from "drizzle-orm";
import { assertUuids, copyRowsOut, sqlLiteral } from "../services/copy-rows-out.js";
import { rawClientOf } from "../services/import/raw-client.js";
import { copyFromStream, MembershipText, membershipTextStream } from "./assignments-copy.js";
import { CustomerIds } from "./customer-ids.js";

/** Rows per read on PGlite: big enough to amortise a statement, small enough to keep it responsive. */
export const READ_CHUNK_ROWS = 10_000;
/**
 * Rows per INSERT of assignments on PGlite (unnest of arrays: one statement, three parameters). Its
 * queries run on this thread: 5,000 rows took about 0.4 s at a load of 4 (20,000 took 1.5 s, in
 * about the same total time; a COPY from a blob was no faster), and the write lets the event loop
 * run between chunks, so timers and sockets wait at most that long.
 */
export const WRITE_CHUNK_ROWS = 5_000;

/** Rows of a raw query: both drivers answer `{ rows }` (drizzle types it per driver, hence the cast). */
export async function queryRows<T>(tx: Pick<Tx, "execute">, query: SQL): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Numeric features present in the workspace's customer features, alphabetically. */
export async function listNumericFeatures(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    tx,
    sql`
    select distinct f.key as key
    from customer_features cf, jsonb_each(cf.features) f
    where cf.tenant_id = ${tenantId} and jsonb_typeof(f.value) = 'number'
    order by 1`,
  );
  return rows.map((r) => r.key);
}

export interface FeatureMatrix {
  /** n x d, NaN where the customer has no numeric value; backed by a SharedArrayBuffer. */
  data: Float64Array;
  n: number;
  d: number;
  /** The customer of each row. */
  customerIds: CustomerIds;
  /** Customers of the workspace, with features or not (those without have no order lines that count). */
  customersInWorkspace: number;
}

/**
 * Reads the feature matrix of a tenant's customers out of Postgres in the order of the customers'
 * own ids (not the random row ids), so the same data gives the same rows, hence the same seeded
 * segments, however often or in whatever order it was imported. The rows come through COPY in text
 * format, each selected feature picked out of the jsonb document in SQL (a value that is not a JSON
 * number counts as missing): no document is sent whole and parsed in JavaScript, and no object is
 * made per row. PostgreSQL streams every row in one statement; PGlite (the only connection, which web
 * requests share) reads chunks of READ_CHUNK_ROWS, one short transaction each, letting the event
 * loop run between them.
 */
export async function readFeatureMatrix(
  database: Database,
  tenantId: string,
  features: string[],
  options: { signal?: AbortSignal; onChunk?: (read: number, total: number) => void } = {},
): Promise<FeatureMatrix> {
  assertUuids([tenantId], "readFeatureMatrix: tenant ids");
  const d = features.length;
  const [total, customersInWorkspace] = await withTenant(database.db, tenantId, async (tx) => {
    const r = await queryRows<{ n: number | string; customers: number | string }>(
      tx,
      sql`select (select count(*)::int from customer_features where tenant_id = ${tenantId}) as n,
                 (select count(*)::int from customers where tenant_id = ${tenantId}) as customers`,
    );
    return [Number(r[0]?.n ?? 0), Number(r[0]?.customers ?? 0)];
  });
  let capacity = Math.max(total, 1);
  let data = new Float64Array(new SharedArrayBuffer(capacity * d * 8));
  const customerIds = new CustomerIds(capacity);
  const values = features
    .map((key) => {
      const k = sqlLiteral(key);
      return `case when jsonb_typeof(f.features -> ${k}) = 'number' then f.features ->> ${k} end`;
    })
    .join(", ");
  const chunked = database.driver === "pglite";
  let after: string | null = null;
  for (;;) {
    // PGlite's queries settle as microtasks: without this, timers and sockets (the web requests
    // sharing the connection) would wait for the whole read, not just for one chunk.
    if (chunked && after !== null) await yieldToEventLoop();
    options.signal?.throwIfAborted();
    const before = customerIds.length;
    const select = `
      select f.customer_id, c.external_id${d > 0 ? `, ${values}` : ""}
      from customer_features f
      join customers c on c.id = f.customer_id and c.tenant_id = f.tenant_id
      where f.tenant_id = '${tenantId}' ${after === null ? "" : `and c.external_id > ${sqlLiteral(after)}`}
      order by c.external_id ${chunked ? `limit ${READ_CHUNK_ROWS}` : ""}`;
    await withTenant(database.db, tenantId, (tx) =>
      copyRowsOut(rawClientOf(tx), database.driver, select, (f) => {
        if (customerIds.length === capacity) {
          // Customers were added since the count: grow (rare; the count is only a sizing hint).
          capacity *= 2;
          const grown = new Float64Array(new SharedArrayBuffer(capacity * d * 8));
          grown.set(data);
          data = grown;
        }
        const o = customerIds.length * d;
        for (let j = 0; j < d; j++) {
          const text = f[j + 2];
          const x = text == null ? Number.NaN : Number(text);
          data[o + j] = Number.isFinite(x) ? x : Number.NaN;
        }
        customerIds.push(f[0]!);
        after = f[1]!;
        if (customerIds.length % READ_CHUNK_ROWS === 0)
          options.onChunk?.(customerIds.length, Math.max(total, customerIds.length));
      }),
    );
    options.onChunk?.(customerIds.length, Math.max(total, customerIds.length));
    if (!chunked || customerIds.length - before < READ_CHUNK_ROWS) break;
  }
  const n = customerIds.length;
  return {
    data: n * d === data.length ? data : data.subarray(0, n * d),
    n,
    d,
    customerIds,
    customersInWorkspace: Math.max(customersInWorkspace, n),
  };
}

/**
 * Inserts one run's assignments (inside the caller's result transaction, so a failure or a stop
 * leaves none of them), in the order of the customers' ids: the primary key (run, customer) then
 * grows at its right edge and the foreign key checks read the customers' index in order (measured on
 * PostgreSQL, 100,000 rows: about a third faster than in the order of the customers' own ids).
 * `assigned.rows[i]` is the row, in `customerIds`, of the customer in segment `labels[i]` at
 * `distances[i]`.
 *
 * On PostgreSQL (`driver: "postgres"`) the rows go through one COPY, streamed from the typed arrays
 * a batch at a time, into a temporary table, and from there into run_assignments by INSERTs of a
 * slice of its pages each: COPY FROM refuses a table under row-level security, which
 * run_assignments is (forced, and the transaction runs as the app role). Otherwise, and on PGlite
 * (whose one connection the web server shares, and whose queries block this thread while they
 * run), in INSERTs of WRITE_CHUNK_ROWS. Both store the same values (see MembershipText). Aborting
 * `signal` cancels the COPY or stops before the next INSERT, with an error; the caller's
 * transaction then rolls back.
 */
export async function insertAssignments(
  tx: Tx,
  runId: string,
  tenantId: string,
  customerIds: CustomerIds,
  assigned: RowAssignments,
  options: { driver?: Driver; signal?: AbortSignal } = {},
): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  const text = new MembershipText(customerIds, assigned);
  if (options.driver === "postgres") {
    const client = rawClientOf(tx);
    await client.query(`create temp table ${COPY_TABLE} (${COPY_COLUMNS}) on commit drop`);
    const copied = await copyFromStream(
      client,
      `copy ${COPY_TABLE} (customer_id, segment, distance) from stdin`,
      membershipTextStream(text),
      signal,
    );
    // Into run_assignments a slice of the copy's pages at a time (a TID range scan reads just
    // those pages, in the order written: the customers' ids), so a stop is honoured within about a
    // second at PostgreSQL's pace rather than after the whole INSERT.
    const size = await client.query<{ pages: number }>(
      `select (pg_relation_size('${COPY_TABLE}') / current_setting('block_size')::int)::int as pages`,
    );
    const pages = Number(size.rows[0]?.pages ?? 0);
    let inserted = 0;
    for (let page = 0; page < pages; page += INSERT_PAGES) {
      signal?.throwIfAborted();
      const result = await client.query(
        `insert into run_assignments (run_id, tenant_id, customer_id, segment, distance)
         select $1, $2, customer_id, segment, distance from ${COPY_TABLE}
         where ctid >= $3::tid and ctid < $4::tid`,
        [runId, tenantId, `(${page},0)`, `(${page + INSERT_PAGES},0)`],
      );
      inserted += Number(result.rowCount ?? result.affectedRows ?? 0);
    }
    if (inserted !== copied) throw new Error(`${copied} memberships copied but ${inserted} inserted`);
    // The result transaction stays open while the segments are described: free the copy now.
    await client.query(`drop table ${COPY_TABLE}`);
    return;
  }
  const { order } = text;
  for (let start = 0; start < order.length; start += WRITE_CHUNK_ROWS) {
    // PGlite's queries settle as microtasks: without this, timers and sockets wait for the whole
    // write, not a chunk (queries of other requests still wait for the transaction's end).
    if (start > 0) await yieldToEventLoop();
    signal?.throwIfAborted();
    const end = Math.min(start + WRITE_CHUNK_ROWS, order.length);
    const ids: string[] = [];
    const segs: number[] = [];
    const dists: Array<number | null> = [];
    for (let i = start; i < end; i++) {
      const { row, segment, distance } = text.membershipAt(i);
      ids.push(customerIds.at(row));
      segs.push(segment);
      dists.push(distance);
    }
    await tx.execute(sql`
      insert into run_assignments (run_id, tenant_id, customer_id, segment, distance)
      select ${runId}, ${tenantId}, u.customer_id, u.segment, u.distance
      from unnest(${pgArray(ids)}::uuid[], ${pgArray(segs)}::int[], ${pgArray(dists)}::float8[])
        as u(customer_id, segment, distance)`);
  }
}

/** The temporary table a COPY of memberships goes through (dropped at the latest when the transaction ends). */
const COPY_TABLE = "run_assignments_copy";
const COPY_COLUMNS = "customer_id uuid not null, segment integer not null, distance float8";
/** Pages of the copy per INSERT into run_assignments: about 70,000 memberships (a page holds ~136). */
const INSERT_PAGES = 512;

/** An array parameter as a Postgres array literal (drivers differ in how they bind JS arrays). */
function pgArray(values: Array<string | number | null>): string {
  return `{${values.map((v) => (v === null ? "NULL" : String(v))).join(",")}}`;
}
