import {
  isRuleGroup,
  type RuleCustomer,
  type RuleFieldCondition,
  type RuleNode,
  type RuleTree,
} from "./types.js";
import {
  isMissingValue,
  readRuleCategory,
  readRuleDate,
  readRuleNumber,
  withinLastDaysBounds,
} from "./values.js";

/**
 * Whether a customer matches a rule at `asOf` (the day `within_last_days` counts back from): the
 * reference the database's evaluation is checked against. Pure; expects a rule `validateRule`
 * accepted (it reads values by the operator, so a valid rule needs no catalogue here). How values
 * are read — numbers stored as text, missing values, negative operators — is set out in `values.ts`.
 */
export function evaluateRule(rule: RuleTree, customer: RuleCustomer, asOf: Date): boolean {
  return evaluateNode(rule, customer, asOf);
}

function evaluateNode(node: RuleNode, customer: RuleCustomer, asOf: Date): boolean {
  if (isRuleGroup(node)) {
    return node.op === "and"
      ? node.conditions.every((c) => evaluateNode(c, customer, asOf))
      : node.conditions.some((c) => evaluateNode(c, customer, asOf));
  }
  return evaluateCondition(node, customer, asOf);
}

function evaluateCondition(condition: RuleFieldCondition, customer: RuleCustomer, asOf: Date): boolean {
  const bag = condition.field.source === "attribute" ? customer.attributes : customer.features;
  const raw = bag && Object.hasOwn(bag, condition.field.name) ? bag[condition.field.name] : undefined;
  switch (condition.operator) {
    case "is_missing":
      return isMissingValue(raw);
    case "is_present":
      return !isMissingValue(raw);
    case "eq":
    case "ne": {
      const value = condition.value;
      const read = typeof value === "number" ? readRuleNumber(raw) : readRuleCategory(raw);
      if (read === undefined) return false;
      return condition.operator === "eq" ? read === value : read !== value;
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const n = readRuleNumber(raw);
      if (n === undefined) return false;
      const v = condition.value;
      if (condition.operator === "lt") return n < v;
      if (condition.operator === "lte") return n <= v;
      if (condition.operator === "gt") return n > v;
      return n >= v;
    }
    case "between": {
      const n = readRuleNumber(raw);
      return n !== undefined && n >= condition.value[0] && n <= condition.value[1];
    }
    case "in":
    case "not_in": {
      const c = readRuleCategory(raw);
      if (c === undefined) return false;
      return condition.value.includes(c) === (condition.operator === "in");
    }
    case "within_last_days": {
      const day = readRuleDate(raw);
      if (day === undefined) return false;
      const { from, to } = withinLastDaysBounds(asOf, condition.value);
      return day >= from && day <= to;
    }
    case "before":
    case "after": {
      const day = readRuleDate(raw);
      if (day === undefined) return false;
      return condition.operator === "before" ? day < condition.value : day > condition.value;
    }
  }
}
