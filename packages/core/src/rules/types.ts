/**
 * A rule segment's rule: a tree of AND/OR groups whose leaves compare one customer field with a
 * value. The contract (`segmentRuleSchema` of `@strata/contract`) validates the same shape with zod
 * for the api and the browser; core declares it as plain types because core imports nothing.
 */

/** Where a field is read: `customers.attributes` (imported columns) or `customer_features.features`. */
export type RuleFieldSource = "attribute" | "feature";

/** A field, namespaced by its source so an attribute and a feature of the same name are told apart. */
export interface RuleFieldRef {
  source: RuleFieldSource;
  name: string;
}

export type RuleFieldType = "number" | "category" | "date";

export const RULE_NUMBER_OPERATORS = ["eq", "ne", "lt", "lte", "gt", "gte", "between"] as const;
export const RULE_CATEGORY_OPERATORS = ["in", "not_in", "eq", "ne"] as const;
export const RULE_DATE_OPERATORS = ["within_last_days", "before", "after"] as const;
export const RULE_MISSING_OPERATORS = ["is_missing", "is_present"] as const;

export const RULE_OPERATORS = [
  "eq",
  "ne",
  "lt",
  "lte",
  "gt",
  "gte",
  "between",
  "in",
  "not_in",
  "within_last_days",
  "before",
  "after",
  "is_missing",
  "is_present",
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** The operators each field type allows (the missing-value operators are allowed on every type). */
export const RULE_OPERATORS_BY_TYPE: Readonly<Record<RuleFieldType, readonly RuleOperator[]>> = {
  number: [...RULE_NUMBER_OPERATORS, ...RULE_MISSING_OPERATORS],
  category: [...RULE_CATEGORY_OPERATORS, ...RULE_MISSING_OPERATORS],
  date: [...RULE_DATE_OPERATORS, ...RULE_MISSING_OPERATORS],
};

/**
 * One comparison. The value's shape follows the operator: a number (`lt`…`gte`, and `eq`/`ne` on
 * a number field), a string (`eq`/`ne` on a category field), `[low, high]` (`between`, inclusive),
 * a non-empty list of strings (`in`, `not_in`), a whole number of days (`within_last_days`), an ISO
 * date `YYYY-MM-DD` (`before`, `after`), nothing (`is_missing`, `is_present`).
 */
export type RuleFieldCondition =
  | { field: RuleFieldRef; operator: "eq" | "ne"; value: number | string }
  | { field: RuleFieldRef; operator: "lt" | "lte" | "gt" | "gte"; value: number }
  | { field: RuleFieldRef; operator: "between"; value: [number, number] }
  | { field: RuleFieldRef; operator: "in" | "not_in"; value: string[] }
  | { field: RuleFieldRef; operator: "within_last_days"; value: number }
  | { field: RuleFieldRef; operator: "before" | "after"; value: string }
  | { field: RuleFieldRef; operator: "is_missing" | "is_present"; value?: undefined };

/** A group: all (`and`) or any (`or`) of its conditions and nested groups; never empty. */
export interface RuleGroup {
  op: "and" | "or";
  conditions: RuleNode[];
}

export type RuleNode = RuleGroup | RuleFieldCondition;

/** A whole rule is a group. */
export type RuleTree = RuleGroup;

/** A field a rule may name, with its type; categories carry their most common values for pickers. */
export interface RuleCatalogueField {
  source: RuleFieldSource;
  name: string;
  /** `source:name`, e.g. `attribute:country` — how messages and pickers name the field. */
  key: string;
  type: RuleFieldType;
  /** Categories: the most common values, most common first (may be empty). */
  topValues?: string[];
}

export type RuleCatalogue = readonly RuleCatalogueField[];

/** What a customer offers a rule: the imported attributes and the computed features (either may be absent). */
export interface RuleCustomer {
  attributes?: Readonly<Record<string, unknown>> | null;
  features?: Readonly<Record<string, unknown>> | null;
}

/** Bounds that keep a rule readable and its SQL small. */
export const RULE_LIMITS = { maxDepth: 5, maxConditions: 50, maxValues: 500, maxDays: 36_600 } as const;

export function ruleFieldKey(field: RuleFieldRef): string {
  return `${field.source}:${field.name}`;
}

export function isRuleGroup(node: RuleNode): node is RuleGroup {
  return "op" in node;
}
