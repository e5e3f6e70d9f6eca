import { describe, expect, it } from "vitest";
import {
  type Figures,
  matrixThresholds,
  modelFieldErrors,
  quadrantOf,
  rowErrors,
  waterfallSteps,
  whaleSentence,
} from "./analysis";

const figures: Figures = {
  gross_sales: 1100,
  discounts: 50,
  returns_allowances: 50,
  net_sales: 1000,
  cogs: 600,
  gross_margin: 400,
  cost_to_serve: 250,
  net_profit: 150,
};

describe("waterfallSteps", () => {
  it("walks from net sales down through cost of goods and each activity to net profit", () => {
    const steps = waterfallSteps({ ...figures, activities: { picking: 100, deliveries: 150, visits: 0 } });
    expect(steps.map((s) => s.name)).toEqual(["Net sales", "COGS", "picking", "deliveries", "Net profit"]);
    expect(steps.map((s) => s.range)).toEqual([
      [0, 1000],
      [400, 1000],
      [300, 400],
      [150, 300],
      [0, 150],
    ]);
    expect(steps[2]).toMatchObject({ value: -100, kind: "cost" });
  });

  it("lets a loss go below zero and keeps zero-cost activities when asked", () => {
    const steps = waterfallSteps(
      { ...figures, net_sales: 100, cogs: 80, net_profit: -30, activities: { picking: 50, visits: 0 } },
      { keepZero: true },
    );
    expect(steps.map((s) => s.range)).toEqual([
      [0, 100],
      [20, 100],
      [-30, 20],
      [-30, -30],
      [-30, 0],
    ]);
  });
});

describe("whaleSentence", () => {
  it("says what the most profitable customers earn and what the rest lose, in money", () => {
    expect(
      whaleSentence({
        currency: "EUR",
        totals: { ...figures, net_profit: 10_000 },
        whalePeak: { customers_pct: 20, cumulative_profit_pct: 150 },
      }),
    ).toBe(
      "The most profitable 20% of customers earn 150% of profit; the remaining customers lose 5,000 EUR.",
    );
  });

  it("says nobody loses money when the peak is the whole curve, and nothing when there is no profit", () => {
    expect(
      whaleSentence({
        currency: "EUR",
        totals: figures,
        whalePeak: { customers_pct: 100, cumulative_profit_pct: 100 },
      }),
    ).toMatch(/no customer loses money/);
    expect(
      whaleSentence({ currency: "EUR", totals: { ...figures, net_profit: -5 }, whalePeak: null }),
    ).toBeNull();
  });
});

describe("the value vs cost-to-serve matrix", () => {
  const result = {
    totals: figures,
    segments: [
      { segment: "A", customers: 1, activities: {}, margin_pct: 30, cts_pct_of_sales: 10, ...figures },
      { segment: "B", customers: 1, activities: {}, margin_pct: 0, cts_pct_of_sales: 40, ...figures },
    ],
  };

  it("puts its lines at the average segment's net sales and everyone's cost-to-serve % of sales", () => {
    expect(matrixThresholds(result, "net_sales")).toEqual({ x: 500, y: 25 });
    expect(matrixThresholds(result, "margin_pct")).toEqual({ x: 15, y: 25 });
  });

  it("names the quadrant: protect, grow, fix the cost to serve, rethink", () => {
    const t = { x: 500, y: 25 };
    expect(quadrantOf(800, 10, t)).toBe("protect");
    expect(quadrantOf(800, 40, t)).toBe("fix");
    expect(quadrantOf(100, 10, t)).toBe("grow");
    expect(quadrantOf(100, 40, t)).toBe("rethink");
  });
});

describe("modelFieldErrors", () => {
  it("puts a message that names an activity's field beside that field of that row", () => {
    const errors = modelFieldErrors({
      message: "activities[2].rate: must not be negative, got -1",
      fieldErrors: {},
    });
    expect(errors).toEqual({ "activities[2].rate": "must not be negative, got -1" });
    expect(rowErrors(errors, 2)).toEqual({ rate: "must not be negative, got -1" });
    expect(rowErrors(errors, 1)).toEqual({});
  });

  it("reads field errors keyed by path, with or without the model prefix", () => {
    const errors = modelFieldErrors({
      message: "Invalid cost model",
      fieldErrors: { "model.activities[0].driver": "unknown driver", currency: "required" },
    });
    expect(errors).toEqual({ "activities[0].driver": "unknown driver", currency: "required" });
  });

  it("keeps a message naming no field for the whole form", () => {
    expect(modelFieldErrors({ message: "Not allowed", fieldErrors: {} })).toEqual({ "": "Not allowed" });
  });

  it("shows rate overrides beside the group they belong to", () => {
    expect(rowErrors({ "activities[1].by.channel.web": "must be a number" }, 1)).toEqual({
      "by.channel": "must be a number",
      "by.channel.web": "must be a number",
    });
  });
});
