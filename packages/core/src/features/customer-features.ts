import { CoreInputError } from "../errors.js";
import { DAY_MS } from "../ingest/dates.js";
import type { Matrix } from "../matrix/matrix.js";
import { LineKind, matchCancellations } from "./match-cancellations.js";
import type { CodedColumn, OrderLines } from "./order-lines.js";

export interface CustomerFeatureOptions {
  /** Instant (epoch ms) recency and tenure are measured at; default the latest purchase line. */
  readonly asOf?: number;
  /** Category and channel mixes keep this many largest (by sales) and fold the rest into "other". Default 8. */
  readonly maxMixColumns?: number;
}

export interface OrderLinesReport {
  readonly linesIn: number;
  /** Purchase lines counted in frequency and sales (cancelled purchase lines are not). */
  readonly purchaseLines: number;
  /** Lines of cancelled invoices (credit notes: InvoiceNo starting with "C"), matched or not. */
  readonly cancelledLines: number;
  /** Lines with a negative quantity on an invoice that is not cancelled, matched or not. */
  readonly negativeQuantityLines: number;
  /**
   * Negative lines matched to the purchase line they cancel (same customer, product, unit price,
   * opposite quantity, same day or later); each pair is taken out of every feature.
   */
  readonly matchedCancellations: number;
  /** Negative or credit-note lines with no purchase line to cancel: returns, taken off monetary. */
  readonly unmatchedReturnLines: number;
  /** Orders (invoices, or purchase days without invoices) whose every purchase line was cancelled. */
  readonly fullyCancelledOrders: number;
  /** Value of the purchase lines taken out by matched cancellations. */
  readonly cancelledValue: number;
  /** Value of the unmatched returns (of customers kept and dropped alike). */
  readonly returnsValue: number;
  /** Lines left out entirely, by reason. */
  readonly droppedLines: Array<{ reason: string; count: number }>;
  readonly customersIn: number;
  readonly customersOut: number;
  /** Customers without a feature row, by reason, with up to five of their ids. */
  readonly droppedCustomers: Array<{ reason: string; count: number; examples: string[] }>;
  /** ISO date-time recency and tenure are measured at. */
  readonly asOf: string;
}

export interface CustomerFeatures {
  /** One id per output row. */
  readonly customerIds: string[];
  readonly features: string[];
  /** customers x features; NaN where a feature is undefined (purchase interval of a one-time buyer). */
  readonly x: Matrix;
  /** Most frequent country of each customer ("" when unknown), when the lines have one. */
  readonly country?: string[];
  readonly report: OrderLinesReport;
}

export const CORE_FEATURES = [
  "recency_days",
  "frequency",
  "monetary",
  "average_basket",
  "tenure_days",
  "purchase_interval_days",
  "returns_share",
] as const;
export type CoreFeature = (typeof CORE_FEATURES)[number];

/**
 * What each core feature means, for people reading a segment. "Purchase" excludes purchase lines
 * cancelled by a matching negative line; "returns" are the unmatched negative lines.
 */
export const FEATURE_DEFINITIONS: Readonly<Record<CoreFeature, string>> = {
  recency_days: "Whole days from the last purchase to the as-of date (cancelled orders do not count).",
  frequency:
    "Orders with at least one purchase line left after cancellations (distinct invoices, or purchase days without invoices).",
  monetary:
    "Net sales: purchase value minus returned value. Always above 0 (customers at or below 0 are left out).",
  average_basket: "Net sales per order: monetary / frequency.",
  tenure_days: "Whole days from the first purchase to the as-of date.",
  purchase_interval_days:
    "Mean days between first and last purchase per gap between orders; empty for one order.",
  returns_share: "Returned value / gross purchase value, capped at 1 (0 = nothing returned).",
};

