import { randomUUID } from "node:crypto";
import { withTenant, withUser } from "@strata/db";
import { AppError, isUniqueViolation } from "../errors.js";
import { deleteWorkspace } from "../services/privacy/delete-workspace.js";
import { createTenant, SLUG_TAKEN } from "../services/tenant/create-tenant.js";
import { listTenants } from "../services/tenant/list-tenants.js";
import { getTenantSettings, updateTenantSettings } from "../services/tenant/tenant-settings.js";
import { protectedProcedure, router, tenantProcedure } from "../trpc.js";
import { createTenantInput, deleteTenantInput, updateTenantSettingsInput } from "./tenant.schema.js";

export const tenantRouter = router({
  list: protectedProcedure.query(({ ctx }) =>
    withUser(ctx.database.db, ctx.user.id, (tx) => listTenants(tx, { userId: ctx.user.id })),
  ),
  create: protectedProcedure.input(createTenantInput).mutation(async ({ ctx, input }) => {
    const tenantId = randomUUID();
    try {
      return await withTenant(ctx.database.db, tenantId, (tx) =>
        createTenant(tx, {
          tenantId,
          name: input.name,
          slug: input.slug || undefined,
          ownerUserId: ctx.user.id,
        }),
      );
    } catch (error) {
      // Another workspace took the same slug between the check and the insert.
      if (isUniqueViolation(error)) throw new AppError("CONFLICT", SLUG_TAKEN, "slug");
      throw error;
    }
  }),
  get: tenantProcedure("workspace.read").query(({ ctx }) => ({ ...ctx.tenant, role: ctx.role })),
  settings: tenantProcedure("workspace.read").query(({ ctx }) =>
    getTenantSettings(ctx.tx, { tenantId: ctx.tenant.id }),
  ),
  updateSettings: tenantProcedure("workspace.updateSettings")
    .input(updateTenantSettingsInput)
    .mutation(({ ctx, input }) =>
      updateTenantSettings(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        editorsCanApprove: input.data.editorsCanApprove,
        retentionMonths: input.data.retentionMonths,
      }),
    ),

  delete: tenantProcedure("workspace.delete")
    .input(deleteTenantInput)
    .mutation(({ ctx, input }) =>
      deleteWorkspace(ctx.tx, {
        tenantId: ctx.tenant.id,
        slug: ctx.tenant.slug,
        confirmSlug: input.confirmSlug,
      }),
    ),
});
