import {
  CORE_FEATURES,
  customerFeatures,
  type OrderLineFields,
  type OrderLines,
  OrderLinesBuilder,
  type OrderLinesReport,
  rfmScores,
} from "@strata/core";
import type { Driver, Tx } from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import { assertUuids, copyRowsOut } from "../copy-rows-out.js";
import { mergeProfitabilityFeatures } from "../cost-to-serve/profitability-features.js";
import { type RawClient, rawClientOf } from "../import/raw-client.js";

/** Features are written in batches of this many customers. */
const WRITE_BATCH = 5_000;

export interface FeatureSummary {
  customers: number;
  withOrders: number;
  features: string[];
  /**
   * How the order lines were read: matched cancellations, unmatched returns, and the customers
   * left without behavioural features (every order cancelled, only returns, net sales <= 0)
   * by reason. Null when no order line was read. With `scope` "customers" it covers only the
   * changed customers' lines.
   */
  orderLines: OrderLinesReport | null;
  /**
   * What was recomputed: every customer ("all"), the customers whose order lines changed
   * ("customers"), or only the customer attributes ("attributes").
   */
  scope: "all" | "customers" | "attributes";
  /** Why an incremental recompute fell back to recomputing everyone (see `incrementalBlocker`). */
  fallback?: string;
}

type FeatureValue = number | string | null;
type FeatureRow = Record<string, FeatureValue>;
type Has = Record<"invoice" | "product" | "category" | "channel" | "country", boolean>;

export interface RecomputeParams {
  tenantId: string;
  driver?: Driver;
  /**
   * The import whose new order lines changed the data. With it only the customers of those lines
   * (or `customerIds`) are recomputed, from ALL their lines, old and new: recency, frequency and
   * the cancellations matched to earlier purchases depend on a customer's whole history.
   */
  importId?: string;
  /** The customers whose order lines changed (default: the customers of `importId`'s lines). */
  customerIds?: readonly string[];
  /** Only customer attributes changed (a customers import): no order line is read. */
  attributesOnly?: boolean;
  /**
   * Every order line of the tenant, when the caller holds them (the first lines a workspace gets,
   * kept as its import read them): everyone is recomputed from them, and no line is read back.
   */
  knownLines?: KnownOrderLines;
}

/** A tenant's order lines held by the caller (see RecomputeParams.knownLines). */
export interface KnownOrderLines {
  /** Which optional columns any line has. */
  has: Has;
  /** Hands every line to `push` in the order readOrderLines reads them (customer, time, line key). */
  replay(push: (line: OrderLineFields) => void): void;
}

/** Names the order lines give behavioural features; attributes of the same name never replace them. */
const RFM_KEYS = ["rfm_r", "rfm_f", "rfm_m", "rfm_segment"] as const;
function isBehavioural(key: string): boolean {
  return (
    (CORE_FEATURES as readonly string[]).includes(key) ||
    (RFM_KEYS as readonly string[]).includes(key) ||
    key === "distinct_products" ||
    key === "country" ||
    key.startsWith("season_share_q") ||
    key.startsWith("category_share:") ||
    key.startsWith("channel_share:")
  );
}

/**
 * Recomputes customer features: the core's behavioural and RFM features from order lines, plus the
 * numeric customer attributes.
 *
 * Without `importId` (or `attributesOnly`) every customer is recomputed from every order line and
 * the previous set replaced. With `importId` only the customers of that import's new lines are
 * read and rewritten, and the result is the same as a full recompute: a customer's behavioural
 * features depend on that customer's lines and on three things shared by everyone, which are
 * checked first (`incrementalBlocker`) and, when the import moved them, everyone is recomputed:
 * - which optional columns the tenant's lines have (invoice, product, ...: they decide how orders
 *   are counted and which features exist);
 * - the as-of instant recency and tenure are measured at (the latest purchase of anyone): found
 *   exactly from the changed customers and the few others with the latest purchases;
 * - the category and channel mix columns (the 8 largest categories by everyone's sales): tenants
 *   whose lines carry a category or channel are always recomputed in full.
 * RFM quintile scores rank everyone, so they are rescored for all customers in a second pass over
 * the stored recency, frequency and monetary (no order line is read). A full recompute scores from
 * the same stored (rounded) values, so both paths agree to the last digit.
 */
