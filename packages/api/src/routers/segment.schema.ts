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
