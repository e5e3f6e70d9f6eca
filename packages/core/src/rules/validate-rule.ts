import { CoreInputError } from "../errors.js";
import {
  RULE_LIMITS,
  RULE_OPERATORS,
  RULE_OPERATORS_BY_TYPE,
  type RuleCatalogue,
  type RuleCatalogueField,
  type RuleFieldType,
  type RuleOperator,
  type RuleTree,
} from "./types.js";
import { isIsoDate } from "./values.js";

const TYPE_WORDS: Record<RuleFieldType, string> = { number: "number", category: "category", date: "date" };

/**
 * Checks a rule against the fields a workspace has: the shape (groups of conditions, nothing empty),
 * that every field exists, that each operator suits its field's type and that each value suits its
 * operator. Throws a CoreInputError on the first problem, with `field` the path to it inside the
 * rule (`conditions[1].conditions[0].value`) and a message that starts with that path. Accepts any
 * value, so it also guards rules read back from storage.
 */
export function validateRule(rule: unknown, catalogue: RuleCatalogue): asserts rule is RuleTree {
  const fields = new Map(catalogue.map((f) => [f.key, f]));
  let conditions = 0;

  const fail = (path: string, problem: string): never => {
    throw new CoreInputError(path ? `${path}: ${problem}` : problem, { field: path || "rule" });
  };
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

  const visitGroup = (node: Record<string, unknown>, path: string, depth: number) => {
    if (depth > RULE_LIMITS.maxDepth) fail(path, `groups nest at most ${RULE_LIMITS.maxDepth} deep`);
    if (node.op !== "and" && node.op !== "or") fail(at(path, "op"), 'a group\'s op is "and" or "or"');
    const children = node.conditions;
    if (!Array.isArray(children)) fail(at(path, "conditions"), "a group needs a list of conditions");
    const list = children as unknown[];
    if (list.length === 0) fail(at(path, "conditions"), "a group needs at least one condition (it is empty)");
    for (const [i, child] of list.entries()) {
      const childPath = `${at(path, "conditions")}[${i}]`;
      if (!isRecord(child)) fail(childPath, "expected a condition or a group");
      else if ("op" in child || "conditions" in child) visitGroup(child, childPath, depth + 1);
      else visitCondition(child, childPath);
    }
  };

  const visitCondition = (node: Record<string, unknown>, path: string) => {
    conditions += 1;
    if (conditions > RULE_LIMITS.maxConditions) {
      fail(path, `a rule has at most ${RULE_LIMITS.maxConditions} conditions`);
    }
    const field = node.field;
    if (!isRecord(field) || (field.source !== "attribute" && field.source !== "feature")) {
      return fail(at(path, "field"), 'a condition names a field: { source: "attribute" | "feature", name }');
    }
    if (typeof field.name !== "string" || field.name === "") {
      return fail(at(path, "field.name"), "a field needs a name");
    }
    const key = `${field.source}:${field.name}`;
    const known = fields.get(key);
    if (!known) return fail(at(path, "field"), `unknown field ${key}`);
    const operator = node.operator;
    if (typeof operator !== "string" || !(RULE_OPERATORS as readonly string[]).includes(operator)) {
      return fail(at(path, "operator"), `unknown operator ${JSON.stringify(operator)}`);
    }
    const op = operator as RuleOperator;
    if (!RULE_OPERATORS_BY_TYPE[known.type].includes(op)) {
      return fail(
        at(path, "operator"),
        `operator ${op} is not allowed for a ${TYPE_WORDS[known.type]} field (${key}); use one of ${RULE_OPERATORS_BY_TYPE[known.type].join(", ")}`,
      );
    }
    checkValue(known, op, node.value, at(path, "value"));
  };

  const checkValue = (field: RuleCatalogueField, op: RuleOperator, value: unknown, path: string) => {
    const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
    switch (op) {
      case "is_missing":
      case "is_present":
        if (value !== undefined && value !== null) fail(path, `${op} takes no value`);
        return;
      case "eq":
      case "ne":
        if (field.type === "number" && !isNumber(value)) fail(path, `${op} on ${field.key} needs a number`);
        if (field.type === "category" && (typeof value !== "string" || value === "")) {
          fail(path, `${op} on ${field.key} needs a non-empty text value`);
        }
        return;
      case "lt":
      case "lte":
      case "gt":
      case "gte":
        if (!isNumber(value)) fail(path, `${op} on ${field.key} needs a number`);
        return;
      case "between": {
        if (!Array.isArray(value) || value.length !== 2 || !isNumber(value[0]) || !isNumber(value[1])) {
          return fail(path, `between on ${field.key} needs two numbers [low, high]`);
        }
        if (value[0] > value[1]) fail(path, `between needs low <= high (got ${value[0]} > ${value[1]})`);
        return;
      }
      case "in":
      case "not_in": {
        if (!Array.isArray(value) || value.length === 0) {
          return fail(path, `${op} on ${field.key} needs a non-empty list of values`);
        }
        if (value.length > RULE_LIMITS.maxValues)
          fail(path, `${op} takes at most ${RULE_LIMITS.maxValues} values`);
        value.forEach((v, i) => {
          if (typeof v !== "string" || v === "") fail(`${path}[${i}]`, "expected a non-empty text value");
        });
        return;
      }
      case "within_last_days":
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > RULE_LIMITS.maxDays) {
          fail(path, `within_last_days needs a whole number of days from 0 to ${RULE_LIMITS.maxDays}`);
        }
        return;
      case "before":
      case "after":
        if (typeof value !== "string" || !isIsoDate(value))
          fail(path, `${op} needs a date written YYYY-MM-DD`);
        return;
    }
  };

  if (!isRecord(rule)) fail("", "a rule is a group: { op, conditions }");
  visitGroup(rule as Record<string, unknown>, "", 1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
