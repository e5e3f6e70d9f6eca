import { z } from "zod";

/**
 * A rule segment's rule, as the rule builder sends it and a rule set stores it: a tree of AND/OR
 * groups whose leaves compare one customer field with a value. This schema checks the shape and
 * that each value suits its operator; whether the fields exist and each operator suits its field's
 * type depends on the workspace's data, which core's `validateRule` checks against the field
 * catalogue. Core declares the same shape as plain types (`RuleTree`); the api hands one to the other.
 */

export const SEGMENT_RULE_OPERATORS = [
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
export type SegmentRuleOperator = (typeof SEGMENT_RULE_OPERATORS)[number];

/** A field, namespaced: `attribute` (an imported column) or `feature` (computed per customer). */
export const segmentRuleFieldSchema = z.object({
  source: z.enum(["attribute", "feature"]),
  name: z.string().min(1, "Choose a field").max(200),
});

const number = z.number().refine(Number.isFinite, "Enter a number");
const text = z.string().min(1, "Enter a value").max(500);
const isoDate = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, "Enter a date as YYYY-MM-DD")
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, "Enter a real date");

const field = segmentRuleFieldSchema;

export const segmentRuleConditionSchema = z.discriminatedUnion("operator", [
  z.object({ field, operator: z.enum(["eq", "ne"]), value: z.union([number, text]) }),
  z.object({ field, operator: z.enum(["lt", "lte", "gt", "gte"]), value: number }),
  z.object({
    field,
    operator: z.literal("between"),
    value: z
      .tuple([number, number])
      .refine(([low, high]) => low <= high, "The low end must not exceed the high end"),
  }),
  z.object({
    field,
    operator: z.enum(["in", "not_in"]),
    value: z.array(text).min(1, "Choose at least one value").max(500),
  }),
  z.object({
    field,
    operator: z.literal("within_last_days"),
    value: z.int("Enter a whole number of days").min(0).max(36_600),
  }),
  z.object({ field, operator: z.enum(["before", "after"]), value: isoDate }),
  z.object({ field, operator: z.enum(["is_missing", "is_present"]), value: z.undefined().optional() }),
]);

export type SegmentRuleCondition = z.infer<typeof segmentRuleConditionSchema>;

export interface SegmentRuleGroup {
  op: "and" | "or";
  conditions: Array<SegmentRuleGroup | SegmentRuleCondition>;
}

/** A group of conditions and nested groups; never empty. A whole rule is a group. */
export const segmentRuleGroupSchema: z.ZodType<SegmentRuleGroup> = z.object({
  op: z.enum(["and", "or"]),
  get conditions() {
    return z
      .array(z.union([segmentRuleGroupSchema, segmentRuleConditionSchema]))
      .min(1, "A group needs at least one condition")
      .max(50);
  },
});

export const segmentRuleSchema = segmentRuleGroupSchema;
export type SegmentRule = SegmentRuleGroup;
