import { listAuditEvents } from "../services/audit/list-audit-events.js";
import { router, tenantProcedure } from "../trpc.js";
import { listAuditEventsInput } from "./audit.schema.js";

export const auditRouter = router({
  list: tenantProcedure("audit.read")
    .input(listAuditEventsInput)
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.tx, {
        tenantId: ctx.tenant.id,
        cursor: input.cursor ?? undefined,
        limit: input.limit,
      }),
    ),
});
