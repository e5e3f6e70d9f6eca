import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import { evaluateRule } from "./evaluate-rule.js";
import type { RuleCatalogue, RuleCustomer, RuleFieldCondition, RuleTree } from "./types.js";
import { validateRule } from "./validate-rule.js";
import { readRuleCategory, readRuleDate, readRuleNumber, withinLastDaysBounds } from "./values.js";

const CATALOGUE: RuleCatalogue = [
  { source: "attribute", name: "employees", key: "attribute:employees", type: "number" },
  { source: "attribute", name: "country", key: "attribute:country", type: "category", topValues: ["France"] },
  { source: "attribute", name: "signup_date", key: "attribute:signup_date", type: "date" },
  { source: "feature", name: "monetary", key: "feature:monetary", type: "number" },
  { source: "feature", name: "country", key: "feature:country", type: "category" },
];

const ASOF = new Date("2026-06-30T12:00:00Z");

const customer = (attributes: Record<string, unknown>, features: Record<string, unknown> = {}) => ({
  attributes,
  features,
});

const one = (condition: RuleFieldCondition): RuleTree => ({ op: "and", conditions: [condition] });
const matches = (condition: RuleFieldCondition, c: RuleCustomer) => evaluateRule(one(condition), c, ASOF);

function validationError(rule: unknown): CoreInputError {
  try {
    validateRule(rule, CATALOGUE);
  } catch (error) {
    expect(error).toBeInstanceOf(CoreInputError);
    return error as CoreInputError;
  }
  throw new Error("expected the rule to be refused");
}

describe("validateRule", () => {
  it("accepts a nested rule over attributes and features with every operator family", () => {
    const rule: RuleTree = {
      op: "or",
      conditions: [
        { field: { source: "attribute", name: "employees" }, operator: "between", value: [2, 10] },
        {
          op: "and",
          conditions: [
            { field: { source: "attribute", name: "country" }, operator: "in", value: ["France", "Belgium"] },
            { field: { source: "attribute", name: "signup_date" }, operator: "within_last_days", value: 90 },
            { field: { source: "feature", name: "monetary" }, operator: "is_present" },
          ],
        },
      ],
    };
    expect(() => validateRule(rule, CATALOGUE)).not.toThrow();
  });

  it("names an unknown field with its namespace and the path to it", () => {
    const error = validationError({
      op: "and",
      conditions: [
        { field: { source: "feature", name: "monetary" }, operator: "gt", value: 1 },
        {
          op: "or",
          conditions: [{ field: { source: "attribute", name: "age" }, operator: "gt", value: 30 }],
        },
      ],
    });
    expect(error.field).toBe("conditions[1].conditions[0].field");
    expect(error.message).toBe("conditions[1].conditions[0].field: unknown field attribute:age");
  });

  it("tells an attribute from a feature of the same name", () => {
    const error = validationError(
      one({ field: { source: "feature", name: "employees" }, operator: "gt", value: 3 }),
    );
    expect(error.message).toMatch(/unknown field feature:employees/);
  });

  it("refuses an operator that does not suit the field's type", () => {
    const error = validationError(
      one({ field: { source: "attribute", name: "employees" }, operator: "in", value: ["3"] }),
    );
    expect(error.field).toBe("conditions[0].operator");
    expect(error.message).toMatch(/operator in is not allowed for a number field \(attribute:employees\)/);
    expect(
      validationError(one({ field: { source: "attribute", name: "signup_date" }, operator: "gt", value: 3 }))
        .message,
    ).toMatch(/not allowed for a date field/);
  });

  it("refuses a value of the wrong type, naming the value's path", () => {
    const cases: Array<[unknown, string]> = [
      [
        { field: { source: "attribute", name: "employees" }, operator: "gt", value: "10" },
        "conditions[0].value",
      ],
      [
        { field: { source: "attribute", name: "employees" }, operator: "eq", value: "10" },
        "conditions[0].value",
      ],
      [{ field: { source: "attribute", name: "country" }, operator: "eq", value: 3 }, "conditions[0].value"],
      [
        { field: { source: "attribute", name: "employees" }, operator: "between", value: [5, 1] },
        "conditions[0].value",
      ],
      [{ field: { source: "attribute", name: "country" }, operator: "in", value: [] }, "conditions[0].value"],
      [
        { field: { source: "attribute", name: "country" }, operator: "in", value: ["a", 2] },
        "conditions[0].value[1]",
      ],
      [
        { field: { source: "attribute", name: "signup_date" }, operator: "within_last_days", value: 1.5 },
        "conditions[0].value",
      ],
      [
        { field: { source: "attribute", name: "signup_date" }, operator: "before", value: "2026-02-30" },
        "conditions[0].value",
      ],
      [
        { field: { source: "attribute", name: "signup_date" }, operator: "is_missing", value: "x" },
        "conditions[0].value",
      ],
      [
        { field: { source: "attribute", name: "employees" }, operator: "gt", value: Number.NaN },
        "conditions[0].value",
      ],
    ];
    for (const [condition, path] of cases) {
      expect(validationError({ op: "and", conditions: [condition] }).field, JSON.stringify(condition)).toBe(
        path,
      );
    }
  });

  it("refuses an empty group, anywhere in the tree", () => {
    expect(validationError({ op: "and", conditions: [] }).field).toBe("conditions");
    const nested = validationError({
      op: "and",
      conditions: [
        { field: { source: "attribute", name: "employees" }, operator: "gt", value: 1 },
        { op: "or", conditions: [] },
      ],
    });
    expect(nested.field).toBe("conditions[1].conditions");
    expect(nested.message).toMatch(/empty/);
  });

  it("refuses a malformed node, an unknown operator and a group nested too deep", () => {
    expect(validationError(null).field).toBe("rule");
    expect(validationError({ op: "xor", conditions: [] }).field).toBe("op");
    expect(
      validationError(one({ field: { source: "attribute", name: "employees" }, operator: "like" } as never))
        .field,
    ).toBe("conditions[0].operator");
    let deep: unknown = one({ field: { source: "attribute", name: "employees" }, operator: "gt", value: 1 });
    for (let i = 0; i < 6; i++) deep = { op: "and", conditions: [deep] };
    expect(validationError(deep).message).toMatch(/nest at most/);
  });
});

