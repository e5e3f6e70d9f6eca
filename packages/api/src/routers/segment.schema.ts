import { segmentRuleSchema } from "@strata/contract";
import { z } from "zod";
import { SEGMENT_CUSTOMER_SORTS } from "../services/segment/list-segment-customers.js";

const id = (what: string) => z.uuid(`Not a ${what} id`);

export const publishSegmentSetInput = z.object({
  runId: id("run"),
  name: z.string().trim().min(1, "Give the segment set a name").max(120),
  description: z.string().trim().max(2000).optional(),
  segments: z
    .array(
      z.object({
        position: z.int().min(-1).max(100),
        name: z.string().trim().min(1, "Every segment needs a name").max(80),
        description: z.string().trim().max(2000).optional(),
        color: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, "A colour is written #rrggbb")
          .optional(),
      }),
    )
    .max(101)
    .default([]),
});

export const getSegmentSetInput = z.object({ id: id("segment set") });
export const getSegmentInput = z.object({ id: id("segment") });

export const listSegmentCustomersInput = z.object({
  segmentId: id("segment"),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(SEGMENT_CUSTOMER_SORTS).default("externalId"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  page: z.int().min(1).max(100_000).default(1),
  pageSize: z.int().min(1).max(200).default(50),
});

export const exportSegmentInput = z.object({
  segmentId: id("segment"),
  after: z.string().max(500).optional(),
  limit: z.int().min(1).max(10_000).default(5_000),
});

export const compareRunsInput = z.object({ runA: id("run"), runB: id("run") });
export const runInsightsInput = z.object({ runId: id("run") });

const version = z.int("A version is a whole number").min(1).max(1_000_000);
const message = z.string().trim().max(500).default("");
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "A colour is written #rrggbb");

export const editSegmentSetInput = z.object({
  id: id("segment set"),
  baseVersion: version,
  message,
  name: z.string().trim().min(1, "Give the segment set a name").max(120).optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  segments: z
    .array(
      z.object({
        id: id("segment"),
        name: z.string().trim().min(1, "Every segment needs a name").max(80).optional(),
        description: z.string().trim().max(2000).nullable().optional(),
        color: color.optional(),
      }),
    )
    .max(101)
    .optional(),
});

export const reviewSegmentSetInput = z.object({ id: id("segment set"), version });
export const sendBackSegmentSetInput = reviewSegmentSetInput.extend({
  reason: z.string().trim().min(1, "Say why the version goes back").max(2000),
});
export const restoreSegmentSetInput = z.object({ id: id("segment set"), version, baseVersion: version });
export const segmentSetHistoryInput = z.object({ id: id("segment set") });

export const republishPreviewInput = z.object({ id: id("segment set"), runId: id("run") });
export const republishInput = z.object({
  id: id("segment set"),
  runId: id("run"),
  baseVersion: version,
  message,
  mapping: z
    .array(
      z.object({
        cluster: z.int().min(-1).max(100),
        segmentId: id("segment").nullable(),
        name: z.string().trim().max(80).optional(),
      }),
    )
    .min(1)
    .max(101),
});

export const createRuleSegmentInput = z.object({
  name: z.string().trim().min(1, "Give the segment a name").max(80),
  description: z.string().trim().max(2000).optional(),
  color: color.optional(),
  rule: segmentRuleSchema,
  baseSegmentId: id("segment").optional(),
});

export const editRuleSegmentInput = z.object({
  id: id("segment set"),
  baseVersion: version,
  message,
  name: z.string().trim().min(1, "Give the segment a name").max(80).optional(),
  rule: segmentRuleSchema,
  baseSegmentId: id("segment").nullable().optional(),
});

export const previewRuleInput = z.object({
  rule: segmentRuleSchema,
  segmentSetId: id("segment set").optional(),
  baseSegmentId: id("segment").optional(),
});

export const ruleFromSurrogateInput = z.object({ segmentId: id("segment") });
export const assignByModelInput = z.object({ id: id("segment set") });
export const ruleFieldsInput = z.object({}).optional();

/** A segment set's segments, or a finished run's clusters, split by one customer attribute. */
export const fairnessInput = z
  .object({
    segmentSetId: id("segment set").optional(),
    runId: id("run").optional(),
    /** Omitted: only the attributes that can be checked. */
    attribute: z.string().trim().min(1).max(200).optional(),
  })
  .refine((v) => (v.segmentSetId === undefined) !== (v.runId === undefined), {
    message: "Name a segment set or a run, not both",
    path: ["segmentSetId"],
  });
