import { describe, expect, it } from "vitest";
import {
  activityRows,
  delta,
  deltaTone,
  effectSentence,
  readScenarioResult,
  type ScenarioFigures,
} from "./scenario-figures";

const figures = (over: Partial<ScenarioFigures> = {}): ScenarioFigures => ({
  net_sales: 1000,
  gross_margin: 400,
  cost_to_serve: 200,
  activities: { delivery: 120, picking: 80 },
  inventory_carrying_cost: 0,
  safety_stock_units: 0,
  net_profit: 200,
  ...over,
});

describe("scenario figures", () => {
  it("gives the change and its share of the figure before", () => {
    expect(delta(200, 150)).toEqual({ value: -50, pct: -25 });
    expect(delta(0, 10)).toEqual({ value: 10, pct: null });
  });

  it("calls a falling cost good and falling sales bad", () => {
    expect(deltaTone({ isCost: true }, -5)).toBe("good");
    expect(deltaTone({ isCost: false }, -5)).toBe("bad");
    expect(deltaTone({ isCost: false }, 0.001)).toBe("none");
  });

  it("lists every activity of either side with its change", () => {
    const rows = activityRows(
      figures(),
      figures({ activities: { delivery: 60, picking: 80, "inventory carrying": 5 } }),
    );
    expect(rows).toEqual([
      { activity: "delivery", before: 120, after: 60, delta: -60 },
      { activity: "picking", before: 80, after: 80, delta: 0 },
      { activity: "inventory carrying", before: 0, after: 5, delta: 5 },
    ]);
  });

  it("says the saving and the sales effect in a sentence", () => {
    const result = {
      currency: "EUR",
      segments: [],
      totals: { before: figures(), after: figures({ cost_to_serve: 150, net_sales: 980, net_profit: 230 }) },
    };
    expect(effectSentence(result, (v) => v.toFixed(0))).toBe(
      "Cost-to-serve falls by 50; net sales fall by 20; net profit rises by 30.",
    );
  });

  it("reads a stored result only when it has the expected shape", () => {
    expect(readScenarioResult(null)).toBeNull();
    expect(readScenarioResult({ currency: "EUR" })).toBeNull();
    expect(
      readScenarioResult({ currency: "EUR", segments: [], totals: { before: figures(), after: figures() } }),
    ).not.toBeNull();
  });
});
