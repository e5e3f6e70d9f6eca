import { describe, expect, it } from "vitest";
import { suggestFeatures } from "./describe-features.js";

const stat = (name: string, distinct = 100, missingShare = 0) => ({ name, distinct, missingShare });

describe("suggestFeatures", () => {
  it("suggests the behavioural order-line features, not returns share, when order lines are there", () => {
    const names = ["recency_days", "frequency", "monetary", "average_basket", "tenure_days", "returns_share"];
    const stats = names.map((n) => stat(n));
    expect(suggestFeatures(names, stats, [])).toEqual([
      "recency_days",
      "frequency",
      "monetary",
      "average_basket",
      "tenure_days",
    ]);
  });

  it("leaves out flags, small codes, mostly-missing columns and near-duplicates of customer attributes", () => {
    const names = [
      "Year_Birth",
      "Income",
      "Kidhome",
      "Recency",
      "MntWines",
      "MntMeat",
      "AcceptedCmp1",
      "Notes",
      "Grocery",
      "Detergents",
    ];
    const stats = [
      stat("Year_Birth"),
      stat("Income"),
      stat("Kidhome", 3),
      stat("Recency"),
      stat("MntWines"),
      stat("MntMeat"),
      stat("AcceptedCmp1", 2),
      stat("Notes", 50, 0.8),
      stat("Grocery"),
      stat("Detergents"),
    ];
    const d = names.length;
    const correlation = Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b): number | null => (a === b ? 1 : 0.1)),
    );
    correlation[8]![9] = 0.93;
    correlation[9]![8] = 0.93;
    const suggested = suggestFeatures(names, stats, correlation);
    expect(suggested).not.toContain("Kidhome");
    expect(suggested).not.toContain("AcceptedCmp1");
    expect(suggested).not.toContain("Notes");
    expect(suggested.filter((f) => f === "Grocery" || f === "Detergents")).toHaveLength(1);
    expect(suggested).toContain("Recency");
    expect(suggested).toContain("Income");
    expect(suggested.length).toBeLessThanOrEqual(8);
  });

  it("takes the largest spend and purchase columns of a role first, not the first by name", () => {
    const spend = ["MntA", "MntB", "MntC", "MntD", "MntE", "MntF", "MntWines"];
    const names = [...spend, "NumCatalog", "NumStore", "Recency"];
    const means = [5, 6, 7, 8, 9, 10, 304, 2.7, 5.8, 49];
    const stats = names.map((n, i) => ({ ...stat(n), mean: means[i]! }));
    const suggested = suggestFeatures(names, stats, []);
    expect(suggested).toHaveLength(8);
    expect(suggested).toEqual(
      expect.arrayContaining(["MntWines", "MntF", "MntE", "NumStore", "NumCatalog", "Recency"]),
    );
    expect(suggested).not.toContain("MntA");
  });

  it("takes recency, frequency and spend round by round so one kind of figure does not fill the list", () => {
    const names = [
      "MntA",
      "MntB",
      "MntC",
      "MntD",
      "MntE",
      "MntF",
      "MntG",
      "MntH",
      "NumWeb",
      "Recency",
      "Age",
    ];
    const stats = names.map((n) => stat(n));
    const suggested = suggestFeatures(names, stats, []);
    expect(suggested).toHaveLength(8);
    expect(suggested).toEqual(expect.arrayContaining(["NumWeb", "Recency", "Age"]));
  });
});
