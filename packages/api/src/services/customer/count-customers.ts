import type { Tx } from "@strata/db";
import { rawClientOf } from "../import/raw-client.js";

export interface CustomerCounts {
  /** Customers in the workspace. */
  total: number;
  /** Customers with behavioural features (order lines that count): the ones segmentation runs use. */
  withFeatures: number;
  /** total - withFeatures, explained by `reasons` (whose counts add up to it). */
  withoutFeatures: number;
  reasons: Array<{ reason: string; count: number }>;
}

/**
 * How many of the workspace's customers have behavioural features, and why the others have none.
 * The reasons are read from the stored order lines with the core's classification of a line (a
 * purchase has a positive quantity, a positive price and is not on a credit note, an invoice id
 * starting with "C"); telling "every purchase cancelled" from "returns reach purchases" needs the
 * core's cancellation matching, so those two share one reason here.
 */
export async function countCustomers(tx: Tx, params: { tenantId: string }): Promise<CustomerCounts> {
  const client = rawClientOf(tx);
  // Each features document is read once, and only the customers without usable features are looked
  // into (an index lookup each, stopping at the first hit). No per-customer join of the documents:
  // on a workspace whose features every import rewrites, that join was most of the customers page.
  const result = await client.query<Record<string, string | number>>(
    `with usable as materialized (
       select customer_id from customer_features
       where tenant_id = $1 and jsonb_typeof(features->'frequency') = 'number'
     ), missing as (
       select c.id from customers c
       where c.tenant_id = $1 and not exists (select 1 from usable u where u.customer_id = c.id)
     ), per_customer as (
       select exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = m.id) as has_lines,
              exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = m.id and o.quantity > 0 and o.unit_price > 0
                  and upper(left(coalesce(o.order_id, ''), 1)) <> 'C') as has_purchase,
              exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = m.id
                  and (o.quantity < 0 or upper(left(coalesce(o.order_id, ''), 1)) = 'C')) as has_return
       from missing m
     )
     select (select count(*) from customers where tenant_id = $1) as total,
            (select count(*) from usable) as with_features,
            count(*) filter (where not has_lines) as no_lines,
            count(*) filter (where has_lines
                               and not exists (select 1 from customer_features where tenant_id = $1)) as not_computed,
            count(*) filter (where has_lines and has_purchase) as cancelled_or_net,
            count(*) filter (where has_lines and not has_purchase and has_return) as only_returns,
            count(*) filter (where has_lines and not has_purchase and not has_return) as unusable
     from per_customer`,
    [params.tenantId],
  );
  const r = result.rows[0] ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  const total = n("total");
  const withFeatures = n("with_features");
  const notComputed = n("not_computed");
  // Before features are first computed, every customer with order lines is waiting for them.
  const reasons = (
    notComputed > 0
      ? [
          { reason: "no order lines (customer file only)", count: n("no_lines") },
          { reason: "features not computed yet", count: notComputed },
        ]
      : [
          { reason: "no order lines (customer file only)", count: n("no_lines") },
          {
            reason: "every purchase cancelled, or returns reach purchases (net sales ≤ 0)",
            count: n("cancelled_or_net"),
          },
          { reason: "only returns, no purchase", count: n("only_returns") },
          { reason: "no usable order line (zero quantity or price)", count: n("unusable") },
        ]
  ).filter((x) => x.count > 0);
  return { total, withFeatures, withoutFeatures: total - withFeatures, reasons };
}
