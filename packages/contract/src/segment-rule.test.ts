import { describe, expect, it } from "vitest";
import { type SegmentRule, segmentRuleSchema } from "./index.js";

const employees = { source: "attribute", name: "employees" } as const;

describe("segmentRuleSchema", () => {
  it("accepts nested groups with every operator", () => {
    const rule: SegmentRule = {
      op: "or",
      conditions: [
        { field: employees, operator: "between", value: [1, 5] },
        { field: employees, operator: "eq", value: 3 },
        {
          op: "and",
          conditions: [
            { field: { source: "feature", name: "country" }, operator: "not_in", value: ["France"] },
            { field: { source: "feature", name: "country" }, operator: "ne", value: "Belgium" },
            { field: { source: "attribute", name: "signup_date" }, operator: "within_last_days", value: 30 },
            { field: { source: "attribute", name: "signup_date" }, operator: "before", value: "2026-01-31" },
            { field: employees, operator: "is_missing" },
          ],
        },
      ],
    };
    expect(segmentRuleSchema.parse(rule)).toEqual(rule);
  });

  it("refuses an empty group, a value of the wrong shape and an unknown operator, with the path", () => {
    const paths = (input: unknown) =>
      segmentRuleSchema.safeParse(input).error?.issues.map((i) => i.path.join("."));
    expect(paths({ op: "and", conditions: [] })).toEqual(["conditions"]);
    expect(
      paths({
        op: "and",
        conditions: [{ op: "or", conditions: [{ field: employees, operator: "gt", value: "3" }] }],
      }),
    ).toContain("conditions.0");
    expect(
      segmentRuleSchema.safeParse({
        op: "and",
        conditions: [{ field: employees, operator: "like", value: 1 }],
      }).success,
    ).toBe(false);
    expect(
      segmentRuleSchema.safeParse({
        op: "and",
        conditions: [{ field: employees, operator: "between", value: [3, 1] }],
      }).success,
    ).toBe(false);
    expect(
      segmentRuleSchema.safeParse({
        op: "and",
        conditions: [{ field: employees, operator: "after", value: "2026-02-30" }],
      }).success,
    ).toBe(false);
  });
});
