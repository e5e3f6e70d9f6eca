import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { parseCsv } from "../ingest/csv.js";
import { detectDateFormat } from "../ingest/dates.js";
import { guessMapping } from "../ingest/mapping.js";
import { createRowValidator } from "../ingest/validate.js";
import { DEMO_CATEGORIES, DEMO_CHANNELS, DEMO_COUNTRIES } from "./catalog.js";
import { demoActivitiesCsv, demoCustomersCsv, demoOrdersCsv } from "./csv.js";
import { type DemoOrderLine, generateDemoRetailer } from "./retailer.js";

const demo = generateDemoRetailer({ seed: 7 });
const DAY = 86_400_000;

function invoices(lines: DemoOrderLine[]) {
  const byInvoice = new Map<string, { customerId: string; lines: number; value: number }>();
  for (const l of lines) {
    if (l.quantity < 0) continue;
    const inv = byInvoice.get(l.invoiceId) ?? { customerId: l.customerId, lines: 0, value: 0 };
    inv.lines++;
    inv.value += l.quantity * l.unitPrice;
    byInvoice.set(l.invoiceId, inv);
  }
  return [...byInvoice.values()];
}

describe("generateDemoRetailer", () => {
  it("makes a few thousand customers and on the order of 100k order lines over two years", () => {
    expect(demo.customers).toHaveLength(3000);
    expect(demo.orders.length).toBeGreaterThan(80_000);
    expect(demo.orders.length).toBeLessThan(150_000);
    expect(new Set(demo.customers.map((c) => c.externalId)).size).toBe(3000);
    const months = new Set(demo.orders.map((o) => new Date(o.orderedAt).toISOString().slice(0, 7)));
    expect(months.size).toBe(24);
    expect(demo.orders[0]!.orderedAt).toBeGreaterThanOrEqual(demo.start);
    expect(demo.orders.at(-1)!.orderedAt).toBeLessThanOrEqual(demo.end);
    let outOfOrder = 0;
    for (let i = 1; i < demo.orders.length; i++) {
      if (demo.orders[i]!.orderedAt < demo.orders[i - 1]!.orderedAt) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
  });

  it("uses every channel for a real share of the lines", () => {
    const counts = new Map<string, number>();
    for (const o of demo.orders) counts.set(o.channel, (counts.get(o.channel) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...DEMO_CHANNELS].sort());
    for (const c of DEMO_CHANNELS) {
      const share = counts.get(c)! / demo.orders.length;
      expect(share, c).toBeGreaterThan(0.1);
      expect(share, c).toBeLessThan(0.45);
    }
  });

  it("peaks in December and dips in summer", () => {
    const perMonth = new Map<string, number>();
    for (const o of demo.orders) {
      const m = new Date(o.orderedAt).toISOString().slice(0, 7);
      perMonth.set(m, (perMonth.get(m) ?? 0) + o.quantity * o.unitPrice);
    }
    const average = [...perMonth.values()].reduce((a, b) => a + b, 0) / perMonth.size;
    const dec = [...perMonth].filter(([m]) => m.endsWith("-12")).map(([, v]) => v);
    const jul = [...perMonth].filter(([m]) => m.endsWith("-07")).map(([, v]) => v);
    expect(dec).toHaveLength(2);
    for (const v of dec) expect(v).toBeGreaterThan(1.3 * average);
    for (const v of jul) expect(v).toBeLessThan(average);
  });

  it("gives high-volume B2B accounts much bigger baskets than everyone else", () => {
    const types = new Map(demo.customers.map((c) => [c.externalId, c.type]));
    const orders = invoices(demo.orders);
    const b2b = orders.filter((o) => types.get(o.customerId) === "high-volume B2B");
    const rest = orders.filter((o) => types.get(o.customerId) !== "high-volume B2B");
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(b2b.length).toBeGreaterThan(1000);
    expect(mean(b2b.map((o) => o.value))).toBeGreaterThan(10 * mean(rest.map((o) => o.value)));
    expect(mean(b2b.map((o) => o.lines))).toBeGreaterThan(2 * mean(rest.map((o) => o.lines)));
  });

  it("has every customer type, returns as negative credit lines, and lapsed customers gone quiet", () => {
    const types = new Set(demo.customers.map((c) => c.type));
    expect(types.size).toBe(6);
    const returns = demo.orders.filter((o) => o.quantity < 0);
    expect(returns.length / demo.orders.length).toBeGreaterThan(0.01);
    expect(returns.length / demo.orders.length).toBeLessThan(0.06);
    expect(returns.every((r) => r.invoiceId.startsWith("C") && r.weight > 0)).toBe(true);
    const lapsed = new Set(demo.customers.filter((c) => c.type === "lapsed").map((c) => c.externalId));
    const recent = new Set(
      demo.orders
        .filter((o) => o.orderedAt > demo.end - 120 * DAY && o.quantity > 0)
        .map((o) => o.customerId),
    );
    const recentlyActiveLapsed = [...lapsed].filter((id) => recent.has(id)).length;
    expect(recentlyActiveLapsed).toBe(0);
    const everyoneElse = demo.customers.filter((c) => !lapsed.has(c.externalId) && recent.has(c.externalId));
    expect(everyoneElse.length).toBeGreaterThan(1000);
  });

  it("costs each line at its category's margin below list price, with prices drifting up", () => {
    const margins = new Map(DEMO_CATEGORIES.map((c) => [c.name, c.margin]));
    let revenue = 0;
    let cogs = 0;
    for (const o of demo.orders) {
      expect(o.unitCost).toBeGreaterThan(0);
      revenue += o.quantity * o.unitPrice;
      cogs += o.quantity * o.unitCost;
    }
    const margin = 1 - cogs / revenue;
    expect(margin).toBeGreaterThan(0.25);
    expect(margin).toBeLessThan(0.55);
    // The same product costs more a year later, and a return line keeps the cost of its sale.
    const sales = demo.orders.filter((o) => o.quantity > 0);
    const firstSale = sales[0]!;
    const later = sales.find(
      (o) => o.productCode === firstSale.productCode && o.orderedAt > firstSale.orderedAt + 300 * DAY,
    );
    expect(later!.unitCost).toBeGreaterThan(firstSale.unitCost);
    expect(Math.min(...margins.values())).toBeGreaterThan(0.3);
  });

  it("delivers each order once, over the ship-to region's distance, and pick-ups travel nowhere", () => {
    const km = new Map(DEMO_COUNTRIES.flatMap((c) => c.regions.map((r) => [r.name, r.distanceKm] as const)));
    const deliveries = new Map<string, { distance: number; invoice: string }>();
    const wrong: unknown[] = [];
    for (const o of demo.orders) {
      const d = deliveries.get(o.deliveryId) ?? { distance: o.distance, invoice: o.invoiceId };
      if (d.distance !== o.distance || d.invoice !== o.invoiceId) wrong.push(o);
      deliveries.set(o.deliveryId, d);
      const base = km.get(o.region)!;
      const isPickup = o.quantity > 0 && o.channel === "pickup";
      const isInRange = o.distance >= 0.85 * base - 0.1 && o.distance <= 1.15 * base + 0.1;
      if (isPickup ? o.distance !== 0 : !isInRange) wrong.push(o);
    }
    expect(wrong).toEqual([]);
    expect(deliveries.size).toBe(new Set(demo.orders.map((o) => o.invoiceId)).size);
  });

  it("counts visits (mostly B2B), monthly statements for account customers, a few % expedites and payment terms", () => {
    const byId = new Map(demo.customers.map((c) => [c.externalId, c]));
    const sum = (activity: string, filter: (id: string) => boolean = () => true) =>
      demo.activities
        .filter((e) => e.activity === activity && filter(e.customerId))
        .reduce((a, e) => a + e.quantity, 0);
    const isB2b = (id: string) => byId.get(id)!.type === "high-volume B2B";
    const b2b = demo.customers.filter((c) => isB2b(c.externalId)).length;
    expect(sum("sales_visit", isB2b) / b2b).toBeGreaterThan(
      10 * (sum("sales_visit", (id) => !isB2b(id)) / (3000 - b2b)),
    );
    const orders = new Set(demo.orders.filter((o) => o.quantity > 0).map((o) => o.invoiceId)).size;
    expect(sum("expedite") / orders).toBeGreaterThan(0.01);
    expect(sum("expedite") / orders).toBeLessThan(0.08);
    for (const e of demo.activities.filter((e) => e.activity === "payment_terms_days")) {
      expect([30, 60]).toContain(e.quantity);
      expect(byId.get(e.customerId)!.paymentTerms).toBe(`${e.quantity} days`);
      expect(e.date).toBeNull();
    }
    const statements = demo.activities.filter((e) => e.activity === "statement");
    expect(statements.every((e) => byId.get(e.customerId)!.paymentTerms !== "prepaid")).toBe(true);
    expect(statements.every((e) => e.date! <= "2025-12-31")).toBe(true);
    const oneAccount = demo.customers.find(
      (c) => c.paymentTerms !== "prepaid" && c.signupDate < "2023-12-01",
    )!;
    expect(statements.filter((e) => e.customerId === oneAccount.externalId).length).toBeGreaterThanOrEqual(
      oneAccount.type === "lapsed" ? 1 : 24,
    );
  });

  it("is deterministic for a seed and different for another", () => {
    const again = generateDemoRetailer({ seed: 7, customers: 200 });
    const same = generateDemoRetailer({ seed: 7, customers: 200 });
    const other = generateDemoRetailer({ seed: 8, customers: 200 });
    expect(same).toEqual(again);
    expect(
      other.orders.length === again.orders.length && other.customers[0]!.name === again.customers[0]!.name,
    ).toBe(false);
  });

  it("ends the history at the given end date", () => {
    const d = generateDemoRetailer({ customers: 100, months: 12, endDate: "2026-06-30T23:59:59Z" });
    expect(new Date(d.start).toISOString()).toBe("2025-07-01T00:00:00.000Z");
    expect(d.orders.at(-1)!.orderedAt).toBeLessThanOrEqual(Date.parse("2026-06-30T23:59:59Z"));
    expect(() => generateDemoRetailer({ customers: 0 })).toThrow(CoreInputError);
    expect(() => generateDemoRetailer({ endDate: "not a date" })).toThrow(/endDate/);
  });
});

describe("demo CSV files", () => {
  const small = generateDemoRetailer({ seed: 3, customers: 150 });

  it("import cleanly through the ingest pipeline: mapping guessed, dates detected, no rejections", () => {
    const text = [...demoOrdersCsv(small.orders, 500)].join("");
    const { header, records } = parseCsv(text);
    expect(records).toHaveLength(small.orders.length);
    const guess = guessMapping(header, "orders");
    expect(guess.missing).toEqual([]);
    expect(guess.mapping.fields).toMatchObject({
      invoiceId: 0,
      customerId: 1,
      orderedAt: 2,
      product: 3,
      category: 5,
      quantity: 6,
      unitPrice: 7,
      channel: 8,
      country: 9,
      region: 10,
      weight: 11,
      unitCost: 12,
      deliveryId: 13,
      distance: 14,
    });
    const dates = detectDateFormat(records.slice(0, 200).map((r) => ({ line: r.line, value: r.fields[2]! })));
    expect(dates).toMatchObject({ status: "ok", format: "iso" });
    const validator = createRowValidator(guess.mapping, "orders", { dateFormat: dates.format! });
    const rows = records.map((r) => validator.validate(r));
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    const first = rows[0]!;
    expect(first.ok && first.row.orderedAt).toBe(small.orders[0]!.orderedAt);
    expect(first.ok && first.row.unitCost).toBe(small.orders[0]!.unitCost);
    expect(first.ok && first.row.deliveryId).toBe(small.orders[0]!.deliveryId);
  });

  it("writes activity events that import against the demo customers", () => {
    const { header, records } = parseCsv([...demoActivitiesCsv(small.activities)].join(""));
    const guess = guessMapping(header, "activities");
    expect(guess.mapping.fields).toEqual({ customerId: 0, activity: 1, quantity: 2, occurredOn: 3 });
    const validator = createRowValidator(guess.mapping, "activities", {
      dateFormat: "iso",
      knownCustomerIds: new Set(small.customers.map((c) => c.externalId)),
    });
    const rows = records.map((r) => validator.validate(r));
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    expect(rows).toHaveLength(small.activities.length);
  });

  it("writes customers with an id column and attributes", () => {
    const { header, records } = parseCsv([...demoCustomersCsv(small.customers)].join(""));
    const guess = guessMapping(header, "customers");
    expect(guess.mapping.fields.externalId).toBe(0);
    const validator = createRowValidator(guess.mapping, "customers");
    const rows = records.map((r) => validator.validate(r));
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rows).toHaveLength(150);
  });
});
