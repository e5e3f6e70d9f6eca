import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The worked example of docs/cost-to-serve.md, run through the built CLI as users run it.
// A distributor's quarter (90 days) with four customers, in the style of Kaplan & Anderson's
// time-driven customer-profitability cases. The order desk costs 300.00 for 400 practical
// minutes: 0.75 a minute. Entering a web order takes 2 minutes, a phone order 12, an expedite 15.
//
// | customer     | net sales | cost of goods | gross margin | cost-to-serve | net profit |
// | Alpha Foods  |  5,900.00 |      4,200.00 |     1,700.00 |        463.10 |   1,236.90 |
// | Bistro Blue  |    660.00 |        396.00 |       264.00 |        498.09 |    -234.09 |
// | Corner Deli  |  1,540.00 |      1,054.00 |       486.00 |        405.44 |      80.56 |
// | Delta Hotels |  7,700.00 |      5,530.00 |     2,170.00 |      1,406.60 |     763.40 |
//
// Bistro Blue by hand: 6 phone orders x 12 min x 0.75 = 54.00; 3 expedites x 15 min x 0.75 =
// 33.75; 6 lines x 0.90 = 5.40; 60 units x 0.05 = 3.00; 6 drops x 25 = 150.00; 6 x 15 km x 0.60 =
// 54.00; 1 returned line x 12 = 12.00; 730 a year x 90 / 365 = 180.00; financing 7.3% x 45 days x
// 660 / 365 = 5.94. Total 498.09; gross margin (720 - 60 returned = 660 net sales, cost of goods
// 432 - 36 = 396) 264.00 - 498.09 = -234.09.
// The order desk used 4 + 117 + 26 + 108 = 255 of its 400 minutes: 191.25 charged to customers,
// 145 minutes = 108.75 unused, charged to no one.
const ORDERS = `customer_id,order_id,ordered_at,product,quantity,unit_price,unit_cost,discount,channel,delivery_id,distance
Alpha Foods,A-1,2024-01-08,P1,500,4.00,2.80,,web,,10
Alpha Foods,A-1,2024-01-08,P2,200,10.00,7.00,100,web,,10
Alpha Foods,A-2,2024-02-19,P1,500,4.00,2.80,,web,,10
Bistro Blue,B-1,2024-01-05,P3,10,12.00,7.20,,phone,,15
Bistro Blue,B-2,2024-01-19,P3,10,12.00,7.20,,phone,,15
Bistro Blue,B-3,2024-02-02,P3,10,12.00,7.20,,phone,,15
Bistro Blue,B-4,2024-02-16,P3,10,12.00,7.20,,phone,,15
Bistro Blue,B-5,2024-03-01,P3,10,12.00,7.20,,phone,,15
Bistro Blue,B-6,2024-03-15,P3,10,12.00,7.20,,phone,,15
Bistro Blue,RB-1,2024-03-20,P3,-5,12.00,7.20,,phone,,
Corner Deli,C-1,2024-01-10,P1,100,4.00,2.80,,web,DC-1,8
Corner Deli,C-1,2024-01-10,P3,20,12.00,7.20,,web,DC-1,8
Corner Deli,C-2,2024-01-10,P2,50,10.00,7.00,,phone,DC-1,8
Corner Deli,C-3,2024-03-06,P1,100,4.00,2.80,,phone,DC-2,8
Delta Hotels,D-1,2024-01-03,P2,100,10.00,7.00,50,phone,,60
Delta Hotels,D-1,2024-01-03,P1,250,4.00,2.80,,phone,,60
Delta Hotels,D-2,2024-01-24,P2,100,10.00,7.00,50,phone,,60
Delta Hotels,D-2,2024-01-24,P1,250,4.00,2.80,,phone,,60
Delta Hotels,D-3,2024-02-14,P2,100,10.00,7.00,50,phone,,60
Delta Hotels,D-3,2024-02-14,P1,250,4.00,2.80,,phone,,60
Delta Hotels,D-4,2024-03-13,P2,100,10.00,7.00,50,phone,,60
Delta Hotels,D-4,2024-03-13,P1,250,4.00,2.80,,phone,,60
Delta Hotels,RD-1,2024-03-27,P2,-10,10.00,7.00,,phone,,
`;
const MODEL = `{
  "currency": "EUR",
  "pools": [{ "name": "order desk", "cost": 300, "capacity_minutes": 400 }],
  "activities": [
    { "name": "order entry", "driver": "order", "pool": "order desk", "minutes_per_driver": 8,
      "by": { "channel": { "web": 2, "phone": 12 } },
      "note": "Keying and confirming an order: 2 minutes for a web order, 12 by phone" },
    { "name": "expedited orders", "driver": "event:expedite", "pool": "order desk", "minutes_per_driver": 15,
      "note": "Re-planning a rush order with the warehouse and the carrier" },
    { "name": "picking", "driver": "order_line", "rate": 0.90, "note": "One pick per order line" },
    { "name": "packing", "driver": "unit", "rate": 0.05, "note": "Packing material and handling per unit" },
    { "name": "deliveries", "driver": "delivery", "rate": 25, "note": "Fixed cost of a drop" },
    { "name": "distance", "driver": "distance", "rate": 0.60, "note": "Truck cost per km to the drop" },
    { "name": "returns", "driver": "returned_line", "rate": 12, "note": "Receiving, inspecting and restocking a returned line" },
    { "name": "account management", "driver": "customer_year", "rate": 730, "note": "Key account manager time per customer per year" },
    { "name": "sales visits", "driver": "event:sales visit", "rate": 120, "note": "Half a day of a sales rep, travel included" }
  ],
  "financing": { "annual_rate": 0.073 }
}
`;
const ACTIVITIES = `customer_id,activity,quantity
Alpha Foods,sales visit,1
Alpha Foods,payment_terms_days,30
Bistro Blue,expedite,3
Bistro Blue,payment_terms_days,45
Corner Deli,sales visit,1
Corner Deli,payment_terms_days,30
Delta Hotels,expedite,4
Delta Hotels,sales visit,4
Delta Hotels,sales visit,2
Delta Hotels,payment_terms_days,60
`;
const MEMBERSHIPS = `customer_id,segment_set,segment,assigned_at
Alpha Foods,Accounts,Key accounts,2024-04-01
Delta Hotels,Accounts,Key accounts,2024-04-01
Bistro Blue,Accounts,Independents,2024-04-01
Corner Deli,Accounts,Independents,2024-04-01
`;

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(packageDir, "dist/cli/main.js");
let dir = "";

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "cost-to-serve", ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const WORKED = ["--orders", "orders.csv", "--cost-model", "model.json", "--activities", "activities.csv"];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-cts-"));
  if (!existsSync(cli)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: packageDir });
  file("orders.csv", ORDERS);
  file("model.json", MODEL);
  file("activities.csv", ACTIVITIES);
  file("memberships.csv", MEMBERSHIPS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("strata cost-to-serve on the worked example", () => {
  const result = () => {
    const r = run([...WORKED, "--memberships", "memberships.csv", "--period-days", "90", "--out", "out"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it("prints every customer's profit and loss to the cent", () => {
    const json = result();
    expect(json.currency).toBe("EUR");
    const rows = json.customers.map((c: Record<string, unknown>) => [
      c.customer_id,
      c.net_sales,
      c.cogs,
      c.gross_margin,
      c.cost_to_serve,
      c.net_profit,
    ]);
    expect(rows).toEqual([
      ["Alpha Foods", 5900, 4200, 1700, 463.1, 1236.9],
      ["Bistro Blue", 660, 396, 264, 498.09, -234.09],
      ["Corner Deli", 1540, 1054, 486, 405.44, 80.56],
      ["Delta Hotels", 7700, 5530, 2170, 1406.6, 763.4],
    ]);
    const bistro = json.customers[1];
    expect(bistro).toMatchObject({
      customer_id: "Bistro Blue",
      segment: "Independents",
      gross_sales: 720,
      discounts: 0,
      returns_allowances: 60,
      margin_pct: -35.47,
      cts_pct_of_sales: 75.47,
    });
    expect(bistro.activities).toEqual({
      "order entry": 54,
      "expedited orders": 33.75,
      picking: 5.4,
      packing: 3,
      deliveries: 150,
      distance: 54,
      returns: 12,
      "account management": 180,
      "sales visits": 0,
      financing: 5.94,
    });
    // Alpha's order A-1 repeats its 10 km on both lines: one delivery, 10 km.
    expect(json.customers[0].drivers).toMatchObject({ order: 2, delivery: 2, distance: 20 });
    // Corner Deli's orders C-1 and C-2 share drop DC-1: 3 orders, 2 deliveries, 16 km.
    expect(json.customers[2].drivers).toMatchObject({ order: 3, delivery: 2, distance: 16 });
    // Delta's sales visits come on two rows of activities.csv (4 + 2).
    expect(json.customers[3].activities["sales visits"]).toBe(720);
  });

  it("reports the order desk's unused capacity apart from the customers", () => {
    expect(result().unused_capacity).toEqual([
      {
        pool: "order desk",
        activities: ["order entry", "expedited orders"],
        cost: 300,
        capacity_minutes: 400,
        used_minutes: 255,
        unused_minutes: 145,
        cost_per_minute: 0.75,
        assigned_cost: 191.25,
        unused_cost: 108.75,
        used_pct: 63.75,
      },
    ]);
  });

  it("sums segments and draws the whale curve, most profitable first", () => {
    const json = result();
    expect(
      json.segments.map((s: Record<string, unknown>) => [s.segment, s.customers, s.net_sales, s.net_profit]),
    ).toEqual([
      ["Independents", 2, 2200, -153.53],
      ["Key accounts", 2, 13600, 2000.3],
    ]);
    expect(json.totals).toMatchObject({
      customers: 4,
      net_sales: 15800,
      cost_to_serve: 2773.23,
      net_profit: 1846.77,
    });
    expect(
      json.whale.map((p: Record<string, unknown>) => [
        p.customer_id,
        p.cumulative_profit,
        p.cumulative_profit_pct,
      ]),
    ).toEqual([
      ["Alpha Foods", 1236.9, 66.98],
      ["Delta Hotels", 2000.3, 108.31],
      ["Corner Deli", 2080.86, 112.68],
      ["Bistro Blue", 1846.77, 100],
    ]);
  });

  it("writes customers.csv and segments.csv with one column per activity", () => {
    result();
    const customers = readFileSync(join(dir, "out", "customers.csv"), "utf8")
      .trim()
      .split("\n");
    expect(customers[0]).toBe(
      "customer_id,segment,gross_sales,discounts,returns_allowances,net_sales,cogs,gross_margin,order entry,expedited orders,picking,packing,deliveries,distance,returns,account management,sales visits,financing,cost_to_serve,net_profit,margin_pct,cts_pct_of_sales",
    );
    expect(customers[2]).toBe(
      "Bistro Blue,Independents,720,0,60,660,396,264,54,33.75,5.4,3,150,54,12,180,0,5.94,498.09,-234.09,-35.47,75.47",
    );
    const segments = readFileSync(join(dir, "out", "segments.csv"), "utf8")
      .trim()
      .split("\n");
    expect(segments).toHaveLength(3);
    expect(segments[2]).toMatch(/^Key accounts,2,14000,300,100,13600,9730,3870,/);
  });

  it("takes the year of account management from the order dates when no period is given", () => {
    const r = run(WORKED);
    expect(r.code).toBe(0);
    // 2024-01-03 .. 2024-03-27: 85 days, 730 x 85 / 365 = 170.00.
    expect(JSON.parse(r.stdout).customers[0].activities["account management"]).toBe(170);
  });
});

describe("strata cost-to-serve refuses bad input, computing nothing", () => {
  const refuse = (args: string[]) => {
    const r = run([...args, "--out", "refused"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "refused"))).toBe(false);
    return r.stderr.trim();
  };
  const withModel = (model: unknown) => {
    file("bad-model.json", JSON.stringify(model));
    return refuse(["--orders", "orders.csv", "--cost-model", "bad-model.json"]);
  };
  const good = JSON.parse(MODEL);

  it("names the driver a model does not know", () => {
    const activities = [...good.activities, { name: "pallets", driver: "pallet", rate: 3 }];
    expect(withModel({ ...good, activities })).toMatch(
      /^bad-model\.json: activities\[9\]\.driver: unknown driver "pallet"/,
    );
  });

  it("names a negative rate", () => {
    const activities = good.activities.map((a: Record<string, unknown>) =>
      a.name === "picking" ? { ...a, rate: -0.9 } : a,
    );
    expect(withModel({ ...good, activities })).toBe(
      "bad-model.json: activities[2].rate: must not be negative, got -0.9",
    );
  });

  it("names a missing currency", () => {
    const { currency: _, ...rest } = good;
    expect(withModel(rest)).toBe("bad-model.json: currency: must be a non-empty text, got missing");
  });

  it("names the line of an activities file naming an unknown customer", () => {
    file("acts-customer.csv", `${ACTIVITIES}Echo Bar,sales visit,2\n`);
    expect(
      refuse(["--orders", "orders.csv", "--cost-model", "model.json", "--activities", "acts-customer.csv"]),
    ).toBe(
      'acts-customer.csv, line 12, column "customer_id": "Echo Bar" has no order lines in the orders file',
    );
  });

  it("names the line of an activities file naming an unknown activity", () => {
    file("acts-activity.csv", ACTIVITIES.replace("Corner Deli,sales visit", "Corner Deli,sales vist"));
    expect(
      refuse(["--orders", "orders.csv", "--cost-model", "model.json", "--activities", "acts-activity.csv"]),
    ).toMatch(
      /^acts-activity\.csv, line 6, column "activity": no activity of the cost model has the driver "event:sales vist"/,
    );
  });

  it("names the line and column of a bad number in the orders", () => {
    file(
      "orders-bad.csv",
      ORDERS.replace("Bistro Blue,B-3,2024-02-02,P3,10,12.00", "Bistro Blue,B-3,2024-02-02,P3,10,12,00"),
    );
    const stderr = refuse(["--orders", "orders-bad.csv", "--cost-model", "model.json"]);
    expect(stderr).toMatch(/^orders-bad\.csv, line 7: ragged row/);
    file(
      "orders-neg.csv",
      ORDERS.replace("Corner Deli,C-3,2024-03-06,P1,100,4.00", "Corner Deli,C-3,2024-03-06,P1,100,-4.00"),
    );
    expect(refuse(["--orders", "orders-neg.csv", "--cost-model", "model.json"])).toBe(
      'orders-neg.csv, line 15, column "unit_price": must not be negative, got "-4.00"',
    );
  });

  it("names both lines of a delivery given two distances", () => {
    file(
      "orders-km.csv",
      ORDERS.replace(
        "Alpha Foods,A-1,2024-01-08,P2,200,10.00,7.00,100,web,,10",
        "Alpha Foods,A-1,2024-01-08,P2,200,10.00,7.00,100,web,,11",
      ),
    );
    expect(refuse(["--orders", "orders-km.csv", "--cost-model", "model.json"])).toMatch(
      /^orders-km\.csv, line 3, column "distance": distance 11 differs from 10 given for the same delivery on line 2/,
    );
  });

  it("names a missing required column", () => {
    file("orders-nocol.csv", ORDERS.replace("unit_price", "price"));
    expect(refuse(["--orders", "orders-nocol.csv", "--cost-model", "model.json"])).toMatch(
      /^orders-nocol\.csv, line 1: the header has no column "unit_price"/,
    );
  });
});
