import { describe, expect, it } from "vitest";
import { type CostModelJson, move, toForm, toJson } from "./model-form";

const model: CostModelJson = {
  currency: "EUR",
  pools: [{ name: "order desk", cost: 300, capacity_minutes: 400 }],
  activities: [
    {
      name: "order entry",
      driver: "order",
      pool: "order desk",
      minutes_per_driver: 8,
      by: { channel: { web: 2, phone: 12 } },
      note: "Keying an order",
    },
    { name: "picking", driver: "order_line", rate: 0.9 },
    { name: "own desk", driver: "delivery", pool: 120, capacity_minutes: 600, minutes_per_driver: 3 },
    {
      name: "sales visits",
      driver: "event:sales visit",
      rate: 120,
      by: { channel_region: { "phone|south": 3 } },
    },
  ],
  financing: { annual_rate: 0.073, default_days: 30 },
  inventory: { holding_rate: 0.25, name: "stock carrying" },
  category_margin_pct: { Beverages: 35 },
};

describe("the cost model form", () => {
  it("reads model.json and writes back the same model", () => {
    expect(toJson(toForm(model))).toEqual(model);
  });

  it("leaves inventory carrying at its default when neither its rate nor its name is given", () => {
    const { inventory: _, ...rest } = model;
    expect(toJson(toForm(rest))).toEqual(rest);
    expect(toForm(rest).inventory).toEqual({ holdingRate: "", name: "" });
  });

  it("splits an event driver into its kind and the event's name", () => {
    const row = toForm(model).activities[3];
    expect(row).toMatchObject({ driver: "event", eventName: "sales visit", mode: "rate", rate: "120" });
  });

  it("leaves empty numbers out and sends text that is not a number as typed, for the api to name", () => {
    const form = toForm({ currency: "EUR", activities: [{ name: "a", driver: "unit", rate: 1 }] });
    const row = form.activities[0];
    if (!row) throw new Error("no row");
    row.rate = "";
    expect(toJson(form).activities[0]).toEqual({ name: "a", driver: "unit" });
    row.rate = "1,5";
    expect(toJson(form).activities[0]?.rate).toBe("1,5");
  });

  it("moves an activity up and down, and not past either end", () => {
    expect(move(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(move(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
    expect(move(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });
});
