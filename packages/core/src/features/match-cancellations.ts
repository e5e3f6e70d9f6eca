import { DAY_MS } from "../ingest/dates.js";
import type { OrderLines } from "./order-lines.js";

/** What an order line counts as in the customer features. */
export const LineKind = {
  /** Left out (no customer, zero quantity, bad price, unreadable). */
  dropped: 0,
  /** A sale: counts in frequency, monetary, basket, recency. */
  purchase: 1,
  /** A negative or credit-note line with no purchase line it exactly reverses: goods returned. */
  return: 2,
  /** A purchase line that a later line cancels: as if it never happened. */
  cancelledPurchase: 3,
  /** The negative line that cancels a purchase line. */
  cancellation: 4,
} as const;

/** Two prices read from the same text are equal; the tolerance only absorbs decimal round trips. */
function samePrice(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/**
 * Matches negative lines to the purchase lines they cancel and marks both in `kind` (in place):
 * a return line (kind 2, negative quantity) cancels a purchase line (kind 1) of the same
 * customer and product at the same unit price with exactly the opposite quantity, dated the same
 * day or earlier. Among several such purchases it takes the latest unmatched one; return lines
 * are matched in time order, and each purchase line is cancelled at most once.
 *
 * Why: a cancelled order (UCI Online Retail's "C" invoices) was never a sale. Counting the order
 * in frequency and recency while only its value comes off monetary turns one mistyped
 * 80,995-unit order into a "lapsed high spender". Lines left unmatched (partial returns, credit
 * notes whose original is outside the data, discounts) stay returns.
 *
 * Without a product column nothing is matched: customer, price and quantity alone are too weak
 * a key. Returns the number of matched pairs.
 */
export function matchCancellations(lines: OrderLines, kind: Uint8Array): number {
  const product = lines.product;
  if (!product) return 0;
  const nc = lines.customerIds.length;
  const m = kind.length;
  const { customer, quantity, unitPrice, time } = lines;
  // Group by (product, customer): groups are small, so a scan inside one is cheap.
  const groups = new Map<number, { returns: number[]; purchases: number[] }>();
  for (let i = 0; i < m; i++) {
    const code = product.codes[i]!;
    if (kind[i] !== LineKind.return || quantity[i]! >= 0 || code < 0) continue;
    const key = code * nc + customer[i]!;
    let g = groups.get(key);
    if (!g) {
      g = { returns: [], purchases: [] };
      groups.set(key, g);
    }
    g.returns.push(i);
  }
  if (groups.size === 0) return 0;
  for (let i = 0; i < m; i++) {
    const code = product.codes[i]!;
    if (kind[i] !== LineKind.purchase || code < 0) continue;
    groups.get(code * nc + customer[i]!)?.purchases.push(i);
  }
  let matched = 0;
  for (const g of groups.values()) {
    if (g.purchases.length === 0) continue;
    g.returns.sort((a, b) => time[a]! - time[b]! || a - b);
    for (const r of g.returns) {
      const q = -quantity[r]!;
      const p = unitPrice[r]!;
      const day = Math.floor(time[r]! / DAY_MS);
      let best = -1;
      for (const j of g.purchases) {
        if (kind[j] !== LineKind.purchase || quantity[j] !== q || !samePrice(unitPrice[j]!, p)) continue;
        if (Math.floor(time[j]! / DAY_MS) > day) continue;
        if (best < 0 || time[j]! > time[best]! || (time[j] === time[best] && j > best)) best = j;
      }
      if (best >= 0) {
        kind[best] = LineKind.cancelledPurchase;
        kind[r] = LineKind.cancellation;
        matched++;
      }
    }
  }
  return matched;
}
