import { describe, expect, it } from "vitest";
import { computeCostToServe } from "../cost-to-serve/compute.js";
import {
  type CostLineFields,
  cellTotals,
  costLinesFromRecords,
  DRIVER_COUNT,
  DRIVER_INDEX,
} from "../cost-to-serve/drivers.js";
import { parseCostModel } from "../cost-to-serve/model.js";
import { CoreInputError } from "../errors.js";
import { mergeSmallOrders, rebatchDeliveries } from "./rebatch.js";

const at = (iso: string) => Date.parse(`${iso}T09:00:00Z`);
const MODEL = parseCostModel({
  currency: "EUR",
  activities: [
    { name: "order handling", driver: "order", rate: 5 },
    { name: "deliveries", driver: "delivery", rate: 25 },
    { name: "distance", driver: "distance", rate: 0.6 },
    { name: "picking", driver: "order_line", rate: 1 },
  ],
});
const line = (
  customerId: string,
  orderId: string,
  iso: string,
  quantity: number,
  unitPrice: number,
  distance?: number,
): CostLineFields => ({
  customerId,
  orderId,
  quantity,
  unitPrice,
  time: at(iso),
  ...(distance !== undefined ? { distance } : {}),
});
const costOf = (lines: Parameters<typeof computeCostToServe>[0], customer: string) =>
  computeCostToServe(lines, MODEL).customers.find((c) => c.customer_id === customer)!;

// Store A orders six times over two ISO weeks, each order its own drop:
//   week 1: Mon 1 Jan (A1, two lines, 10 km), Tue (A2, 12 km), Thu (A3, 14 km), Fri (A4, 20 km),
//           Sat (A5, 22 km); week 2: Wed 10 Jan (A6, 30 km). A return on Sat 13 Jan (no drop).
// Store B orders three times in week 1, never re-batched when only A is.
const LINES: CostLineFields[] = [
  line("A", "A1", "2024-01-01", 10, 4, 10),
  line("A", "A1", "2024-01-01", 5, 6, 10),
  line("A", "A2", "2024-01-02", 10, 4, 12),
  line("A", "A3", "2024-01-04", 10, 4, 14),
  line("B", "B1", "2024-01-02", 2, 50, 8),
  line("A", "A4", "2024-01-05", 10, 4, 20),
  line("B", "B2", "2024-01-03", 2, 50, 8),
  line("A", "A5", "2024-01-06", 10, 4, 22),
  line("B", "B3", "2024-01-04", 2, 50, 8),
  line("A", "A6", "2024-01-10", 10, 4, 30),
  line("A", "A6-R", "2024-01-13", -2, 4),
];
const lines = costLinesFromRecords(LINES);

describe("rebatchDeliveries", () => {
  it("prices the re-batched lines at the drops counted by hand: 2 drops a week", () => {
    // Before: 6 drops x 25 = 150.00; 10 + 12 + 14 + 20 + 22 + 30 = 108 km x 0.60 = 64.80.
    expect(costOf(lines, "A").activities).toMatchObject({ deliveries: 150, distance: 64.8 });
    // Two drops a week: Monday-Thursday and Friday-Sunday. Week 1: {A1, A2, A3} on one drop at
    // A1's 10 km, {A4, A5} at A4's 20 km; week 2: {A6} at 30 km. 3 drops x 25 = 75.00 and
    // 60 km x 0.60 = 36.00. Orders (6 x 5 = 30.00) and lines (7 x 1 = 7.00) are as before.
    const twice = rebatchDeliveries(lines, { dropsPerWeek: 2, customers: new Set(["A"]) });
    const a = costOf(twice, "A");
    expect(a.activities).toEqual({ "order handling": 30, deliveries: 75, distance: 36, picking: 7 });
    expect(a.cost_to_serve).toBe(30 + 75 + 36 + 7);
    expect(a.drivers).toMatchObject({ order: 6, delivery: 3, distance: 60 });
    // B is not in the set: its 3 drops (75.00) stay.
    expect(costOf(twice, "B").activities).toMatchObject({ deliveries: 75, distance: 14.4 });
  });

  it("makes fewer, larger drops with the same units and money", () => {
    const before = cellTotals(lines);
    const weekly = rebatchDeliveries(lines, { dropsPerWeek: 1 });
    const after = cellTotals(weekly);
    // One drop a week: A has 2 drops (weeks 1 and 2), B has 1: A's 65 units come in 2 drops, not 6.
    const a = costOf(weekly, "A");
    expect(a.drivers).toMatchObject({ delivery: 2, distance: 10 + 30 });
    const perDrop = (cells: typeof before) => {
      let units = 0;
      let drops = 0;
      for (let r = 0; r < cells.customer.length; r++) {
        units += cells.drivers[r * DRIVER_COUNT + DRIVER_INDEX.unit]!;
        drops += cells.drivers[r * DRIVER_COUNT + DRIVER_INDEX.delivery]!;
      }
      return units / drops;
    };
    expect(perDrop(before)).toBe((65 + 6) / 9);
    expect(perDrop(after)).toBe((65 + 6) / 3);
    expect(costOf(weekly, "B").drivers).toMatchObject({ delivery: 1, distance: 8 });
    expect(a.activities.deliveries).toBe(2 * 25);
    expect(Array.from(after.grossSales)).toEqual(Array.from(before.grossSales));
    expect(weekly.deliveries).toBeLessThan(lines.deliveries);
    expect(weekly.orders).toBe(lines.orders);
  });

  it("leaves a policy of seven drops a week with one drop a day", () => {
    const daily = rebatchDeliveries(lines, { dropsPerWeek: 7 });
    expect(costOf(daily, "A").drivers).toMatchObject({ delivery: 6 });
  });

  it("refuses a frequency that is not a positive whole number, naming it", () => {
    for (const dropsPerWeek of [0, -1, 1.5, Number.NaN])
      expect(() => rebatchDeliveries(lines, { dropsPerWeek })).toThrow(
        expect.objectContaining({ field: "dropsPerWeek" }) as unknown as Error,
      );
    const undated = costLinesFromRecords([{ customerId: "A", orderId: "X", quantity: 1, unitPrice: 1 }]);
    expect(() => rebatchDeliveries(undated, { dropsPerWeek: 1 })).toThrow(CoreInputError);
  });
});