export async function recomputeCustomerFeatures(tx: Tx, params: RecomputeParams): Promise<FeatureSummary> {
  const { tenantId } = params;
  const client = rawClientOf(tx);
  const driver = params.driver ?? "postgres";
  const numericKeys = await numericAttributeKeys(client, tenantId);
  if (params.attributesOnly) {
    const customers = await refreshAttributes(client, tenantId, numericKeys);
    return { customers, withOrders: 0, features: numericKeys, orderLines: null, scope: "attributes" };
  }
  let fallback: string | undefined;
  if (params.importId && !params.knownLines) {
    const incremental = await recomputeChanged(
      client,
      driver,
      tenantId,
      params.importId,
      params.customerIds,
      numericKeys,
    );
    if (typeof incremental !== "string") return incremental;
    fallback = incremental;
  }
  const known = params.knownLines;
  const has = known ? known.has : (await columnsPresent(client, tenantId)).now;
  const builder = new OrderLinesBuilder(has);
  if (known) known.replay((r) => builder.push(r));
  else await readOrderLines(client, driver, tenantId, null, (r) => builder.push(r));
  const computed = behaviouralRows(builder.length > 0 ? builder.finish() : null);
  scoreRfm([...computed.rows.values()]);
  const names = new Set([...computed.names, ...numericKeys]);
  await client.query("delete from customer_features where tenant_id = $1", [tenantId]);
  const customers = await writeRows(client, tenantId, computed.rows, numericKeys, null);
  await mergeProfitabilityFeatures(tx, { tenantId });
  return {
    customers,
    withOrders: computed.rows.size,
    features: [...names],
    orderLines: computed.report,
    scope: "all",
    ...(fallback ? { fallback } : {}),
  };
}

/** Numeric attributes of the customers datasets join the behavioural features under their own key. */
async function numericAttributeKeys(client: RawClient, tenantId: string): Promise<string[]> {
  const attributeKeys = await client.query<{ columns: DatasetColumn[] }>(
    `select columns from datasets where tenant_id = $1 and kind = 'customers'`,
    [tenantId],
  );
  return [
    ...new Set(
      attributeKeys.rows.flatMap((r) =>
        r.columns
          .filter((c) => c.field === "attribute" && c.type === "numeric")
          .map((c) => c.key ?? c.source),
      ),
    ),
  ];
}

/** Which optional columns the tenant's lines have, now and (with `importId`) before that import. */
async function columnsPresent(
  client: RawClient,
  tenantId: string,
  importId?: string,
): Promise<{ now: Has; before: Has }> {
  const cols = {
    invoice: "order_id",
    product: "product",
    category: "category",
    channel: "channel",
    country: "country",
  };
  const select = Object.entries(cols).flatMap(([k, c]) => [
    `count(${c}) as ${k}`,
    importId ? `count(${c}) filter (where import_id is distinct from $2) as before_${k}` : `0 as before_${k}`,
  ]);
  const result = await client.query<Record<string, string | number>>(
    `select ${select.join(", ")} from order_lines where tenant_id = $1`,
    importId ? [tenantId, importId] : [tenantId],
  );
  const row = result.rows[0] ?? {};
  const pick = (prefix: string) =>
    Object.fromEntries(Object.keys(cols).map((k) => [k, Number(row[`${prefix}${k}`] ?? 0) > 0])) as Has;
  return { now: pick(""), before: pick("before_") };
}

interface ComputedRows {
  rows: Map<string, FeatureRow>;
  names: Set<string>;
  report: OrderLinesReport | null;
}

/** The core's behavioural features of each customer of `lines`, rounded as stored; RFM left empty. */
function behaviouralRows(lines: OrderLines | null, asOf?: number): ComputedRows {
  const rows = new Map<string, FeatureRow>();
  const names = new Set<string>();
  if (!lines) return { rows, names, report: null };
  // customerFeatures matches each cancellation to the purchase line it cancels (customer,
  // product, price, opposite quantity): without a product column nothing can be matched.
  const result = customerFeatures(lines, asOf === undefined ? {} : { asOf });
  const { n, d, data } = result.x;
  for (const f of result.features) names.add(f);
  for (const extra of RFM_KEYS) names.add(extra);
  for (let i = 0; i < n; i++) {
    const values: FeatureRow = {};
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      values[result.features[j]!] = Number.isFinite(v) ? round(v) : null;
    }
    for (const key of RFM_KEYS) values[key] = null;
    if (result.country) values.country = result.country[i] || null;
    rows.set(result.customerIds[i]!, values);
  }
  return { rows, names, report: result.report };
}

/** The latest purchase of `lines` once cancellations are matched (-Infinity without one). */
function latestPurchase(lines: OrderLines | null): number {
  if (!lines) return Number.NEGATIVE_INFINITY;
  const report = customerFeatures(lines).report;
  return report.purchaseLines > 0 ? Date.parse(report.asOf) : Number.NEGATIVE_INFINITY;
}

