import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { computeCostToServe, costToServeOfCells } from "./compute.js";
import {
  type CostCellRecord,
  type CostLineFields,
  cellTotals,
  costCellsFromRecords,
  costLinesFromRecords,
} from "./drivers.js";
import { LINE_DRIVERS, parseCostModel } from "./model.js";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

// Two customers worked by hand.
// A: order O1 (delivery D1, 12 km): 10 x 5.00 (cost 3, discount 2, 4 kg) and 4 x 2.50 (cost 1, 1 kg);
//    order O2 (delivery D2, 30 km): 2 x 20.00 (cost 12), and a return of 1 x 20.00 (cost 12).
//    Gross 50 + 10 + 40 = 100, discounts 2, returns 20, net sales 78,
//    cost of goods 30 + 4 + 24 - 12 = 46, gross margin 32.
//    Drivers: 2 orders, 3 order lines, 16 units, 5 kg, 2 deliveries, 42 km, 1 returned line, 1 returned unit.
// B: order O1 (its own, though A has an O1 too): 1 x 100.00 (cost 60), no delivery id, no distance.
//    Net sales 100, cost of goods 60, gross margin 40; 1 order, 1 line, 1 unit, 0 kg, 1 delivery, 0 km.
const LINES: CostLineFields[] = [
  {
    customerId: "A",
    orderId: "O1",
    quantity: 10,
    unitPrice: 5,
    unitCost: 3,
    discount: 2,
    weightKg: 4,
    deliveryId: "D1",
    distance: 12,
    time: day("2024-01-01"),
  },
  {
    customerId: "A",
    orderId: "O1",
    quantity: 4,
    unitPrice: 2.5,
    unitCost: 1,
    weightKg: 1,
    deliveryId: "D1",
    distance: 12,
    time: day("2024-01-01"),
  },
  {
    customerId: "A",
    orderId: "O2",
    quantity: 2,
    unitPrice: 20,
    unitCost: 12,
    deliveryId: "D2",
    distance: 30,
    time: day("2024-06-01"),
  },
  { customerId: "A", orderId: "O2", quantity: -1, unitPrice: 20, unitCost: 12, time: day("2024-06-03") },
  { customerId: "B", orderId: "O1", quantity: 1, unitPrice: 100, unitCost: 60, time: day("2024-12-30") },
];
const lines = costLinesFromRecords(LINES);

function model(activities: unknown[], extra: Record<string, unknown> = {}) {
  return parseCostModel({ currency: "EUR", activities, ...extra });
}

