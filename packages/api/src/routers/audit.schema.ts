import { z } from "zod";

const auditFilterFields = {
  /** The kind of thing changed: `segment_set`, `user`, `run`, `import`… */
  targetType: z.string().trim().min(1).max(64).optional(),
  /** One thing's id. */
  targetId: z.string().trim().min(1).max(200).optional(),
  actorUserId: z.uuid("Not a member id").optional(),
  /** Inclusive bounds (ISO date-times; the page sends the start and end of the chosen days). */
  from: z.coerce.date("Not a date").optional(),
  to: z.coerce.date("Not a date").optional(),
};

function fromNotAfterTo(value: { from?: Date | undefined; to?: Date | undefined }, ctx: z.RefinementCtx) {
  if (value.from && value.to && value.from.getTime() > value.to.getTime()) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "The end date must not be before the start date" });
  }
}

/** A page of the audit log with the audit page's filters (the CSV export reads the same). */
export const listAuditEventsInput = z
  .object({
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(100).default(50),
    ...auditFilterFields,
  })
  .superRefine(fromNotAfterTo);

export const activityFeedInput = z.object({
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(30),
});
