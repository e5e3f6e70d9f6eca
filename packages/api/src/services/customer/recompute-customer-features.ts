import {
  CsvParser,
  customerFeatures,
  type OrderLineFields,
  OrderLinesBuilder,
  type OrderLinesReport,
  rfmScores,
} from "@strata/core";
import type { Driver, Tx } from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import copyStreams from "pg-copy-streams";
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
   * by reason. Null when the tenant has no order lines.
   */
  orderLines: OrderLinesReport | null;
}

type FeatureValue = number | string | null;

/**
 * Recomputes every customer's features for a tenant: the core's behavioural and RFM features from all
 * order lines, plus the numeric customer attributes, replacing the previous set in one transaction.
 */
export async function recomputeCustomerFeatures(
  tx: Tx,
  params: { tenantId: string; driver?: Driver },
): Promise<FeatureSummary> {
  const { tenantId } = params;
  {
    const client = rawClientOf(tx);
    const present = await client.query<Record<string, string | number>>(
      `select count(order_id) as invoice, count(product) as product, count(category) as category,
              count(channel) as channel, count(country) as country
       from order_lines where tenant_id = $1`,
      [tenantId],
    );
    const has = Object.fromEntries(Object.entries(present.rows[0] ?? {}).map(([k, v]) => [k, Number(v) > 0]));
    const builder = new OrderLinesBuilder(has);
    await readOrderLines(client, params.driver ?? "postgres", tenantId, (r) => builder.push(r));

    const byCustomer = new Map<string, Record<string, FeatureValue>>();
    const names = new Set<string>();
    let orderLines: OrderLinesReport | null = null;
    if (builder.length > 0) {
      // customerFeatures matches each cancellation to the purchase line it cancels (customer,
      // product, price, opposite quantity): without a product column nothing can be matched.
      const result = customerFeatures(builder.finish());
      orderLines = result.report;
      const { n, d, data } = result.x;
      const at = (name: string) => result.features.indexOf(name);
      const column = (j: number) => Float64Array.from({ length: n }, (_, i) => data[i * d + j]!);
      const rfm = rfmScores(column(at("recency_days")), column(at("frequency")), column(at("monetary")));
      for (const f of result.features) names.add(f);
      for (const extra of ["rfm_r", "rfm_f", "rfm_m", "rfm_segment"]) names.add(extra);
      for (let i = 0; i < n; i++) {
        const values: Record<string, FeatureValue> = {};
        for (let j = 0; j < d; j++) {
          const v = data[i * d + j]!;
          values[result.features[j]!] = Number.isFinite(v) ? round(v) : null;
        }
        values.rfm_r = rfm.r[i]!;
        values.rfm_f = rfm.f[i]!;
        values.rfm_m = rfm.m[i]!;
        values.rfm_segment = rfm.segment[i]!;
        if (result.country) values.country = result.country[i] || null;
        byCustomer.set(result.customerIds[i]!, values);
      }
    }

    // Numeric attributes of the customers datasets join the behavioural features under their own key.
    const attributeKeys = await client.query<{ columns: DatasetColumn[] }>(
      `select columns from datasets where tenant_id = $1 and kind = 'customers'`,
      [tenantId],
    );
    const numericKeys = [
      ...new Set(
        attributeKeys.rows.flatMap((r) =>
          r.columns
            .filter((c) => c.field === "attribute" && c.type === "numeric")
            .map((c) => c.key ?? c.source),
        ),
      ),
    ];
    for (const key of numericKeys) names.add(key);

    await client.query("delete from customer_features where tenant_id = $1", [tenantId]);
    let customers = 0;
    let lastCustomer = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const page = await client.query<{ id: string; attributes: Record<string, unknown> }>(
        `select id, attributes from customers where tenant_id = $1 and id > $2 order by id limit ${WRITE_BATCH}`,
        [tenantId, lastCustomer],
      );
      const rows: Array<{ customer_id: string; features: Record<string, FeatureValue> }> = [];
      for (const c of page.rows) {
        const values: Record<string, FeatureValue> = { ...(byCustomer.get(c.id) ?? {}) };
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
    return { customers, withOrders: byCustomer.size, features: [...names], orderLines };
  }
}

/** Six significant decimals are plenty for features and keep the JSON small. */
function round(v: number): number {
  return Math.abs(v) >= 1e6 || Number.isInteger(v) ? v : Number(v.toPrecision(8));
}

const LINE_COLUMNS =
  "customer_id, (extract(epoch from ordered_at) * 1000)::float8 as t, quantity, unit_price, order_id, product, category, channel, country";

/**
 * Streams every order line of the tenant into `push` as CSV from COPY TO (a stream on PostgreSQL,
 * one blob on PGlite), read by the core's CSV parser: many times faster than one object per row.
 */
async function readOrderLines(
  client: RawClient,
  driver: Driver,
  tenantId: string,
  push: (line: OrderLineFields) => void,
): Promise<void> {
  // A validated uuid: COPY takes no parameters.
  if (!/^[0-9a-f-]{36}$/i.test(tenantId)) throw new Error("tenant id must be a uuid");
  const select = `select ${LINE_COLUMNS} from order_lines where tenant_id = '${tenantId}'`;
  const parser = new CsvParser({ delimiter: "," });
  const emit = (fields: string[]) =>
    push({
      customerId: fields[0]!,
      time: Number(fields[1]),
      quantity: Number(fields[2]),
      unitPrice: Number(fields[3]),
      invoice: fields[4] || null,
      product: fields[5] || null,
      category: fields[6] || null,
      channel: fields[7] || null,
      country: fields[8] || null,
    });
  if (driver === "pglite") {
    // COPY TO a blob counts as writing a server file, which the app role may not do; the query names
    // the tenant explicitly, so reading as the connecting role sees only its rows.
    await client.query("reset role");
    let blob: Blob | undefined;
    try {
      blob = ((await client.query(`copy (${select}) to '/dev/blob' with (format csv)`)) as { blob?: Blob })
        .blob;
    } finally {
      await client.query("set local role strata_app");
    }
    if (!blob) return;
    const text = await blob.text();
    const step = 8 * 1024 * 1024;
    for (let i = 0; i < text.length; i += step)
      for (const r of parser.push(text.slice(i, i + step))) emit(r.fields);
    for (const r of parser.end()) emit(r.fields);
    return;
  }
  // PostgreSQL: COPY TO STDOUT streams CSV (row-level security applies to it), far cheaper than
  // turning every row into an object.
  const stream = (client as unknown as { query(s: unknown): AsyncIterable<Buffer> }).query(
    copyStreams.to(`copy (${select}) to stdout with (format csv)`),
  );
  const decoder = new TextDecoder();
  for await (const chunk of stream)
    for (const r of parser.push(decoder.decode(chunk, { stream: true }))) emit(r.fields);
  for (const r of parser.push(decoder.decode())) emit(r.fields);
  for (const r of parser.end()) emit(r.fields);
}