/** RFM quintile scores over `rows` (every customer with behavioural features), from the stored values. */
function scoreRfm(rows: FeatureRow[]): void {
  if (rows.length === 0) return;
  const column = (key: string) => Float64Array.from(rows, (r) => Number(r[key]));
  const rfm = rfmScores(column("recency_days"), column("frequency"), column("monetary"));
  rows.forEach((r, i) => {
    r.rfm_r = rfm.r[i]!;
    r.rfm_f = rfm.f[i]!;
    r.rfm_m = rfm.m[i]!;
    r.rfm_segment = rfm.segment[i]!;
  });
}

/**
 * Writes the feature rows of `only` (or every customer): behavioural values from `byCustomer` plus
 * the numeric attributes. Returns the rows written.
 */
async function writeRows(
  client: RawClient,
  tenantId: string,
  byCustomer: Map<string, FeatureRow>,
  numericKeys: string[],
  only: readonly string[] | null,
): Promise<number> {
  let customers = 0;
  let lastCustomer = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const page = await client.query<{ id: string; attributes: Record<string, unknown> }>(
      only
        ? `select id, attributes from customers where tenant_id = $1 and id > $2 and id = any($3::uuid[])
           order by id limit ${WRITE_BATCH}`
        : `select id, attributes from customers where tenant_id = $1 and id > $2 order by id limit ${WRITE_BATCH}`,
      only ? [tenantId, lastCustomer, only] : [tenantId, lastCustomer],
    );
    const rows: Array<{ customer_id: string; features: FeatureRow }> = [];
    for (const c of page.rows) {
      const values: FeatureRow = { ...(byCustomer.get(c.id) ?? {}) };
      for (const key of numericKeys) {
        const v = c.attributes[key];
        if (!(key in values)) values[key] = typeof v === "number" && Number.isFinite(v) ? v : null;
      }
      if (Object.keys(values).length > 0) rows.push({ customer_id: c.id, features: values });
    }
    if (rows.length > 0) {
      await client.query(
        `insert into customer_features (customer_id, tenant_id, features, computed_at)
         select x.customer_id, $1::uuid, x.features, now()
         from jsonb_to_recordset($2::jsonb) as x(customer_id uuid, features jsonb)`,
        [tenantId, JSON.stringify(rows)],
      );
      customers += rows.length;
    }
    if (page.rows.length < WRITE_BATCH) break;
    lastCustomer = page.rows[page.rows.length - 1]!.id;
  }
  return customers;
}

/** Customers read to find the latest purchase outside the changed ones, at most this many rounds. */
const MAX_LATEST_ROUNDS = 5;

/**
 * The incremental recompute (see recomputeCustomerFeatures), or the reason it cannot be exact, in
 * which case the caller recomputes everyone.
 */
