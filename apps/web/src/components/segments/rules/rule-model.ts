import type { RouterOutputs } from "@strata/api";

/** A rule as the api takes it (`segmentRuleSchema`): a tree of AND/OR groups of field conditions. */
export type SegmentRule = RouterOutputs["segment"]["ruleFromSurrogate"]["rule"];
type RuleNode = SegmentRule["conditions"][number];
type RuleCondition = Exclude<RuleNode, { op: unknown }>;
export type RuleOperator = RuleCondition["operator"];

export type CatalogueField = RouterOutputs["segment"]["ruleFields"][number];
export type FieldType = CatalogueField["type"];

/** The operators each field type offers, in the order a person reaches for them (as core allows). */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly RuleOperator[]> = {
  number: ["gt", "gte", "lt", "lte", "between", "eq", "ne", "is_missing", "is_present"],
  category: ["in", "not_in", "eq", "ne", "is_missing", "is_present"],
  date: ["within_last_days", "before", "after", "is_missing", "is_present"],
};

export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  eq: "is",
  ne: "is not",
  lt: "is less than",
  lte: "is at most",
  gt: "is more than",
  gte: "is at least",
  between: "is between",
  in: "is one of",
  not_in: "is none of",
  within_last_days: "is within the last",
  before: "is before",
  after: "is after",
  is_missing: "is missing",
  is_present: "is present",
};

/**
 * What the builder edits: the rule with every input kept as typed (an empty number box is not 0),
 * plus a stable id per node for React keys and focus. `toRule` turns it into a rule or errors.
 */
export interface DraftCondition {
  kind: "condition";
  id: string;
  fieldKey: string;
  operator: RuleOperator;
  /** The value box (number, days, date or single category), as typed. */
  value: string;
  /** The high end of `between`. */
  value2: string;
  /** The chosen values of `in` / `not_in`. */
  values: string[];
}

export interface DraftGroup {
  kind: "group";
  id: string;
  op: "and" | "or";
  children: DraftNode[];
}

export type DraftNode = DraftCondition | DraftGroup;

/** Deepest nesting the api accepts (core's RULE_LIMITS.maxDepth). */
export const MAX_DEPTH = 5;

let nextId = 0;
function newId(): string {
  nextId += 1;
  return `n${nextId}`;
}

export function fieldByKey(catalogue: readonly CatalogueField[], key: string): CatalogueField | undefined {
  return catalogue.find((f) => f.key === key);
}

/** A new condition on `field` with its type's first operator and empty inputs. */
export function newCondition(field: CatalogueField | undefined): DraftCondition {
  return {
    kind: "condition",
    id: newId(),
    fieldKey: field?.key ?? "",
    operator: field ? OPERATORS_BY_TYPE[field.type][0]! : "gt",
    value: "",
    value2: "",
    values: [],
  };
}

export function newGroup(op: "and" | "or", first: DraftNode): DraftGroup {
  return { kind: "group", id: newId(), op, children: [first] };
}

/** Picks a field: the operator is kept when the new type allows it, else the type's first one. */
export function withField(condition: DraftCondition, field: CatalogueField): DraftCondition {
  const operators = OPERATORS_BY_TYPE[field.type];
  const sameType = operators.includes(condition.operator);
  return {
    ...condition,
    fieldKey: field.key,
    operator: sameType ? condition.operator : operators[0]!,
    ...(sameType ? {} : { value: "", value2: "", values: [] }),
  };
}

/** The draft of a stored rule (editing a rule segment, or starting from surrogate rules). */
export function toDraft(rule: SegmentRule): DraftGroup {
  const visit = (node: RuleNode): DraftNode => {
    if ("op" in node)
      return { kind: "group", id: newId(), op: node.op, children: node.conditions.map(visit) };
    const c = node as RuleCondition;
    const draft: DraftCondition = {
      kind: "condition",
      id: newId(),
      fieldKey: `${c.field.source}:${c.field.name}`,
      operator: c.operator,
      value: "",
      value2: "",
      values: [],
    };
    if (Array.isArray(c.value)) {
      if (c.operator === "between") {
        draft.value = String(c.value[0]);
        draft.value2 = String(c.value[1]);
      } else draft.values = c.value.map(String);
    } else if (c.value !== undefined) draft.value = String(c.value);
    return draft;
  };
  return visit(rule) as DraftGroup;
}

