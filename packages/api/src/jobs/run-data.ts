import { type Database, type Tx, withTenant } from "@strata/db";
import { type SQL, sql } from "drizzle-orm";

/** Rows read per round trip: big enough to amortise latency, small enough to keep PGlite responsive. */
export const READ_CHUNK_ROWS = 10_000;
/** Rows per INSERT of assignments (unnest of arrays: one statement, three parameters). */
export const WRITE_CHUNK_ROWS = 20_000;

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
  customerIds: string[];
  /** Customers of the workspace, with features or not (those without have no order lines that count). */
  customersInWorkspace: number;
}

/**
 * Streams the feature matrix of a tenant's customers out of Postgres in keyset-paginated chunks,
 * in the order of the customers' own ids (not the random row ids), so the same data gives the same
 * rows, hence the same seeded segments, however often or in whatever order it was imported;
 * one short transaction per chunk (on PGlite, the only connection, web requests run in between).
 * Values that are not JSON numbers count as missing.
 */
export async function readFeatureMatrix(
  database: Database,
  tenantId: string,
  features: string[],
  options: { signal?: AbortSignal; onChunk?: (read: number, total: number) => void } = {},
): Promise<FeatureMatrix> {
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
  const customerIds: string[] = [];
  let after: string | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    // The whole jsonb document per row, picked apart here: measured faster on both drivers than
    // extracting and casting each feature in SQL (PGlite especially), and a non-number is simply
    // missing instead of a cast error.
    const chunk = await withTenant(database.db, tenantId, (tx) =>
      queryRows<{ id: string; ext: string; f: Record<string, unknown> | string }>(
        tx,
        sql`
        select f.customer_id as id, c.external_id as ext, f.features as f
        from customer_features f
        join customers c on c.id = f.customer_id and c.tenant_id = f.tenant_id
        where f.tenant_id = ${tenantId} ${after === null ? sql`` : sql`and c.external_id > ${after}`}
        order by c.external_id
        limit ${READ_CHUNK_ROWS}`,
      ),
    );
    if (chunk.length === 0) break;
    if (customerIds.length + chunk.length > capacity) {
      // Customers were added while reading: grow (rare; the count is only a sizing hint).
      capacity = Math.max(capacity * 2, customerIds.length + chunk.length);
      const grown = new Float64Array(new SharedArrayBuffer(capacity * d * 8));
      grown.set(data);
      data = grown;
    }
    for (const row of chunk) {
      const o = customerIds.length * d;
      const f = (typeof row.f === "string" ? JSON.parse(row.f) : row.f) as Record<string, unknown>;
      for (let j = 0; j < d; j++) {
        const x = f[features[j]!];
        data[o + j] = typeof x === "number" && Number.isFinite(x) ? x : Number.NaN;
      }
      customerIds.push(row.id);
    }
    after = chunk.at(-1)!.ext;
    options.onChunk?.(customerIds.length, Math.max(total, customerIds.length));
    if (chunk.length < READ_CHUNK_ROWS) break;
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
 * Inserts one run's assignments (inside the caller's result transaction), in the order of the
 * customers' ids: the primary key (run, customer) then grows at its right edge and the foreign key
 * checks read the customers' index in order (measured on PostgreSQL, 100,000 rows: about a third
 * faster than in the order of the customers' own ids).
 */
export async function insertAssignments(
  tx: Tx,
  runId: string,
  tenantId: string,
  customerIds: string[],
  segments: Int32Array,
  distances: Float64Array,
): Promise<void> {
  // Lower-case hex uuids: their string order is PostgreSQL's uuid order. A plain sort of the ids
  // and a look-up of their rows measured several times faster than sorting row numbers by id.
  const rowOf = new Map<string, number>(customerIds.map((id, i) => [id, i]));
  const sorted = customerIds.slice().sort();
  for (let start = 0; start < sorted.length; start += WRITE_CHUNK_ROWS) {
    const ids = sorted.slice(start, start + WRITE_CHUNK_ROWS);
    const chunk = ids.map((id) => rowOf.get(id)!);
    const segs = chunk.map((i) => segments[i]!);
    const dists = chunk.map((i) => (Number.isFinite(distances[i]!) ? distances[i]! : null));
    await tx.execute(sql`
      insert into run_assignments (run_id, tenant_id, customer_id, segment, distance)
      select ${runId}, ${tenantId}, u.customer_id, u.segment, u.distance
      from unnest(${pgArray(ids)}::uuid[], ${pgArray(segs)}::int[], ${pgArray(dists)}::float8[])
        as u(customer_id, segment, distance)`);
  }
}

/** An array parameter as a Postgres array literal (drivers differ in how they bind JS arrays). */
function pgArray(values: Array<string | number | null>): string {
  return `{${values.map((v) => (v === null ? "NULL" : String(v))).join(",")}}`;
}