describe("computeCostToServe money", () => {
  it("takes discounts and returns off gross sales and a return's unit cost off cost of goods", () => {
    const r = computeCostToServe(lines, model([]));
    const [a, b] = r.customers;
    expect(a).toMatchObject({
      customer_id: "A",
      gross_sales: 100,
      discounts: 2,
      returns_allowances: 20,
      net_sales: 78,
      cogs: 46,
      gross_margin: 32,
      cost_to_serve: 0,
      net_profit: 32,
    });
    expect(b).toMatchObject({ customer_id: "B", net_sales: 100, cogs: 60, gross_margin: 40, net_profit: 40 });
    expect(r.totals).toMatchObject({ customers: 2, net_sales: 178, cogs: 106, net_profit: 72 });
    expect(r.currency).toBe("EUR");
  });

  it.each([
    ["order", 7.5, 2, 1],
    ["order_line", 1.25, 3, 1],
    ["unit", 0.1, 16, 1],
    ["kg", 0.4, 5, 0],
    ["delivery", 12, 2, 1],
    ["distance", 0.55, 42, 0],
    ["returned_line", 8, 1, 0],
    ["returned_unit", 1.5, 1, 0],
  ] as const)("charges the %s driver at its rate per unit of driver, to the cent", (driver, rate, qa, qb) => {
    const r = computeCostToServe(lines, model([{ name: "x", driver, rate }]));
    const [a, b] = r.customers;
    expect(a!.drivers[driver]).toBe(qa);
    expect(b!.drivers[driver]).toBe(qb);
    expect(a!.activities.x).toBe(Math.round(rate * qa * 100) / 100);
    expect(b!.activities.x).toBe(Math.round(rate * qb * 100) / 100);
    expect(a!.net_profit).toBe(Math.round((32 - rate * qa) * 100) / 100);
  });

  it("adds every activity into cost-to-serve and takes it off gross margin", () => {
    const r = computeCostToServe(
      lines,
      model([
        { name: "order handling", driver: "order", rate: 7.5 },
        { name: "picking", driver: "order_line", rate: 1.25 },
        { name: "packing", driver: "unit", rate: 0.1 },
        { name: "freight weight", driver: "kg", rate: 0.4 },
        { name: "drops", driver: "delivery", rate: 12 },
        { name: "mileage", driver: "distance", rate: 0.55 },
        { name: "return handling", driver: "returned_line", rate: 8 },
        { name: "restocking", driver: "returned_unit", rate: 1.5 },
      ]),
    );
    // A: 15 + 3.75 + 1.60 + 2.00 + 24 + 23.10 + 8 + 1.50 = 78.95; 32 - 78.95 = -46.95.
    // B: 7.50 + 1.25 + 0.10 + 0 + 12 + 0 + 0 + 0 = 20.85; 40 - 20.85 = 19.15.
    const [a, b] = r.customers;
    expect(a!.cost_to_serve).toBe(78.95);
    expect(a!.net_profit).toBe(-46.95);
    expect(a!.margin_pct).toBe(-60.19); // -46.95 / 78
    expect(a!.cts_pct_of_sales).toBe(101.22); // 78.95 / 78
    expect(b!.cost_to_serve).toBe(20.85);
    expect(b!.net_profit).toBe(19.15);
    expect(Object.keys(a!.activities)).toEqual([
      "order handling",
      "picking",
      "packing",
      "freight weight",
      "drops",
      "mileage",
      "return handling",
      "restocking",
    ]);
  });

  it("charges customer_year over the given period, or over the order dates' span", () => {
    const m = model([{ name: "account management", driver: "customer_year", rate: 150 }]);
    // 730 days = 2 years: 300 each.
    const given = computeCostToServe(lines, m, { periodDays: 730 });
    expect(given.customers.map((c) => c.activities["account management"])).toEqual([300, 300]);
    // 2024-01-01 .. 2024-12-30 is 365 days counted both ends: one year, 150 each.
    const span = computeCostToServe(lines, m);
    expect(span.customers.map((c) => c.activities["account management"])).toEqual([150, 150]);
    expect(span.customers[0]!.drivers.customer_year).toBe(1);
  });

  it("counts named events per customer from the activities file, rows adding up", () => {
    const r = computeCostToServe(
      lines,
      model([
        { name: "sales visits", driver: "event:sales visit", rate: 85 },
        { name: "statements", driver: "event:statement", rate: 0.75 },
      ]),
      {
        events: [
          { customerId: "A", activity: "sales visit", quantity: 3 },
          { customerId: "A", activity: "sales visit", quantity: 1 },
          { customerId: "B", activity: "statement", quantity: 12 },
        ],
      },
    );
    const [a, b] = r.customers;
    expect(a!.activities).toEqual({ "sales visits": 340, statements: 0 });
    expect(b!.activities).toEqual({ "sales visits": 0, statements: 9 });
  });

  it("takes the rate of the line's channel and region, the most specific entry first", () => {
    const base = { orderId: "1", quantity: 1, unitPrice: 10 };
    const l = costLinesFromRecords([
      { ...base, customerId: "web-north", channel: "web", region: "north" }, // channel: 0.5
      { ...base, customerId: "phone-south", channel: "phone", region: "south" }, // channel|region: 3
      { ...base, customerId: "phone-north", channel: "phone", region: "north" }, // base: 1
      { ...base, customerId: "none-south", region: "south" }, // region: 2
      { ...base, customerId: "web-south", channel: "web", region: "south" }, // channel beats region: 0.5
    ]);
    const r = computeCostToServe(
      l,
      model([
        {
          name: "picking",
          driver: "order_line",
          rate: 1,
          by: { channel: { web: 0.5 }, region: { south: 2 }, channel_region: { "phone|south": 3 } },
        },
      ]),
    );
    expect(r.customers.map((c) => c.activities.picking)).toEqual([0.5, 3, 1, 2, 0.5]);
  });

  it("finances payment terms: annual rate x days x net sales / 365", () => {
    const r = computeCostToServe(lines, model([], { financing: { annual_rate: 0.1, default_days: 30 } }), {
      events: [{ customerId: "A", activity: "payment_terms_days", quantity: 60 }],
    });
    // A: 0.10 x 60 x 78 / 365 = 1.2822 -> 1.28; B (default 30 days): 0.10 x 30 x 100 / 365 = 0.8219 -> 0.82.
    expect(r.customers[0]!.activities.financing).toBe(1.28);
    expect(r.customers[1]!.activities.financing).toBe(0.82);
    expect(r.customers[1]!.net_profit).toBe(39.18);
  });

  it("values cost of goods by unit cost, else product cost, else the category's margin", () => {
    const l = costLinesFromRecords([
      { customerId: "A", orderId: "1", quantity: 2, unitPrice: 10, unitCost: 4, product: "P", category: "K" },
      { customerId: "A", orderId: "1", quantity: 3, unitPrice: 10, product: "P", category: "K" },
      {
        customerId: "A",
        orderId: "1",
        quantity: 5,
        unitPrice: 10,
        discount: 10,
        product: "Q",
        category: "K",
      },
      { customerId: "A", orderId: "1", quantity: 1, unitPrice: 10, product: "Q" },
    ]);
    // 2 x 4 + 3 x 7 (product P) + (50 - 10) x (1 - 25%) (category K) + nothing = 8 + 21 + 30 = 59.
    const r = computeCostToServe(l, model([], { category_margin_pct: { K: 25 } }), {
      productCosts: new Map([["P", 7]]),
    });
    expect(r.customers[0]!.cogs).toBe(59);
    expect(r.lines_without_cost).toBe(1);
  });
});

