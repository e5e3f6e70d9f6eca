import {
  CoreInputError,
  DATE_TEXT_PATTERN,
  INTEGER_TEXT_PATTERN,
  isRuleGroup,
  NUMERIC_TEXT_PATTERN,
  type RuleCatalogue,
  type RuleFieldCondition,
  type RuleFieldRef,
  type RuleNode,
  type RuleTree,
  validateRule,
  withinLastDaysBounds,
} from "@strata/core";
import { type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";

/**
 * Checks a rule against the workspace's fields (core `validateRule`) and turns it into a WHERE
 * fragment over `customers c left join customer_features f on f.customer_id = c.id`. Every field
 * name and value is a bound parameter; only the SQL around them is written here. Values are read
 * exactly as core's `evaluateRule` reads them (core `rules/values.ts`: numbers stored as text,
 * missing values, negative operators), which the integration suite checks on the demo data.
 *
 * Comparisons on a missing or unreadable value are NULL; with only AND and OR above them a NULL
 * leaf decides the row exactly as a false one would, so no COALESCE hides the expressions from
 * expression indexes.
 */
export function compileRuleSql(rule: unknown, catalogue: RuleCatalogue, asOf: Date): SQL {
  assertValidRule(rule, catalogue);
  return compileNode(rule, asOf);
}

/** validateRule, its CoreInputError turned into a BAD_REQUEST naming the path inside the rule. */
export function assertValidRule(rule: unknown, catalogue: RuleCatalogue): asserts rule is RuleTree {
  try {
    validateRule(rule, catalogue);
  } catch (error) {
    if (error instanceof CoreInputError) throw new AppError("BAD_REQUEST", error.message, error.field);
    throw error;
  }
}

function compileNode(node: RuleNode, asOf: Date): SQL {
  if (!isRuleGroup(node)) return compileCondition(node, asOf);
  const parts = node.conditions.map((c) => compileNode(c, asOf));
  return sql`(${sql.join(parts, node.op === "and" ? sql` and ` : sql` or `)})`;
}

/** The jsonb document a field lives in. */
function documentOf(field: RuleFieldRef): SQL {
  return field.source === "attribute" ? sql`c.attributes` : sql`f.features`;
}

/** The stored text of a field (NULL when the key is absent or JSON null). */
export function fieldText(field: RuleFieldRef): SQL {
  return sql`(${documentOf(field)} ->> ${field.name}::text)`;
}

/** The field as a number: a JSON number, or text that is a plain decimal number; else NULL. */
export function fieldNumber(field: RuleFieldRef): SQL {
  const doc = documentOf(field);
  const name = sql`${field.name}::text`;
  return sql`(case when jsonb_typeof(${doc} -> ${name}) = 'number' then (${doc} ->> ${name})::float8
    when jsonb_typeof(${doc} -> ${name}) = 'string' and (${doc} ->> ${name}) ~ ${NUMERIC_TEXT_PATTERN}::text
    then (${doc} ->> ${name})::float8 end)`;
}

/** The field as a category: non-empty JSON text, or a whole JSON number as its digits; else NULL. */
export function fieldCategory(field: RuleFieldRef): SQL {
  const doc = documentOf(field);
  const name = sql`${field.name}::text`;
  return sql`(case when jsonb_typeof(${doc} -> ${name}) = 'string' then nullif(${doc} ->> ${name}, '')
    when jsonb_typeof(${doc} -> ${name}) = 'number' and (${doc} ->> ${name}) ~ ${INTEGER_TEXT_PATTERN}::text
    then ${doc} ->> ${name} end)`;
}

/** The field's day `YYYY-MM-DD` when it is text starting with an ISO date; else NULL. Compared bytewise. */
export function fieldDay(field: RuleFieldRef): SQL {
  const doc = documentOf(field);
  const name = sql`${field.name}::text`;
  return sql`(case when jsonb_typeof(${doc} -> ${name}) = 'string' and (${doc} ->> ${name}) ~ ${DATE_TEXT_PATTERN}::text
    then left(${doc} ->> ${name}, 10) end) collate "C"`;
}

function compileCondition(condition: RuleFieldCondition, asOf: Date): SQL {
  const { field } = condition;
  switch (condition.operator) {
    case "is_missing":
      return sql`coalesce(${fieldText(field)}, '') = ''`;
    case "is_present":
      return sql`coalesce(${fieldText(field)}, '') <> ''`;
    case "eq":
    case "ne": {
      const op = condition.operator === "eq" ? sql`=` : sql`<>`;
      return typeof condition.value === "number"
        ? sql`${fieldNumber(field)} ${op} ${condition.value}::float8`
        : sql`${fieldCategory(field)} ${op} ${condition.value}::text`;
    }
    case "lt":
      return sql`${fieldNumber(field)} < ${condition.value}::float8`;
    case "lte":
      return sql`${fieldNumber(field)} <= ${condition.value}::float8`;
    case "gt":
      return sql`${fieldNumber(field)} > ${condition.value}::float8`;
    case "gte":
      return sql`${fieldNumber(field)} >= ${condition.value}::float8`;
    case "between":
      return sql`${fieldNumber(field)} between ${condition.value[0]}::float8 and ${condition.value[1]}::float8`;
    case "in":
    case "not_in": {
      const list = sql.join(
        condition.value.map((v) => sql`${v}::text`),
        sql`, `,
      );
      return condition.operator === "in"
        ? sql`${fieldCategory(field)} in (${list})`
        : sql`${fieldCategory(field)} not in (${list})`;
    }
    case "within_last_days": {
      const { from, to } = withinLastDaysBounds(asOf, condition.value);
      return sql`${fieldDay(field)} between ${from}::text and ${to}::text`;
    }
    case "before":
      return sql`${fieldDay(field)} < ${condition.value}::text`;
    case "after":
      return sql`${fieldDay(field)} > ${condition.value}::text`;
  }
}
