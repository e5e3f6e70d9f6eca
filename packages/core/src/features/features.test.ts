import { describe, expect, it } from "vitest";
import { DAY_MS } from "../ingest/dates.js";
import { createRandom } from "../random/index.js";
import { customerFeatures } from "./customer-features.js";
import { type OrderLineRecord, OrderLinesBuilder, orderLinesFromRecords } from "./order-lines.js";
import { quintileScores, rfmScores, rfmSegmentName } from "./rfm.js";

const day = (d: number) => Date.UTC(2011, 0, d, 12);

// Customer A: two invoices (Jan 1 and Jan 11), one returned line on a cancelled invoice.
// Customer B: one invoice on Jan 21 with two lines. Customer C: only a cancellation.
const records = [
  {
    customerId: "A",
    invoice: "1",
    time: day(1),
    quantity: 2,
    unitPrice: 5,
    category: "toys",
    channel: "web",
  },
  {
    customerId: "A",
    invoice: "1",
    time: day(1),
    quantity: 1,
    unitPrice: 10,
    category: "home",
    channel: "web",
  },
  {
    customerId: "A",
    invoice: "2",
    time: day(11),
    quantity: 4,
    unitPrice: 5,
    category: "toys",
    channel: "store",
  },
  {
    customerId: "A",
    invoice: "C9",
    time: day(12),
    quantity: -1,
    unitPrice: 10,
    category: "home",
    channel: "web",
  },
  {
    customerId: "B",
    invoice: "3",
    time: day(21),
    quantity: 1,
    unitPrice: 100,
    category: "home",
    channel: "web",
  },
  {
    customerId: "B",
    invoice: "3",
    time: day(21),
    quantity: 3,
    unitPrice: 0,
    category: "home",
    channel: "web",
  },
  {
    customerId: "C",
    invoice: "C10",
    time: day(5),
    quantity: -2,
    unitPrice: 3,
    category: "toys",
    channel: "web",
  },
  {
    customerId: null,
    invoice: "4",
    time: day(6),
    quantity: 1,
    unitPrice: 3,
    category: "toys",
    channel: "web",
  },
  {
    customerId: "B",
    invoice: "5",
    time: day(15),
    quantity: -1,
    unitPrice: 20,
    category: "home",
    channel: "web",
  },
];

describe("customerFeatures", () => {
  const out = customerFeatures(orderLinesFromRecords(records));
  const row = (id: string) => {
    const r = out.customerIds.indexOf(id);
    return Object.fromEntries(out.features.map((f, j) => [f, out.x.data[r * out.x.d + j]]));
  };

  it("computes recency, frequency, monetary, basket, tenure and interval by hand", () => {
    expect(out.customerIds).toEqual(["A", "B"]);
    const a = row("A");
    expect(a.recency_days).toBe(10); // last purchase Jan 11, latest purchase line Jan 21
    expect(a.frequency).toBe(2);
    expect(a.monetary).toBe(40 - 10); // sales 10 + 10 + 20, one returned line worth 10
    expect(a.average_basket).toBe(15); // net sales per order
    expect(a.tenure_days).toBe(20);
    expect(a.purchase_interval_days).toBe(10);
    expect(a.returns_share).toBe(0.25);
    const b = row("B");
    expect(b.recency_days).toBe(0);
    expect(b.frequency).toBe(1);
    expect(b.monetary).toBe(80);
    expect(b.purchase_interval_days).toBeNaN();
    expect(b.returns_share).toBe(0.2);
  });

  it("mixes categories, channels and quarters as shares of sales", () => {
    const a = row("A");
    expect(a["category_share:toys"]).toBe(0.75);
    expect(a["category_share:home"]).toBe(0.25);
    expect(a["channel_share:web"]).toBe(0.5);
    expect(a["channel_share:store"]).toBe(0.5);
    expect(a.season_share_q1).toBe(1);
    expect(a.season_share_q3).toBe(0);
  });

  it("reports cancelled, negative, dropped lines and dropped customers", () => {
    expect(out.report).toEqual({
      linesIn: 9,
      purchaseLines: 4,
      cancelledLines: 2,
      negativeQuantityLines: 1,
      matchedCancellations: 0, // no product column: nothing can be matched
      unmatchedReturnLines: 3,
      fullyCancelledOrders: 0,
      cancelledValue: 0,
      returnsValue: 36,
      droppedLines: [
        { reason: "no customer id", count: 1 },
        { reason: "zero or negative unit price", count: 1 },
      ],
      customersIn: 3,
      customersOut: 2,
      droppedCustomers: [{ reason: "only returns, no purchase", count: 1, examples: ["C"] }],
      asOf: new Date(day(21)).toISOString(),
    });
  });

  it("counts distinct purchase days as frequency when there are no invoices", () => {
    const b = new OrderLinesBuilder();
    b.push({ customerId: 7, time: day(1), quantity: 1, unitPrice: 1 });
    b.push({ customerId: 7, time: day(1) + 3600_000, quantity: 1, unitPrice: 1 });
    b.push({ customerId: 7, time: day(3), quantity: 1, unitPrice: 1 });
    const f = customerFeatures(b.finish(), { asOf: day(10) });
    expect(f.features.slice(0, 2)).toEqual(["recency_days", "frequency"]);
    expect(Array.from(f.x.data.subarray(0, 2))).toEqual([7, 2]);
  });
});

