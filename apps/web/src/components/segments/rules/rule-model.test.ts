import { describe, expect, it } from "vitest";
import {
  appendTo,
  type CatalogueField,
  describeRule,
  newCondition,
  newGroup,
  removeNode,
  toDraft,
  toRule,
  updateNode,
  withField,
} from "./rule-model";

const CATALOGUE: CatalogueField[] = [
  {
    source: "attribute",
    name: "country",
    key: "attribute:country",
    type: "category",
    topValues: ["FR", "DE"],
  },
  { source: "attribute", name: "signup", key: "attribute:signup", type: "date" },
  { source: "feature", name: "monetary", key: "feature:monetary", type: "number" },
];
const [country, signup, monetary] = CATALOGUE as [CatalogueField, CatalogueField, CatalogueField];

describe("the rule builder's draft", () => {
  it("turns complete inputs into the rule the api takes", () => {
    const draft = newGroup("and", { ...newCondition(monetary), value: "500" });
    const withCountry = appendTo(draft, draft.id, { ...newCondition(country), values: ["FR", "DE"] });
    expect(toRule(withCountry, CATALOGUE)).toEqual({
      rule: {
        op: "and",
        conditions: [
          { field: { source: "feature", name: "monetary" }, operator: "gt", value: 500 },
          { field: { source: "attribute", name: "country" }, operator: "in", value: ["FR", "DE"] },
        ],
      },
      errors: {},
    });
  });

  it("names each incomplete input at the path the api would name it", () => {
    const inner = newGroup("or", { ...newCondition(monetary), operator: "between", value: "9", value2: "3" });
    const draft = newGroup("and", newCondition(country));
    const root = appendTo(draft, draft.id, inner);
    const { rule, errors } = toRule(root, CATALOGUE);
    expect(rule).toBeNull();
    expect(errors).toEqual({
      "conditions[0].value": "Choose at least one value",
      "conditions[1].conditions[0].value": "The low end must not exceed the high end",
    });
  });

  it("keeps the operator when the new field's type allows it and resets it otherwise", () => {
    const c = { ...newCondition(monetary), operator: "is_missing" as const };
    expect(withField(c, signup).operator).toBe("is_missing");
    expect(withField({ ...c, operator: "gte" }, country).operator).toBe("in");
  });

  it("round-trips a stored rule through the draft", () => {
    const rule = {
      op: "or" as const,
      conditions: [
        {
          field: { source: "feature" as const, name: "monetary" },
          operator: "between" as const,
          value: [1, 2] as [number, number],
        },
        {
          op: "and" as const,
          conditions: [
            {
              field: { source: "attribute" as const, name: "signup" },
              operator: "within_last_days" as const,
              value: 30,
            },
          ],
        },
      ],
    };
    expect(toRule(toDraft(rule), CATALOGUE).rule).toEqual(rule);
    expect(describeRule(rule)).toBe("monetary is between 1 and 2 or signup is within the last 30 days");
  });

  it("removes a condition and the group it leaves empty", () => {
    const only = newCondition(monetary);
    const inner = newGroup("or", only);
    const root = newGroup("and", newCondition(country));
    const tree = appendTo(root, root.id, inner);
    expect(removeNode(tree, only.id).children).toHaveLength(1);
    const changed = updateNode(tree, only.id, (n) => ({ ...n, value: "7" }) as typeof n);
    expect(toRule(changed, CATALOGUE).errors["conditions[1].conditions[0].value"]).toBeUndefined();
  });
});