async function recomputeChanged(
  client: RawClient,
  driver: Driver,
  tenantId: string,
  importId: string,
  customerIds: readonly string[] | undefined,
  numericKeys: string[],
): Promise<FeatureSummary | string> {
  const stored = await client.query("select 1 from customer_features where tenant_id = $1 limit 1", [
    tenantId,
  ]);
  if (stored.rows.length === 0) return "no features were computed before";
  const present = await columnsPresent(client, tenantId, importId);
  const has = present.now;
  if (Object.keys(has).some((k) => has[k as keyof Has] !== present.before[k as keyof Has]))
    return "the import brought a column no earlier line had";
  if (has.category || has.channel) return "category and channel mixes are ranked by everyone's sales";
  const changed =
    customerIds ??
    (
      await client.query<{ id: string }>(
        "select distinct customer_id as id from order_lines where tenant_id = $1 and import_id = $2",
        [tenantId, importId],
      )
    ).rows.map((r) => r.id);
  if (changed.length === 0)
    return { customers: 0, withOrders: 0, features: [], orderLines: null, scope: "customers" };

  // The changed customers' lines, with and without this import's: the as-of instant before and after.
  const now = new OrderLinesBuilder(has);
  const before = new OrderLinesBuilder(has);
  await readOrderLines(client, driver, tenantId, { customerIds: changed, importId }, (r, isNew) => {
    now.push(r);
    if (!isNew) before.push(r);
  });
  const linesNow = now.length > 0 ? now.finish() : null;
  const latestNow = latestPurchase(linesNow);
  const latestBefore = latestPurchase(before.length > 0 ? before.finish() : null);
  const threshold = Math.max(latestNow, latestBefore);

  // The latest purchase of everyone else, exactly when it is at or after `threshold`: the customers
  // with the latest candidate purchase lines are read until one of them really bought then (a
  // candidate may be cancelled). Below the threshold its value does not matter.
  const known = [...changed];
  let outside = Number.NEGATIVE_INFINITY;
  if (Number.isFinite(threshold)) {
    for (let round = 0; ; round++) {
      if (round === MAX_LATEST_ROUNDS)
        return "the latest purchases were cancelled too often to find the as-of date";
      const floor = Math.max(threshold, outside);
      const top = await client.query<{ t: number | string | null }>(
        `select max(extract(epoch from ordered_at) * 1000)::float8 as t from order_lines
         where tenant_id = $1 and quantity > 0 and unit_price > 0 and not (customer_id = any($2::uuid[]))
           and extract(epoch from ordered_at) * 1000 >= $3 and extract(epoch from ordered_at) * 1000 > $4`,
        [tenantId, known, threshold, Number.isFinite(outside) ? outside : -8.64e15],
      );
      const t = top.rows[0]?.t;
      if (t === null || t === undefined || Number(t) < floor) break;
      const atTop = await client.query<{ id: string }>(
        `select distinct customer_id as id from order_lines
         where tenant_id = $1 and quantity > 0 and unit_price > 0 and not (customer_id = any($2::uuid[]))
           and extract(epoch from ordered_at) * 1000 >= $3`,
        [tenantId, known, Number(t)],
      );
      const others = new OrderLinesBuilder(has);
      await readOrderLines(client, driver, tenantId, { customerIds: atTop.rows.map((r) => r.id) }, (r) =>
        others.push(r),
      );
      outside = Math.max(outside, latestPurchase(others.length > 0 ? others.finish() : null));
      known.push(...atTop.rows.map((r) => r.id));
    }
  }
  let asOf: number;
  if (outside >= threshold) asOf = outside;
  else if (latestNow === latestBefore) asOf = latestNow;
  else return "the import moved the as-of date (the latest purchase) that everyone's recency is measured at";

  const computed = behaviouralRows(linesNow, Number.isFinite(asOf) ? asOf : undefined);
  await client.query("delete from customer_features where tenant_id = $1 and customer_id = any($2::uuid[])", [
    tenantId,
    changed,
  ]);
  const customers = await writeRows(client, tenantId, computed.rows, numericKeys, changed);
  await rescoreRfm(client, tenantId);
  return {
    customers,
    withOrders: computed.rows.size,
    features: [...new Set([...computed.names, ...numericKeys])],
    orderLines: computed.report,
    scope: "customers",
  };
}

/**
 * RFM scores rank every customer: recomputed for all from the stored recency, frequency and
 * monetary, and written only where they changed.
 */
async function rescoreRfm(client: RawClient, tenantId: string): Promise<void> {
  const stored = await client.query<{
    id: string;
    r: FeatureValue;
    f: FeatureValue;
    m: FeatureValue;
    s: FeatureValue[];
  }>(
    `select customer_id as id, features->'recency_days' as r, features->'frequency' as f, features->'monetary' as m,
            jsonb_build_array(features->'rfm_r', features->'rfm_f', features->'rfm_m', features->'rfm_segment') as s
     from customer_features where tenant_id = $1 and features ? 'rfm_r'`,
    [tenantId],
  );
  const rows: FeatureRow[] = stored.rows.map((x) => ({ recency_days: x.r, frequency: x.f, monetary: x.m }));
  scoreRfm(rows);
  const patches: Array<{ customer_id: string; patch: FeatureRow }> = [];
  stored.rows.forEach((x, i) => {
    const row = rows[i]!;
    const next = RFM_KEYS.map((k) => row[k] ?? null);
    if (next.some((v, j) => v !== (x.s[j] ?? null)))
      patches.push({ customer_id: x.id, patch: Object.fromEntries(RFM_KEYS.map((k, j) => [k, next[j]!])) });
  });
  for (let i = 0; i < patches.length; i += WRITE_BATCH) {
    await client.query(
      `update customer_features cf set features = cf.features || x.patch, computed_at = now()
       from jsonb_to_recordset($2::jsonb) as x(customer_id uuid, patch jsonb)
       where cf.tenant_id = $1 and cf.customer_id = x.customer_id`,
      [tenantId, JSON.stringify(patches.slice(i, i + WRITE_BATCH))],
    );
  }
}

/**
 * A customers import changes attributes only: each customer's numeric attribute values are brought
 * up to date, and only the rows whose values changed (the imported customers, or everyone when a new
 * numeric column appeared) are written. Returns the rows written.
 */
