import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { parseCostModel } from "./model.js";

function fieldOf(json: unknown): string {
  try {
    parseCostModel(json);
  } catch (e) {
    expect(e).toBeInstanceOf(CoreInputError);
    expect((e as CoreInputError).message.startsWith(`${(e as CoreInputError).field}: `)).toBe(true);
    return (e as CoreInputError).field!;
  }
  throw new Error("expected the model to be refused");
}

const ok = { name: "picking", driver: "order_line", rate: 1.25 };

describe("parseCostModel", () => {
  it("reads rates, time-driven activities, rate tables, financing and category margins", () => {
    const m = parseCostModel({
      currency: "eur",
      activities: [
        { ...ok, note: "Warehouse picking, per line", by: { channel: { web: 0.8 } } },
        { name: "visits", driver: "event:sales visit", rate: 90, currency: "EUR" },
        { name: "order entry", driver: "order", pool: 45000, capacity_minutes: 60000, minutes_per_driver: 6 },
      ],
      financing: { annual_rate: 0.08 },
      category_margin_pct: { Beverages: 35 },
    });
    expect(m.currency).toBe("EUR");
    expect(m.activities[0]!.by?.channel?.get("web")).toBe(0.8);
    expect(m.activities[1]).toMatchObject({ kind: "event", event: "sales visit" });
    expect(m.activities[2]!.time).toEqual({ pool: "order entry", minutesPerDriver: 6 });
    expect(m.pools).toEqual([{ name: "order entry", cost: 45000, capacityMinutes: 60000 }]);
    expect(m.financing).toEqual({ annualRate: 0.08, name: "financing", defaultDays: 0 });
    expect(
      parseCostModel({ currency: "EUR", activities: [], inventory: { holding_rate: 0.25 } }).inventory,
    ).toEqual({
      holdingRate: 0.25,
      name: "inventory carrying",
    });
    expect(m.categoryMarginPct?.get("Beverages")).toBe(35);
  });

  it.each([
    ["a missing currency", { activities: [ok] }, "currency"],
    ["a currency that is not a code", { currency: "euros", activities: [ok] }, "currency"],
    [
      "an unknown driver",
      { currency: "EUR", activities: [ok, { name: "x", driver: "pallet", rate: 1 }] },
      "activities[1].driver",
    ],
    ["a negative rate", { currency: "EUR", activities: [{ ...ok, rate: -0.5 }] }, "activities[0].rate"],
    [
      "a rate given as text",
      { currency: "EUR", activities: [{ ...ok, rate: "1.25" }] },
      "activities[0].rate",
    ],
    [
      "no rate at all",
      { currency: "EUR", activities: [{ name: "x", driver: "unit" }] },
      "activities[0].rate",
    ],
    [
      "an activity without a name",
      { currency: "EUR", activities: [{ driver: "unit", rate: 1 }] },
      "activities[0].name",
    ],
    ["two activities of one name", { currency: "EUR", activities: [ok, ok] }, "activities[1].name"],
    [
      "an activity in another currency",
      { currency: "EUR", activities: [{ ...ok, currency: "USD" }] },
      "activities[0].currency",
    ],
    ["a misspelt field", { currency: "EUR", activities: [{ ...ok, rat: 1 }] }, "activities[0].rat"],
    [
      "a zero capacity",
      {
        currency: "EUR",
        activities: [{ name: "x", driver: "order", pool: 10, capacity_minutes: 0, minutes_per_driver: 1 }],
      },
      "activities[0].capacity_minutes",
    ],
    [
      "an unknown shared pool",
      { currency: "EUR", activities: [{ name: "x", driver: "order", pool: "desk", minutes_per_driver: 1 }] },
      "activities[0].pool",
    ],
    [
      "a rate table on a per-customer driver",
      {
        currency: "EUR",
        activities: [{ name: "x", driver: "customer_year", rate: 1, by: { channel: { web: 1 } } }],
      },
      "activities[0].by",
    ],
    [
      "a negative rate in a rate table",
      { currency: "EUR", activities: [{ ...ok, by: { region: { north: -1 } } }] },
      "activities[0].by.region.north",
    ],
    [
      "a negative financing rate",
      { currency: "EUR", activities: [], financing: { annual_rate: -0.1 } },
      "financing.annual_rate",
    ],
    [
      "a negative holding rate",
      { currency: "EUR", activities: [], inventory: { holding_rate: -0.2 } },
      "inventory.holding_rate",
    ],
    [
      "inventory carrying named like an activity",
      {
        currency: "EUR",
        activities: [{ ...ok, name: "storage" }],
        inventory: { holding_rate: 0.2, name: "storage" },
      },
      "inventory.name",
    ],
    [
      "an unknown inventory field",
      { currency: "EUR", activities: [], inventory: { holding_rate: 0.2, rate: 1 } },
      "inventory.rate",
    ],
    ["activities that are not a list", { currency: "EUR", activities: {} }, "activities"],
  ])("refuses %s, naming the field", (_what, json, field) => {
    expect(fieldOf(json)).toBe(field);
  });
});