function topCodes(
  column: CodedColumn,
  weight: Float64Array,
  isUsed: (line: number) => boolean,
  max: number,
): number[] {
  const totals = new Float64Array(column.names.length);
  for (let line = 0; line < column.codes.length; line++) {
    const c = column.codes[line]!;
    if (c >= 0 && isUsed(line)) totals[c]! += weight[line]!;
  }
  const order = column.names.map((_, c) => c).filter((c) => totals[c]! > 0);
  order.sort((a, b) => totals[b]! - totals[a]! || a - b);
  return order.slice(0, max);
}

/**
 * Per-customer behaviour from order lines: recency, frequency (distinct invoices, or distinct
 * purchase days without invoices), monetary (net of returns), average basket, tenure,
 * mean days between purchases, returns share, distinct products, category and channel mix
 * (shares of sales) and seasonality (shares of sales per calendar quarter).
 *
 * Lines of cancelled invoices and lines with negative quantities are first matched to the
 * purchase lines they cancel (see `matchCancellations`): a matched pair leaves every feature, so
 * a fully cancelled order is no order at all. The rest are returns: their value counts in
 * returns_share and is taken off monetary, never in frequency. Lines without a customer, with a
 * zero quantity, a non-positive price or an unreadable value are dropped. Customers with no
 * purchase left, or whose returns reach their purchases (net sales <= 0), are left out; the
 * report counts each case. Definitions: `FEATURE_DEFINITIONS`.
 */
