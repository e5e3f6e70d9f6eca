import { FEATURE_DEFINITIONS } from "@strata/core";

/**
 * What "orders" means wherever a customer's order count is shown (the customer list, the customer
 * page, segment profiles): the `frequency` feature, computed once per import by the core from all
 * order lines. Counting invoices again in SQL would count credit notes ("C" invoices) and fully
 * cancelled orders, and disagree with the features segments are built from.
 */
export const ORDER_COUNT_DEFINITION = `${FEATURE_DEFINITIONS.frequency} Credit notes (invoice ids starting with "C") and orders whose every line was cancelled do not count.`;

/** A customer's order count, read from their computed features; null when they have none. */
export function readOrderCount(features: Record<string, unknown> | null | undefined): number | null {
  const v = features?.frequency;
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
