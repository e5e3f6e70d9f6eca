import { describe, expect, it } from "vitest";
import { customerFeatures } from "./customer-features.js";
import { OrderLinesBuilder, orderLinesFromRecords } from "./order-lines.js";
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
    expect(a.average_basket).toBe(20);
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
      droppedLines: [
        { reason: "no customer id", count: 1 },
        { reason: "zero or negative unit price", count: 1 },
      ],
      customersIn: 3,
      customersOut: 2,
      droppedCustomers: [{ reason: "only returns or cancellations, no purchase", count: 1 }],
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