describe("customerFeatures with cancellations and returns", () => {
  // X: a real order (day 1), a partial return (day 5), a second real order (day 10), and a
  // 1,000-unit order on day 20 cancelled the same day by its credit note.
  // Y: one order, fully cancelled. Z: returns worth more than its purchases.
  // V: the same line bought on day 2 and day 8, one cancelled on day 9 (the later one goes).
  // W: a credit note dated before the purchase it mirrors: not a cancellation, a return.
  const cancellationRecords = [
    { customerId: "X", invoice: "100", time: day(1), product: "P1", quantity: 2, unitPrice: 5 },
    { customerId: "X", invoice: "100", time: day(1), product: "P2", quantity: 1, unitPrice: 20 },
    { customerId: "X", invoice: "C103", time: day(5), product: "P1", quantity: -1, unitPrice: 5 },
    { customerId: "X", invoice: "104", time: day(10), product: "P2", quantity: 3, unitPrice: 20 },
    { customerId: "X", invoice: "101", time: day(20), product: "P3", quantity: 1000, unitPrice: 2 },
    {
      customerId: "X",
      invoice: "C102",
      time: day(20) + 60_000,
      product: "P3",
      quantity: -1000,
      unitPrice: 2,
    },
    { customerId: "Y", invoice: "200", time: day(3), product: "P3", quantity: 500, unitPrice: 2 },
    { customerId: "Y", invoice: "C201", time: day(4), product: "P3", quantity: -500, unitPrice: 2 },
    { customerId: "Z", invoice: "300", time: day(3), product: "P1", quantity: 2, unitPrice: 5 },
    { customerId: "Z", invoice: "C301", time: day(4), product: "P2", quantity: -2, unitPrice: 20 },
    { customerId: "V", invoice: "400", time: day(2), product: "P1", quantity: 4, unitPrice: 5 },
    { customerId: "V", invoice: "401", time: day(8), product: "P1", quantity: 4, unitPrice: 5 },
    { customerId: "V", invoice: "C402", time: day(9), product: "P1", quantity: -4, unitPrice: 5 },
    { customerId: "W", invoice: "C500", time: day(1), product: "P2", quantity: -1, unitPrice: 20 },
    { customerId: "W", invoice: "501", time: day(3), product: "P2", quantity: 1, unitPrice: 20 },
    { customerId: "W", invoice: "502", time: day(4), product: "P1", quantity: 10, unitPrice: 5 },
  ];
  const out = customerFeatures(orderLinesFromRecords(cancellationRecords), { asOf: day(30) });
  const row = (id: string) => {
    const r = out.customerIds.indexOf(id);
    expect(r).toBeGreaterThanOrEqual(0);
    return Object.fromEntries(out.features.map((f, j) => [f, out.x.data[r * out.x.d + j]]));
  };

  it("counts only the orders that were not cancelled, with net sales and a returns share below 1", () => {
    const x = row("X");
    expect(x.frequency).toBe(2);
    expect(x.monetary).toBe(10 + 20 + 60 - 5);
    expect(x.average_basket).toBe(85 / 2);
    expect(x.returns_share).toBeCloseTo(5 / 90, 12);
    expect(x.distinct_products).toBe(2);
  });

  it("measures recency and tenure from real orders, as if the cancelled order never happened", () => {
    const x = row("X");
    expect(x.recency_days).toBe(20); // last real order on day 10, not the cancelled one on day 20
    expect(x.tenure_days).toBe(29);
    expect(x.purchase_interval_days).toBe(9);
  });

  it("cancels the latest matching purchase on or before the credit note", () => {
    const v = row("V");
    expect(v.frequency).toBe(1);
    expect(v.monetary).toBe(20);
    expect(v.recency_days).toBe(28);
    expect(v.returns_share).toBe(0);
  });

  it("keeps a credit note dated before its mirror purchase as a return", () => {
    const w = row("W");
    expect(w.frequency).toBe(2);
    expect(w.monetary).toBe(20 + 50 - 20);
    expect(w.returns_share).toBeCloseTo(20 / 70, 12);
  });

  it("leaves out fully cancelled customers and customers with net sales at or below zero, saying why", () => {
    expect(out.customerIds).toEqual(["X", "V", "W"]);
    expect(out.report).toMatchObject({
      linesIn: 16,
      purchaseLines: 7, // 10 purchase lines, 3 of them cancelled
      cancelledLines: 6,
      negativeQuantityLines: 0,
      matchedCancellations: 3,
      unmatchedReturnLines: 3,
      fullyCancelledOrders: 3,
      cancelledValue: 2000 + 1000 + 20,
      returnsValue: 5 + 40 + 20,
      customersIn: 5,
      customersOut: 3,
      droppedCustomers: [
        { reason: "returns reach or exceed purchases (net sales <= 0)", count: 1, examples: ["Z"] },
        { reason: "every purchase cancelled", count: 1, examples: ["Y"] },
      ],
    });
  });

  it("matches cancellations without invoices too, by product, price and opposite quantity", () => {
    const noInvoices = cancellationRecords.map(({ invoice: _invoice, ...rest }) => rest);
    const f = customerFeatures(orderLinesFromRecords(noInvoices), { asOf: day(30) });
    expect(f.report.matchedCancellations).toBe(3);
    const r = f.customerIds.indexOf("X");
    expect(f.x.data[r * f.x.d + 1]).toBe(2); // purchase days 1 and 10
    expect(f.x.data[r * f.x.d]).toBe(20);
  });

  it("keeps returns_share in [0, 1] and frequency >= 1 for every customer on random cancellations", () => {
    for (let seed = 0; seed < 30; seed++) {
      const random = createRandom(seed);
      const lines: OrderLineRecord[] = [];
      let planted = 0;
      let invoice = 0;
      for (let c = 0; c < 25; c++) {
        const orders = 1 + random.int(5);
        for (let o = 0; o < orders; o++) {
          invoice++;
          const t = day(1 + random.int(60)) + random.int(3600) * 1000;
          for (let l = 1 + random.int(4); l > 0; l--) {
            const line = {
              customerId: `c${c}`,
              invoice: String(invoice),
              time: t,
              product: `p${random.int(6)}`,
              quantity: 1 + random.int(10),
              unitPrice: [0.85, 1.25, 2.5, 10][random.int(4)]!,
            };
            lines.push(line);
            if (random.next() < 0.3) {
              planted++;
              lines.push({
                ...line,
                invoice: `C${invoice}`,
                time: t + random.int(10) * DAY_MS + 60_000,
                quantity: -line.quantity,
              });
            }
          }
        }
        // Partial returns never equal a purchase quantity (1..10), so they never cancel a line.
        for (let r = random.int(4); r > 0; r--) {
          lines.push({
            customerId: `c${c}`,
            invoice: `C9${c}${r}`,
            time: day(1 + random.int(70)),
            product: `p${random.int(6)}`,
            quantity: -(11 + random.int(30)),
            unitPrice: [0.85, 1.25, 2.5, 10][random.int(4)]!,
          });
        }
      }
      // Shuffle so that matching cannot lean on input order.
      for (let i = lines.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      const f = customerFeatures(orderLinesFromRecords(lines));
      const at = (name: string) => f.features.indexOf(name);
      expect(f.report.matchedCancellations).toBe(planted);
      const droppedCount = f.report.droppedCustomers.reduce((s, d) => s + d.count, 0);
      expect(f.report.customersOut + droppedCount).toBe(f.report.customersIn);
      for (let i = 0; i < f.x.n; i++) {
        const value = (name: string) => f.x.data[i * f.x.d + at(name)]!;
        expect(value("returns_share")).toBeGreaterThanOrEqual(0);
        expect(value("returns_share")).toBeLessThanOrEqual(1);
        expect(value("frequency")).toBeGreaterThanOrEqual(1);
        expect(value("monetary")).toBeGreaterThan(0);
        expect(value("average_basket")).toBeCloseTo(value("monetary") / value("frequency"), 9);
        expect(value("recency_days")).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe("RFM", () => {
  it("gives tied values the same quintile score", () => {
    expect(Array.from(quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]))).toEqual([
      2, 2, 2, 2, 2, 2, 4, 4, 5, 5,
    ]);
    expect(Array.from(quintileScores([10, 20, 30, 40, 50]))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(quintileScores([10, 20, 30, 40, 50], false))).toEqual([5, 4, 3, 2, 1]);
  });

  it("names every cell of the 5 x 5 grid with one of the standard segments", () => {
    const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((fm) => rfmSegmentName(r, fm, fm)));
    expect(grid).toEqual([
      ["New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"],
      ["Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"],
      ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
      ["Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"],
      ["Lost", "Hibernating", "At risk", "At risk", "Can't lose them"],
    ]);
  });

  it("scores recent big spenders as champions and old one-time buyers as lost", () => {
    const s = rfmScores([1, 200, 50, 10, 300], [20, 2, 3, 8, 1], [5000, 10, 300, 900, 5]);
    expect(Array.from(s.r)).toEqual([5, 2, 3, 4, 1]);
    expect(s.segment[0]).toBe("Champions");
    expect(s.segment[4]).toBe("Lost");
  });
});