describe("mergeSmallOrders", () => {
  // Store C's orders, net values and drops (each order its own drop):
  //   C1 Mon 1 Jan 30.00 (5 km), C2 Wed 3 Jan 200.00 (5 km), C3 Fri 5 Jan 20.00 (6 km),
  //   C4 Mon 8 Jan 10.00 (7 km), C5 Wed 10 Jan 15.00 (8 km, the last).
  // Minimum 50: C1 (30) joins C2 (230); C3 (20) and C4 (20 + 10 = 30) are carried into C5, the
  // last order, kept although 30 + 15 = 45 is under the minimum. 2 orders x 5 = 10.00,
  // 2 drops x 25 = 50.00, C2's 5 km + C5's 8 km = 13 km x 0.60 = 7.80, 5 lines x 1 = 5.00.
  const C: CostLineFields[] = [
    line("C", "C2", "2024-01-03", 50, 4, 5),
    line("C", "C1", "2024-01-01", 3, 10, 5),
    line("C", "C3", "2024-01-05", 2, 10, 6),
    line("C", "C4", "2024-01-08", 1, 10, 7),
    line("C", "C5", "2024-01-10", 3, 5, 8),
  ];
  const small = costLinesFromRecords(C);

  it("merges orders under the minimum into the next and prices what is left by hand", () => {
    const merged = mergeSmallOrders(small, { minOrderValue: 50 });
    const c = costOf(merged, "C");
    expect(c.drivers).toMatchObject({ order: 2, delivery: 2, distance: 13, order_line: 5 });
    expect(c.activities).toEqual({ "order handling": 10, deliveries: 50, distance: 7.8, picking: 5 });
    expect(c.net_sales).toBe(275);
    // C1's line now ships with C2, on C2's date.
    expect(merged.order[1]).toBe(merged.order[0]);
    expect(merged.time[1]).toBe(at("2024-01-03"));
    expect(costOf(small, "C").activities).toMatchObject({ "order handling": 25, deliveries: 125 });
  });

  it("leaves other customers and a minimum every order meets untouched", () => {
    const none = mergeSmallOrders(small, { minOrderValue: 10 });
    expect(none.orders).toBe(5);
    const others = mergeSmallOrders(small, { minOrderValue: 50, customers: new Set(["D"]) });
    expect(Array.from(others.order)).toEqual(Array.from(small.order));
    expect(() => mergeSmallOrders(small, { minOrderValue: -1 })).toThrow(/^minOrderValue: /);
  });

  it("then re-batches the merged orders: one drop a week", () => {
    // After merging: C2 (week 1) and C5 (week 2), already one drop each week.
    const both = rebatchDeliveries(mergeSmallOrders(small, { minOrderValue: 50 }), { dropsPerWeek: 1 });
    expect(costOf(both, "C").drivers).toMatchObject({ order: 2, delivery: 2, distance: 13 });
  });
});