export function customerFeatures(lines: OrderLines, options: CustomerFeatureOptions = {}): CustomerFeatures {
  const m = lines.customer.length;
  for (const [name, arr] of [
    ["time", lines.time],
    ["quantity", lines.quantity],
    ["unitPrice", lines.unitPrice],
  ] as const) {
    if (arr.length !== m) {
      throw new CoreInputError(`order lines: ${name} has ${arr.length} entries, customer has ${m}`, {
        field: name,
      });
    }
  }
  const nc = lines.customerIds.length;
  const maxMix = options.maxMixColumns ?? 8;

  // Classify every line once (LineKind): dropped, purchase or return; matching then turns
  // return/purchase pairs into cancellation/cancelled purchase.
  const kind = new Uint8Array(m);
  let noCustomer = 0;
  let unreadable = 0;
  let zeroQuantity = 0;
  let badPrice = 0;
  let cancelledLines = 0;
  let negativeLines = 0;
  for (let i = 0; i < m; i++) {
    const c = lines.customer[i]!;
    const t = lines.time[i]!;
    const q = lines.quantity[i]!;
    const p = lines.unitPrice[i]!;
    if (c < 0) {
      noCustomer++;
    } else if (!Number.isFinite(t) || !Number.isFinite(q) || !Number.isFinite(p)) {
      unreadable++;
    } else if (lines.cancelled?.[i]) {
      kind[i] = LineKind.return;
      cancelledLines++;
    } else if (q < 0) {
      kind[i] = LineKind.return;
      negativeLines++;
    } else if (q === 0) {
      zeroQuantity++;
    } else if (p <= 0) {
      badPrice++;
    } else {
      kind[i] = LineKind.purchase;
    }
  }
  const matchedCancellations = matchCancellations(lines, kind);
  let purchaseLines = 0;
  let unmatchedReturnLines = 0;
  let latest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < m; i++) {
    if (kind[i] === LineKind.purchase) {
      purchaseLines++;
      if (lines.time[i]! > latest) latest = lines.time[i]!;
    } else if (kind[i] === LineKind.return) unmatchedReturnLines++;
  }
  const asOf = options.asOf ?? (Number.isFinite(latest) ? latest : 0);

  const first = new Float64Array(nc).fill(Number.POSITIVE_INFINITY);
  const last = new Float64Array(nc).fill(Number.NEGATIVE_INFINITY);
  const sales = new Float64Array(nc);
  const returns = new Float64Array(nc);
  const frequency = new Float64Array(nc);
  const products = new Float64Array(nc);
  const quarter = new Float64Array(nc * 4);
  const hasCancelled = new Uint8Array(nc);
  const value = new Float64Array(m);
  let cancelledValue = 0;
  let returnsValue = 0;
  // Distinct (customer, invoice) pairs; without invoices, distinct (customer, day) pairs.
  const seenOrders = new Set<number>();
  const cancelledOrders = new Set<number>();
  const seenProducts = new Set<number>();
  const orderKeyOf = (i: number, c: number): number =>
    (lines.invoice ? lines.invoice[i]! : Math.floor(lines.time[i]! / DAY_MS)) * nc + c;
  for (let i = 0; i < m; i++) {
    const k = kind[i]!;
    if (k === LineKind.dropped || k === LineKind.cancellation) continue;
    const c = lines.customer[i]!;
    const v = Math.abs(lines.quantity[i]! * lines.unitPrice[i]!);
    value[i] = v;
    if (k === LineKind.return) {
      returns[c]! += v;
      returnsValue += v;
      continue;
    }
    if (k === LineKind.cancelledPurchase) {
      hasCancelled[c] = 1;
      cancelledValue += v;
      cancelledOrders.add(orderKeyOf(i, c));
      continue;
    }
    const t = lines.time[i]!;
    sales[c]! += v;
    if (t < first[c]!) first[c] = t;
    if (t > last[c]!) last[c] = t;
    const orderKey = orderKeyOf(i, c);
    if (!seenOrders.has(orderKey)) {
      seenOrders.add(orderKey);
      frequency[c]!++;
    }
    if (lines.product) {
      const key = lines.product.codes[i]! * nc + c;
      if (lines.product.codes[i]! >= 0 && !seenProducts.has(key)) {
        seenProducts.add(key);
        products[c]!++;
      }
    }
    quarter[c * 4 + Math.floor(new Date(t).getUTCMonth() / 3)]! += v;
  }

  let fullyCancelledOrders = 0;
  for (const key of cancelledOrders) if (!seenOrders.has(key)) fullyCancelledOrders++;

  const isPurchase = (line: number): boolean => kind[line] === LineKind.purchase;
  const mixes: Array<{ prefix: string; column: CodedColumn; codes: number[] }> = [];
  if (lines.category) {
    mixes.push({
      prefix: "category_share",
      column: lines.category,
      codes: topCodes(lines.category, value, isPurchase, maxMix),
    });
  }
  if (lines.channel) {
    mixes.push({
      prefix: "channel_share",
      column: lines.channel,
      codes: topCodes(lines.channel, value, isPurchase, maxMix),
    });
  }

  const features: string[] = [...CORE_FEATURES];
  if (lines.product) features.push("distinct_products");
  const mixOffsets: number[] = [];
  for (const mix of mixes) {
    mixOffsets.push(features.length);
    for (const code of mix.codes) features.push(`${mix.prefix}:${mix.column.names[code]}`);
    if (mix.codes.length < mix.column.names.length) features.push(`${mix.prefix}:other`);
  }
  const quarterOffset = features.length;
  features.push("season_share_q1", "season_share_q2", "season_share_q3", "season_share_q4");
  const d = features.length;

  const rowOf = new Int32Array(nc).fill(-1);
  const customerIds: string[] = [];
  const dropped = {
    netNotPositive: {
      reason: "returns reach or exceed purchases (net sales <= 0)",
      count: 0,
      examples: [] as string[],
    },
    allCancelled: { reason: "every purchase cancelled", count: 0, examples: [] as string[] },
    onlyReturns: { reason: "only returns, no purchase", count: 0, examples: [] as string[] },
    noLines: { reason: "no usable order line", count: 0, examples: [] as string[] },
  };
  const drop = (entry: { count: number; examples: string[] }, c: number): void => {
    entry.count++;
    if (entry.examples.length < 5) entry.examples.push(lines.customerIds[c]!);
  };
  for (let c = 0; c < nc; c++) {
    if (frequency[c]! > 0) {
      // Net sales <= 0 has no basket, no returns share below 1 and no place in a spend ranking.
      if (sales[c]! - returns[c]! > 0) {
        rowOf[c] = customerIds.length;
        customerIds.push(lines.customerIds[c]!);
      } else drop(dropped.netNotPositive, c);
    } else if (hasCancelled[c]) {
      drop(dropped.allCancelled, c);
    } else if (returns[c]! > 0) {
      drop(dropped.onlyReturns, c);
    } else {
      drop(dropped.noLines, c);
    }
  }
  const n = customerIds.length;
  const data = new Float64Array(n * d);
  for (let c = 0; c < nc; c++) {
    const r = rowOf[c]!;
    if (r < 0) continue;
    const row = r * d;
    const f = frequency[c]!;
    data[row] = Math.floor((asOf - last[c]!) / DAY_MS);
    data[row + 1] = f;
    const net = sales[c]! - returns[c]!;
    data[row + 2] = net;
    data[row + 3] = net / f;
    data[row + 4] = Math.floor((asOf - first[c]!) / DAY_MS);
    data[row + 5] = f > 1 ? (last[c]! - first[c]!) / DAY_MS / (f - 1) : Number.NaN;
    data[row + 6] = Math.min(1, returns[c]! / sales[c]!);
    if (lines.product) data[row + 7] = products[c]!;
    for (let q = 0; q < 4; q++) data[row + quarterOffset + q] = quarter[c * 4 + q]! / sales[c]!;
  }
  mixes.forEach((mix, index) => {
    const offset = mixOffsets[index]!;
    const slot = new Int32Array(mix.column.names.length).fill(mix.codes.length);
    mix.codes.forEach((code, s) => {
      slot[code] = s;
    });
    const hasOther = mix.codes.length < mix.column.names.length;
    for (let i = 0; i < m; i++) {
      if (kind[i] !== LineKind.purchase) continue;
      const r = rowOf[lines.customer[i]!]!;
      if (r < 0) continue;
      const code = mix.column.codes[i]!;
      const s = code < 0 ? mix.codes.length : slot[code]!;
      if (s === mix.codes.length && !hasOther) continue;
      data[r * d + offset + s]! += value[i]!;
    }
    const width = mix.codes.length + (hasOther ? 1 : 0);
    for (let c = 0; c < nc; c++) {
      const r = rowOf[c]!;
      if (r < 0) continue;
      for (let s = 0; s < width; s++) data[r * d + offset + s]! /= sales[c]!;
    }
  });

  let country: string[] | undefined;
  if (lines.country) {
    const counts = new Map<number, number>();
    const best = new Int32Array(n).fill(-1);
    const bestCount = new Int32Array(n);
    const nCountries = lines.country.names.length;
    for (let i = 0; i < m; i++) {
      if (kind[i] !== LineKind.purchase) continue;
      const code = lines.country.codes[i]!;
      if (code < 0) continue;
      const r = rowOf[lines.customer[i]!]!;
      if (r < 0) continue;
      const key = r * nCountries + code;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      if (count > bestCount[r]!) {
        bestCount[r] = count;
        best[r] = code;
      }
    }
    country = Array.from(best, (code) => (code < 0 ? "" : lines.country!.names[code]!));
  }

  const droppedLines = [
    { reason: "no customer id", count: noCustomer },
    { reason: "unreadable time, quantity or price", count: unreadable },
    { reason: "zero quantity", count: zeroQuantity },
    { reason: "zero or negative unit price", count: badPrice },
  ].filter((x) => x.count > 0);
  const droppedCustomers = Object.values(dropped).filter((x) => x.count > 0);
  return {
    customerIds,
    features,
    x: { data, n, d },
    ...(country ? { country } : {}),
    report: {
      linesIn: m,
      purchaseLines,
      cancelledLines,
      negativeQuantityLines: negativeLines,
      matchedCancellations,
      unmatchedReturnLines,
      fullyCancelledOrders,
      cancelledValue: roundMoney(cancelledValue),
      returnsValue: roundMoney(returnsValue),
      droppedLines,
      customersIn: nc,
      customersOut: n,
      droppedCustomers,
      asOf: new Date(asOf).toISOString(),
    },
  };
}

/** Report totals in cents: sums of many float products carry noise in the last digits. */
function roundMoney(v: number): number {
  return Math.round(v * 100) / 100;
}
