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
  const result = await client.query<Record<string, string | number>>(
    `with base as (
       select c.id, coalesce(jsonb_typeof(f.features->'frequency') = 'number', false) as has_features
       from customers c
       left join customer_features f on f.customer_id = c.id and f.tenant_id = c.tenant_id
       where c.tenant_id = $1
     ), per_customer as (
       -- Only customers without features are looked into (an index lookup each, stopping at the first hit).
       select has_features,
              not has_features and exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = base.id) as has_lines,
              not has_features and exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = base.id and o.quantity > 0 and o.unit_price > 0
                  and upper(left(coalesce(o.order_id, ''), 1)) <> 'C') as has_purchase,
              not has_features and exists (select 1 from order_lines o
                where o.tenant_id = $1 and o.customer_id = base.id
                  and (o.quantity < 0 or upper(left(coalesce(o.order_id, ''), 1)) = 'C')) as has_return
       from base
     )
     select count(*) as total,
            count(*) filter (where has_features) as with_features,
            count(*) filter (where not has_features and not has_lines) as no_lines,
            count(*) filter (where not has_features and has_lines
                               and (select count(*) from customer_features where tenant_id = $1) = 0) as not_computed,
            count(*) filter (where not has_features and has_lines and has_purchase) as cancelled_or_net,
            count(*) filter (where not has_features and has_lines and not has_purchase and has_return) as only_returns,
            count(*) filter (where not has_features and has_lines and not has_purchase and not has_return) as unusable
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
