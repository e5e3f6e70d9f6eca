import { listActivity } from "../services/audit/activity-feed.js";
import { listAuditEvents } from "../services/audit/list-audit-events.js";
import { router, tenantProcedure } from "../trpc.js";
import { activityFeedInput, listAuditEventsInput } from "./audit.schema.js";

export const auditRouter = router({
  /** The admins' audit log, filtered by entity, actor and date; keyset-paged. */
  list: tenantProcedure("audit.read")
    .input(listAuditEventsInput)
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.tx, {
        tenantId: ctx.tenant.id,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
        filters: {
          targetType: input.targetType,
          targetId: input.targetId,
          actorUserId: input.actorUserId,
          from: input.from,
          to: input.to,
        },
      }),
    ),

  /** The activity feed every member reads: the same events as sentences. */
  feed: tenantProcedure("activity.read")
    .input(activityFeedInput)
    .query(({ ctx, input }) =>
      listActivity(ctx.tx, {
        tenantId: ctx.tenant.id,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),
});