async function refreshAttributes(
  client: RawClient,
  tenantId: string,
  numericKeys: string[],
): Promise<number> {
  if (numericKeys.length === 0) return 0;
  let written = 0;
  let lastCustomer = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const page = await client.query<{
      id: string;
      attributes: Record<string, unknown>;
      features: FeatureRow | null;
    }>(
      `select c.id, c.attributes, f.features from customers c
       left join customer_features f on f.customer_id = c.id and f.tenant_id = c.tenant_id
       where c.tenant_id = $1 and c.id > $2 order by c.id limit ${WRITE_BATCH}`,
      [tenantId, lastCustomer],
    );
    const updates: Array<{ customer_id: string; patch: FeatureRow }> = [];
    const inserts: Array<{ customer_id: string; features: FeatureRow }> = [];
    for (const c of page.rows) {
      const hasOrders = c.features !== null && "rfm_r" in c.features;
      const patch: FeatureRow = {};
      for (const key of numericKeys) {
        if (hasOrders && isBehavioural(key)) continue;
        const raw = c.attributes[key];
        const v = typeof raw === "number" && Number.isFinite(raw) ? raw : null;
        if (!c.features || !(key in c.features) || c.features[key] !== v) patch[key] = v;
      }
      if (Object.keys(patch).length === 0) continue;
      if (c.features) updates.push({ customer_id: c.id, patch });
      else inserts.push({ customer_id: c.id, features: patch });
    }
    if (updates.length > 0)
      await client.query(
        `update customer_features cf set features = cf.features || x.patch, computed_at = now()
         from jsonb_to_recordset($2::jsonb) as x(customer_id uuid, patch jsonb)
         where cf.tenant_id = $1 and cf.customer_id = x.customer_id`,
        [tenantId, JSON.stringify(updates)],
      );
    if (inserts.length > 0)
      await client.query(
        `insert into customer_features (customer_id, tenant_id, features, computed_at)
         select x.customer_id, $1::uuid, x.features, now()
         from jsonb_to_recordset($2::jsonb) as x(customer_id uuid, features jsonb)`,
        [tenantId, JSON.stringify(inserts)],
      );
    written += updates.length + inserts.length;
    if (page.rows.length < WRITE_BATCH) break;
    lastCustomer = page.rows[page.rows.length - 1]!.id;
  }
  return written;
}

/** Six significant decimals are plenty for features and keep the JSON small. */
function round(v: number): number {
  return Math.abs(v) >= 1e6 || Number.isInteger(v) ? v : Number(v.toPrecision(8));
}

const LINE_COLUMNS =
  "customer_id, (extract(epoch from ordered_at) * 1000)::float8 as t, quantity, unit_price, order_id, product, category, channel, country";

/**
 * Streams every order line of the tenant into `push` from COPY TO in text format (a stream on
 * PostgreSQL, one blob on PGlite): one line per row, tab-separated, so rows are cut with the
 * engine's own string search instead of a character-by-character CSV parser, and no object is made
 * per row but the line handed to `push`.
 */
async function readOrderLines(
  client: RawClient,
  driver: Driver,
  tenantId: string,
  only: { customerIds: readonly string[]; importId?: string } | null,
  push: (line: OrderLineFields, isNew: boolean) => void,
): Promise<void> {
  assertUuids(
    [tenantId, ...(only?.customerIds ?? []), ...(only?.importId ? [only.importId] : [])],
    "tenant, customer and import ids",
  );
  // Lines come in one order, customer by customer and in time (the order of the tenant-customer-time
  // index), whether all are read or a few customers': the core's tie-breaks (which of two identical
  // purchases a cancellation takes, a customer's country when two are as frequent) then agree.
  const select = only
    ? `select ${LINE_COLUMNS}, ${only.importId ? `(import_id = '${only.importId}')::int` : "0"} as fresh
       from order_lines where tenant_id = '${tenantId}'
         and customer_id = any('{${only.customerIds.join(",")}}'::uuid[]) order by customer_id, ordered_at, line_key`
    : `select ${LINE_COLUMNS}, 0 as fresh from order_lines where tenant_id = '${tenantId}'
       order by customer_id, ordered_at, line_key`;
  await copyRowsOut(client, driver, select, (f) =>
    push(
      {
        customerId: f[0]!,
        time: Number(f[1]),
        quantity: Number(f[2]),
        unitPrice: Number(f[3]),
        invoice: f[4],
        product: f[5],
        category: f[6],
        channel: f[7],
        country: f[8],
      },
      f[9] === "1",
    ),
  );
}
