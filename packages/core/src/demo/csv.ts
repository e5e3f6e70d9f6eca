import type { DemoActivityEvent, DemoCustomer, DemoOrderLine } from "./retailer.js";

/** Header of the demo customer file (names guessMapping recognises). */
export const DEMO_CUSTOMERS_CSV_HEADER = [
  "customer_id",
  "name",
  "customer_type",
  "business_type",
  "country",
  "region",
  "city",
  "channel_preference",
  "signup_date",
  "employees",
  "payment_terms",
  "loyalty_member",
] as const;

/** Header of the demo order-line file (names guessMapping recognises). */
export const DEMO_ORDERS_CSV_HEADER = [
  "invoice_no",
  "customer_id",
  "ordered_at",
  "product_code",
  "product",
  "category",
  "quantity",
  "unit_price",
  "channel",
  "country",
  "ship_to_region",
  "weight_kg",
  "unit_cost",
  "delivery_id",
  "distance",
] as const;

/** Header of the demo activity events file (CONTRACT activities.csv, plus the date). */
export const DEMO_ACTIVITIES_CSV_HEADER = ["customer_id", "activity", "quantity", "date"] as const;

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `YYYY-MM-DD HH:MM:SS` (the wall-clock time, as order exports write it). */
export function formatDemoTimestamp(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function demoCustomerCsvLine(c: DemoCustomer): string {
  return [
    c.externalId,
    field(c.name),
    c.type,
    field(c.businessType),
    field(c.country),
    field(c.region),
    field(c.city),
    c.channelPreference,
    c.signupDate,
    String(c.employees),
    c.paymentTerms,
    c.isLoyaltyMember ? "yes" : "no",
  ].join(",");
}

export function demoOrderCsvLine(o: DemoOrderLine): string {
  return [
    o.invoiceId,
    o.customerId,
    formatDemoTimestamp(o.orderedAt),
    o.productCode,
    field(o.product),
    field(o.category),
    String(o.quantity),
    o.unitPrice.toFixed(2),
    o.channel,
    field(o.country),
    field(o.region),
    String(o.weight),
    o.unitCost.toFixed(2),
    o.deliveryId,
    String(o.distance),
  ].join(",");
}

export function demoActivityCsvLine(e: DemoActivityEvent): string {
  return [e.customerId, e.activity, String(e.quantity), e.date ?? ""].join(",");
}

/**
 * CSV text in chunks of `linesPerChunk` lines (the header first, LF line ends), so a caller
 * can stream it to a file or straight into an import without building one big string.
 */
export function* demoCsvChunks<T>(
  header: readonly string[],
  rows: Iterable<T>,
  toLine: (row: T) => string,
  linesPerChunk = 5000,
): Generator<string> {
  let chunk = header.join(",") + "\n";
  let n = 0;
  for (const row of rows) {
    chunk += toLine(row) + "\n";
    if (++n === linesPerChunk) {
      yield chunk;
      chunk = "";
      n = 0;
    }
  }
  if (chunk !== "") yield chunk;
}

/** The customers as CSV text chunks. */
export function demoCustomersCsv(
  customers: Iterable<DemoCustomer>,
  linesPerChunk?: number,
): Generator<string> {
  return demoCsvChunks(DEMO_CUSTOMERS_CSV_HEADER, customers, demoCustomerCsvLine, linesPerChunk);
}

/** The order lines as CSV text chunks. */
export function demoOrdersCsv(orders: Iterable<DemoOrderLine>, linesPerChunk?: number): Generator<string> {
  return demoCsvChunks(DEMO_ORDERS_CSV_HEADER, orders, demoOrderCsvLine, linesPerChunk);
}

/** The activity events as CSV text chunks. */
export function demoActivitiesCsv(
  events: Iterable<DemoActivityEvent>,
  linesPerChunk?: number,
): Generator<string> {
  return demoCsvChunks(DEMO_ACTIVITIES_CSV_HEADER, events, demoActivityCsvLine, linesPerChunk);
}