describe("time-driven activities (TDABC)", () => {
  // An order desk costing 1,200 a quarter with 2,400 practical minutes: 0.50 a minute.
  // Entering an order takes 6 minutes, an inquiry 20, a credit check 30.
  // A: 2 orders, 5 inquiries, 1 credit check = 12 + 100 + 30 = 142 min = 71.00.
  // B: 1 order, 1 inquiry = 6 + 20 = 26 min = 13.00.
  // Used 168 of 2,400 minutes (7%): 84.00 assigned; 2,232 minutes = 1,116.00 unused, charged to no one.
  const desk = model(
    [
      { name: "order entry", driver: "order", pool: "order desk", minutes_per_driver: 6 },
      { name: "inquiries", driver: "event:inquiry", pool: "order desk", minutes_per_driver: 20 },
      { name: "credit checks", driver: "event:credit check", pool: "order desk", minutes_per_driver: 30 },
    ],
    { pools: [{ name: "order desk", cost: 1200, capacity_minutes: 2400 }] },
  );
  const events = [
    { customerId: "A", activity: "inquiry", quantity: 5 },
    { customerId: "A", activity: "credit check", quantity: 1 },
    { customerId: "B", activity: "inquiry", quantity: 1 },
  ];

  it("charges pool / capacity per minute and reports the unused capacity apart", () => {
    const r = computeCostToServe(lines, desk, { events });
    expect(r.customers[0]!.activities).toEqual({ "order entry": 6, inquiries: 50, "credit checks": 15 });
    expect(r.customers[0]!.cost_to_serve).toBe(71);
    expect(r.customers[1]!.cost_to_serve).toBe(13);
    expect(r.unused_capacity).toEqual([
      {
        pool: "order desk",
        activities: ["order entry", "inquiries", "credit checks"],
        cost: 1200,
        capacity_minutes: 2400,
        used_minutes: 168,
        unused_minutes: 2232,
        cost_per_minute: 0.5,
        assigned_cost: 84,
        unused_cost: 1116,
        used_pct: 7,
      },
    ]);
    expect(r.totals.cost_to_serve).toBe(84);
  });

  it("gives an activity its own pool when pool is a number, and varies minutes by channel", () => {
    const l = costLinesFromRecords([
      { customerId: "A", orderId: "1", quantity: 1, unitPrice: 10, channel: "phone" },
      { customerId: "B", orderId: "1", quantity: 1, unitPrice: 10, channel: "web" },
    ]);
    const m = model([
      { name: "picking", driver: "order_line", rate: 1 },
      {
        name: "order entry",
        driver: "order",
        pool: 300,
        capacity_minutes: 600,
        minutes_per_driver: 8,
        by: { channel: { web: 1 } },
      },
    ]);
    const r = computeCostToServe(l, m);
    // 300 / 600 = 0.50 a minute: phone 8 min = 4.00, web 1 min = 0.50; 591 minutes unused = 295.50.
    expect(r.customers.map((c) => c.activities["order entry"])).toEqual([4, 0.5]);
    expect(r.unused_capacity).toHaveLength(1);
    expect(r.unused_capacity[0]).toMatchObject({
      pool: "order entry",
      activities: ["order entry"],
      used_minutes: 9,
      unused_cost: 295.5,
    });
  });
});