describe("evaluateRule", () => {
  const employees = { source: "attribute", name: "employees" } as const;
  const country = { source: "attribute", name: "country" } as const;
  const signup = { source: "attribute", name: "signup_date" } as const;

  it("compares numbers with every number operator, numeric text included", () => {
    const c = customer({ employees: 5 });
    const text = customer({ employees: "5" });
    for (const subject of [c, text]) {
      expect(matches({ field: employees, operator: "eq", value: 5 }, subject)).toBe(true);
      expect(matches({ field: employees, operator: "ne", value: 5 }, subject)).toBe(false);
      expect(matches({ field: employees, operator: "lt", value: 5 }, subject)).toBe(false);
      expect(matches({ field: employees, operator: "lte", value: 5 }, subject)).toBe(true);
      expect(matches({ field: employees, operator: "gt", value: 4.5 }, subject)).toBe(true);
      expect(matches({ field: employees, operator: "gte", value: 6 }, subject)).toBe(false);
      expect(matches({ field: employees, operator: "between", value: [5, 5] }, subject)).toBe(true);
      expect(matches({ field: employees, operator: "between", value: [6, 9] }, subject)).toBe(false);
    }
  });

  it("never matches a comparison on a missing or unreadable value, negative operators included", () => {
    for (const subject of [
      customer({}),
      customer({ employees: null }),
      customer({ employees: "n/a" }),
      { attributes: null },
    ]) {
      expect(matches({ field: employees, operator: "ne", value: 5 }, subject)).toBe(false);
      expect(matches({ field: employees, operator: "lt", value: 1e9 }, subject)).toBe(false);
    }
    expect(matches({ field: country, operator: "not_in", value: ["France"] }, customer({}))).toBe(false);
    expect(matches({ field: country, operator: "ne", value: "France" }, customer({ country: "" }))).toBe(
      false,
    );
  });

  it("reads categories as written, and whole numbers as their digits", () => {
    const fr = customer({ country: "France" });
    expect(matches({ field: country, operator: "in", value: ["Belgium", "France"] }, fr)).toBe(true);
    expect(matches({ field: country, operator: "not_in", value: ["Belgium"] }, fr)).toBe(true);
    expect(matches({ field: country, operator: "eq", value: "france" }, fr)).toBe(false);
    expect(matches({ field: country, operator: "ne", value: "Belgium" }, fr)).toBe(true);
    expect(matches({ field: country, operator: "eq", value: "75001" }, customer({ country: 75001 }))).toBe(
      true,
    );
    expect(matches({ field: country, operator: "eq", value: "1.5" }, customer({ country: 1.5 }))).toBe(false);
  });

  it("counts days back from asOf for within_last_days, and compares days for before and after", () => {
    expect(withinLastDaysBounds(ASOF, 30)).toEqual({ from: "2026-05-31", to: "2026-06-30" });
    const recent = customer({ signup_date: "2026-06-01" });
    const stamped = customer({ signup_date: "2026-05-31T23:59:00+02:00" });
    expect(matches({ field: signup, operator: "within_last_days", value: 30 }, recent)).toBe(true);
    expect(matches({ field: signup, operator: "within_last_days", value: 30 }, stamped)).toBe(true);
    expect(matches({ field: signup, operator: "within_last_days", value: 29 }, stamped)).toBe(false);
    expect(
      matches(
        { field: signup, operator: "within_last_days", value: 30 },
        customer({ signup_date: "2026-07-01" }),
      ),
    ).toBe(false);
    expect(matches({ field: signup, operator: "before", value: "2026-06-01" }, recent)).toBe(false);
    expect(matches({ field: signup, operator: "after", value: "2026-05-31" }, recent)).toBe(true);
    expect(
      matches({ field: signup, operator: "after", value: "2000-01-01" }, customer({ signup_date: "June" })),
    ).toBe(false);
  });

  it("tells missing from present: no key, null and empty text are missing", () => {
    for (const [value, isMissing] of [
      [undefined, true],
      [null, true],
      ["", true],
      [0, false],
      ["n/a", false],
    ] as const) {
      const subject = customer(value === undefined ? {} : { employees: value });
      expect(matches({ field: employees, operator: "is_missing" }, subject)).toBe(isMissing);
      expect(matches({ field: employees, operator: "is_present" }, subject)).toBe(!isMissing);
    }
  });

  it("reads attributes and features separately and combines nested AND/OR groups", () => {
    const rule: RuleTree = {
      op: "and",
      conditions: [
        { field: { source: "feature", name: "country" }, operator: "eq", value: "Germany" },
        {
          op: "or",
          conditions: [
            { field: employees, operator: "gt", value: 10 },
            { field: { source: "feature", name: "monetary" }, operator: "gte", value: 1000 },
          ],
        },
      ],
    };
    expect(
      evaluateRule(rule, customer({ country: "France", employees: 50 }, { country: "Germany" }), ASOF),
    ).toBe(true);
    expect(
      evaluateRule(rule, customer({ country: "Germany", employees: 50 }, { country: "France" }), ASOF),
    ).toBe(false);
    expect(evaluateRule(rule, customer({ employees: 2 }, { country: "Germany", monetary: 1000 }), ASOF)).toBe(
      true,
    );
    expect(evaluateRule(rule, customer({ employees: 2 }, { country: "Germany", monetary: 999 }), ASOF)).toBe(
      false,
    );
  });
});

describe("reading stored values", () => {
  it("reads plain decimal text as a number and nothing else", () => {
    expect(["12", "-0.5", "+.5", "1e3", "1.", "007"].map(readRuleNumber)).toEqual([
      12, -0.5, 0.5, 1000, 1, 7,
    ]);
    expect([" 12", "1,5", "0x10", "Infinity", "NaN", "1e400", "", true, {}].map(readRuleNumber)).toEqual(
      Array(9).fill(undefined),
    );
  });

  it("reads categories and dates only from the values they can be", () => {
    expect([readRuleCategory(12), readRuleCategory(1e15), readRuleCategory("")]).toEqual([
      "12",
      undefined,
      undefined,
    ]);
    expect(
      ["2024-02-29", "2024-02-29T10:00:00Z", "2024-13-01", "24-01-01", "2024-01-015"].map(readRuleDate),
    ).toEqual(["2024-02-29", "2024-02-29", undefined, undefined, undefined]);
  });
});
