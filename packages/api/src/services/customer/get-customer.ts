import type { Tx } from "@strata/db";
import { AppError } from "../../errors.js";
import { rawClientOf } from "../import/raw-client.js";
import { listPersonalKeys, maskPersonal } from "../privacy/personal-columns.js";
import { ORDER_COUNT_DEFINITION, readOrderCount } from "./read-order-count.js";

const ORDER_LIMIT = 200;

/**
 * A customer page: attributes, features, order summary, latest order lines and the segment the
 * customer was given in every published segment set, newest first. Without `canSeePersonal` (viewers)
 * the values of columns marked personal read as masked, in the attributes and the features alike.
 */
export async function getCustomer(
  tx: Tx,
  params: { tenantId: string; id?: string; externalId?: string; canSeePersonal?: boolean },
) {
  const client = rawClientOf(tx);
  const byId = params.id !== undefined;
  const found = await client.query<{
    id: string;
    external_id: string;
    attributes: Record<string, string | number | null>;
    created_at: Date;
    updated_at: Date;
    dataset_name: string | null;
    features: Record<string, number | string | null> | null;
    computed_at: Date | null;
  }>(
    `select c.id, c.external_id, c.attributes, c.created_at, c.updated_at, d.name as dataset_name,
            f.features, f.computed_at
     from customers c
     left join datasets d on d.id = c.dataset_id
     left join customer_features f on f.customer_id = c.id and f.tenant_id = c.tenant_id
     where c.tenant_id = $1 and ${byId ? "c.id = $2::uuid" : "c.external_id = $2"}`,
    [params.tenantId, byId ? params.id : params.externalId],
  );
  const c = found.rows[0];
  if (!c) throw new AppError("NOT_FOUND", "Customer not found");
  // Orders and net sales come from the computed features, as in the customer list and segments;
  // the invoice count beside them includes credit notes and cancelled orders, to explain a difference.
  const summary = await client.query<Record<string, string | number | Date | null>>(
    `select count(*) as lines, count(distinct coalesce(order_id, ordered_at::date::text)) as invoices,
            coalesce(sum(quantity * unit_price), 0) as revenue, min(ordered_at) as first_order,
            max(ordered_at) as last_order
     from order_lines where tenant_id = $1 and customer_id = $2`,
    [params.tenantId, c.id],
  );
  const lines = await client.query<{
    id: string | number;
    order_id: string | null;
    ordered_at: Date;
    quantity: number;
    unit_price: number;
    product: string | null;
    category: string | null;
    channel: string | null;
    country: string | null;
    region: string | null;
  }>(
    `select id, order_id, ordered_at, quantity, unit_price, product, category, channel, country, region
     from order_lines where tenant_id = $1 and customer_id = $2 order by ordered_at desc, id desc limit ${ORDER_LIMIT}`,
    [params.tenantId, c.id],
  );
  const history = await client.query<{
    set_id: string;
    set_name: string;
    published_at: Date;
    segment_id: string;
    segment_name: string;
    color: string;
    position: number;
  }>(
    `select ss.id as set_id, ss.name as set_name, ss.created_at as published_at,
            s.id as segment_id, s.name as segment_name, s.color, s.position
     from segment_memberships m
     join segment_sets ss on ss.id = m.segment_set_id and ss.tenant_id = m.tenant_id
     join segments s on s.id = m.segment_id and s.tenant_id = m.tenant_id
     where m.tenant_id = $1 and m.customer_id = $2
     order by ss.created_at desc, ss.id`,
    [params.tenantId, c.id],
  );
  const s = summary.rows[0] ?? {};
  const personal = await listPersonalKeys(tx, params.tenantId);
  const isMasked = params.canSeePersonal === false && personal.size > 0;
  return {
    id: c.id,
    externalId: c.external_id,
    attributes: isMasked ? maskPersonal(c.attributes, personal)! : c.attributes,
    /** Attribute keys marked personal at import; `isMasked`: their values are hidden from this caller. */
    personalKeys: [...personal].sort(),
    isMasked,
    datasetName: c.dataset_name,
    createdAt: new Date(c.created_at),
    updatedAt: new Date(c.updated_at),
    features: isMasked ? maskPersonal(c.features, personal) : c.features,
    featuresComputedAt: c.computed_at ? new Date(c.computed_at) : null,
    orderSummary: {
      lines: Number(s.lines ?? 0),
      /** Orders that count (the `frequency` feature); null when the customer has no features. */
      orders: readOrderCount(c.features),
      ordersDefinition: ORDER_COUNT_DEFINITION,
      /** Distinct invoices of all lines, credit notes and cancelled orders included. */
      invoices: Number(s.invoices ?? 0),
      /** Net sales as segments see them (the `monetary` feature); null without features. */
      netSales: typeof c.features?.monetary === "number" ? c.features.monetary : null,
      /** Sum of quantity x price over every line (returns and cancellations net it). */
      revenue: Number(s.revenue ?? 0),
      firstOrder: s.first_order ? new Date(s.first_order as string) : null,
      lastOrder: s.last_order ? new Date(s.last_order as string) : null,
    },
    orderLines: lines.rows.map((l) => ({
      id: String(l.id),
      orderId: l.order_id,
      orderedAt: new Date(l.ordered_at),
      quantity: l.quantity,
      unitPrice: l.unit_price,
      product: l.product,
      category: l.category,
      channel: l.channel,
      country: l.country,
      region: l.region,
    })),
    orderLinesShown: lines.rows.length,
    segmentHistory: history.rows.map((h) => ({
      setId: h.set_id,
      setName: h.set_name,
      publishedAt: new Date(h.published_at),
      segmentId: h.segment_id,
      segmentName: h.segment_name,
      color: h.color,
      /** -1: DBSCAN noise published as a segment. */
      position: h.position,
    })),
  };
}