describe("orders and drops across channels and regions", () => {
  // Order 1 starts on the web in the north and goes on by phone in the south; it is one order and
  // one drop (12 km), both counted where its first line is. Order 2 starts by phone.
  const l = costLinesFromRecords([
    {
      customerId: "A",
      orderId: "1",
      quantity: 1,
      unitPrice: 10,
      channel: "web",
      region: "north",
      distance: 12,
    },
    {
      customerId: "A",
      orderId: "1",
      quantity: 2,
      unitPrice: 10,
      channel: "phone",
      region: "south",
      distance: 12,
    },
    { customerId: "A", orderId: "2", quantity: 1, unitPrice: 10, channel: "phone", region: "south" },
    { customerId: "A", orderId: "2", quantity: 1, unitPrice: 10, channel: "web", region: "south" },
  ]);
  const m = model([
    { name: "orders", driver: "order", rate: 1, by: { channel: { phone: 10 } } },
    { name: "drops", driver: "delivery", rate: 5, by: { region: { south: 7 } } },
    { name: "km", driver: "distance", rate: 1, by: { region: { south: 2 } } },
    { name: "lines", driver: "order_line", rate: 1, by: { channel_region: { "phone|south": 3 } } },
  ]);

  it("counts an order and its drop once, at the rate of the channel and region of its first line", () => {
    const r = computeCostToServe(l, m);
    // Orders: 1 on the web (1) + 1 by phone (10); drops: north (5) + south (7); km: 12 in the north;
    // lines: web|north 1, phone|south 2 x 3, web|south 1.
    expect(r.customers[0]!.activities).toEqual({ orders: 11, drops: 12, km: 12, lines: 8 });
    expect(r.customers[0]!.drivers).toMatchObject({ order: 2, delivery: 2, distance: 12, order_line: 4 });
  });

  it("prices the same cells from records as from the lines they sum", () => {
    const cells = cellTotals(l);
    const records: CostCellRecord[] = Array.from(cells.customer, (c, r) => ({
      customerId: cells.customerIds[c]!,
      channel: cells.channels[cells.channel[r]!],
      region: cells.regions[cells.region[r]!],
      grossSales: cells.grossSales[r]!,
      discounts: cells.discounts[r]!,
      returnsAllowances: cells.returnsAllowances[r]!,
      cogs: cells.cogs[r]!,
      drivers: Object.fromEntries(
        LINE_DRIVERS.map((d, k) => [d, cells.drivers[r * LINE_DRIVERS.length + k]!]),
      ) as CostCellRecord["drivers"],
    }));
    const fromRecords = costCellsFromRecords(records.reverse(), cells);
    expect(costToServeOfCells(fromRecords, m).totals).toEqual(computeCostToServe(l, m).totals);
  });
});