/** Errors by path inside the rule, written as core's validateRule names them: `conditions[1].value`. */
export type RuleErrors = Record<string, string>;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readNumber(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The rule the draft stands for, or the reasons it is not one yet, each at its path. Checked here
 * so the live preview only asks the api about complete rules; the api checks everything again.
 */
export function toRule(
  draft: DraftGroup,
  catalogue: readonly CatalogueField[],
): { rule: SegmentRule | null; errors: RuleErrors } {
  const errors: RuleErrors = {};
  const visitGroup = (group: DraftGroup, path: string): SegmentRule => {
    const at = path ? `${path}.conditions` : "conditions";
    if (group.children.length === 0) errors[at] = "A group needs at least one condition";
    return {
      op: group.op,
      conditions: group.children.map((child, i) =>
        child.kind === "group" ? visitGroup(child, `${at}[${i}]`) : visitCondition(child, `${at}[${i}]`),
      ),
    };
  };
  const visitCondition = (c: DraftCondition, path: string): RuleNode => {
    const field = fieldByKey(catalogue, c.fieldKey);
    if (!field) {
      errors[`${path}.field`] = "Choose a field";
      return { field: { source: "feature", name: "?" }, operator: "is_present" };
    }
    const ref = { source: field.source, name: field.name };
    const valuePath = `${path}.value`;
    const fail = (message: string): RuleNode => {
      errors[valuePath] = message;
      return { field: ref, operator: "is_present" };
    };
    switch (c.operator) {
      case "is_missing":
      case "is_present":
        return { field: ref, operator: c.operator };
      case "lt":
      case "lte":
      case "gt":
      case "gte": {
        const n = readNumber(c.value);
        return n === undefined ? fail("Enter a number") : { field: ref, operator: c.operator, value: n };
      }
      case "eq":
      case "ne": {
        if (field.type === "number") {
          const n = readNumber(c.value);
          return n === undefined ? fail("Enter a number") : { field: ref, operator: c.operator, value: n };
        }
        const text = c.value.trim();
        return text ? { field: ref, operator: c.operator, value: text } : fail("Enter a value");
      }
      case "between": {
        const low = readNumber(c.value);
        const high = readNumber(c.value2);
        if (low === undefined || high === undefined) return fail("Enter both ends");
        if (low > high) return fail("The low end must not exceed the high end");
        return { field: ref, operator: "between", value: [low, high] };
      }
      case "in":
      case "not_in":
        return c.values.length === 0
          ? fail("Choose at least one value")
          : { field: ref, operator: c.operator, value: c.values };
      case "within_last_days": {
        const n = readNumber(c.value);
        if (n === undefined || !Number.isInteger(n) || n < 0 || n > 36_600)
          return fail("Enter a whole number of days (0 to 36,600)");
        return { field: ref, operator: "within_last_days", value: n };
      }
      case "before":
      case "after":
        return DATE.test(c.value)
          ? { field: ref, operator: c.operator, value: c.value }
          : fail("Enter a date");
    }
  };
  const rule = visitGroup(draft, "");
  return { rule: Object.keys(errors).length === 0 ? rule : null, errors };
}

/** Applies `change` to the node with `id` (anywhere in the tree); returns a new tree. */
export function updateNode(root: DraftGroup, id: string, change: (node: DraftNode) => DraftNode): DraftGroup {
  const visit = (node: DraftNode): DraftNode => {
    if (node.id === id) return change(node);
    if (node.kind === "group") return { ...node, children: node.children.map(visit) };
    return node;
  };
  return visit(root) as DraftGroup;
}

/** Removes the node with `id`; a group left empty goes too (the root stays, possibly empty). */
export function removeNode(root: DraftGroup, id: string): DraftGroup {
  const visit = (group: DraftGroup): DraftGroup => ({
    ...group,
    children: group.children
      .filter((child) => child.id !== id)
      .map((child) => (child.kind === "group" ? visit(child) : child))
      .filter((child) => child.kind === "condition" || child.children.length > 0),
  });
  return visit(root);
}

/** Appends `node` to the group with `groupId`. */
export function appendTo(root: DraftGroup, groupId: string, node: DraftNode): DraftGroup {
  return updateNode(root, groupId, (group) =>
    group.kind === "group" ? { ...group, children: [...group.children, node] } : group,
  );
}

function formatValue(c: RuleCondition): string {
  const v = c.value;
  if (v === undefined) return "";
  if (c.operator === "between" && Array.isArray(v)) return ` ${v[0]} and ${v[1]}`;
  if (Array.isArray(v)) return ` ${v.join(", ")}`;
  if (c.operator === "within_last_days") return ` ${v} days`;
  return ` ${v}`;
}

/** The rule in one readable line: `(feature monetary is more than 500 and attribute country is one of FR, DE)`. */
export function describeRule(rule: SegmentRule): string {
  const visit = (node: RuleNode, isRoot: boolean): string => {
    if ("op" in node) {
      const text = node.conditions.map((c) => visit(c, false)).join(node.op === "and" ? " and " : " or ");
      return isRoot || node.conditions.length === 1 ? text : `(${text})`;
    }
    const c = node as RuleCondition;
    return `${c.field.name} ${OPERATOR_LABELS[c.operator]}${formatValue(c)}`;
  };
  return visit(rule, true);
}