describe("segments and the whale curve", () => {
  const l = costLinesFromRecords([
    { customerId: "A", orderId: "1", quantity: 1, unitPrice: 100, unitCost: 40 }, // profit 60 - 10 = 50
    { customerId: "B", orderId: "1", quantity: 1, unitPrice: 50, unitCost: 20 }, // 30 - 10 = 20
    { customerId: "C", orderId: "1", quantity: 1, unitPrice: 10, unitCost: 10 }, // 0 - 10 = -10
    { customerId: "D", orderId: "1", quantity: 1, unitPrice: 200, unitCost: 150 }, // 50 - 10 = 40
  ]);
  const m = model([{ name: "orders", driver: "order", rate: 10 }]);

  it("ranks customers most to least profitable with cumulative profit as % of the total", () => {
    const r = computeCostToServe(l, m);
    // Total 100: A 50 (50%), D 40 (90%), B 20 (110%), C -10 (100%).
    expect(
      r.whale.map((p) => [p.rank, p.customer_id, p.net_profit, p.customers_pct, p.cumulative_profit_pct]),
    ).toEqual([
      [1, "A", 50, 25, 50],
      [2, "D", 40, 50, 90],
      [3, "B", 20, 75, 110],
      [4, "C", -10, 100, 100],
    ]);
    expect(r.segments).toEqual([]);
  });

  it("sums customers into their segments, the ones without a membership in Unassigned", () => {
    const r = computeCostToServe(l, m, {
      memberships: new Map([
        ["A", "Key accounts"],
        ["D", "Key accounts"],
        ["B", "Retail"],
      ]),
    });
    expect(r.segments.map((s) => [s.segment, s.customers, s.net_sales, s.net_profit])).toEqual([
      ["Key accounts", 2, 300, 90],
      ["Retail", 1, 50, 20],
      ["Unassigned", 1, 10, -10],
    ]);
    expect(r.customers[2]!.segment).toBe("Unassigned");
  });
});

describe("bad input", () => {
  const visits = model([{ name: "visits", driver: "event:visit", rate: 80 }]);
  const error = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(CoreInputError);
      return e as CoreInputError;
    }
    throw new Error("expected an error");
  };

  it("refuses an event naming a customer without order lines", () => {
    const e = error(() =>
      computeCostToServe(lines, visits, { events: [{ customerId: "Z", activity: "visit", quantity: 1 }] }),
    );
    expect(e.message).toBe('events[0].customer_id: "Z" has no order lines in the orders file');
    expect(e.row).toBe(0);
  });

  it("refuses an event no activity counts", () => {
    const e = error(() =>
      computeCostToServe(lines, visits, {
        events: [
          { customerId: "A", activity: "visit", quantity: 1 },
          { customerId: "A", activity: "vists", quantity: 1 },
        ],
      }),
    );
    expect(e.message).toMatch(/^events\[1\]\.activity: no activity .*"event:vists".*known: visit/);
  });

  it("refuses a delivery whose lines give two distances", () => {
    const l = costLinesFromRecords([
      { customerId: "A", orderId: "1", quantity: 1, unitPrice: 1, distance: 10 },
      { customerId: "A", orderId: "1", quantity: 1, unitPrice: 1, distance: 11 },
    ]);
    const e = error(() => computeCostToServe(l, model([{ name: "km", driver: "distance", rate: 1 }])));
    expect(e.row).toBe(1);
    expect(e.field).toBe("distance");
  });

  it("refuses customer_year without dates or a period", () => {
    const l = costLinesFromRecords([{ customerId: "A", orderId: "1", quantity: 1, unitPrice: 1 }]);
    const e = error(() => computeCostToServe(l, model([{ name: "am", driver: "customer_year", rate: 1 }])));
    expect(e.field).toBe("activities[0].driver");
  });

  it("refuses a negative price or cost on a line, naming the field", () => {
    const e = error(() =>
      costLinesFromRecords([{ customerId: "A", orderId: "1", quantity: 1, unitPrice: -1 }]),
    );
    expect(e.field).toBe("unit_price");
  });
});
