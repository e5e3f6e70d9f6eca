import { cancelImport } from "../services/import/cancel-import.js";
import { getImport, listImports } from "../services/import/get-import.js";
import { previewUpload } from "../services/import/preview-upload.js";
import { queueImportFromRequest } from "../services/import/start-import.js";
import { canSeePersonal } from "../services/privacy/personal-columns.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  cancelImportInput,
  getImportInput,
  listImportsInput,
  previewImportInput,
  startImportInput,
} from "./import.schema.js";

/**
 * Imports of customer and order files. The bytes arrive through the streaming upload route
 * (apps/web .../imports), which records a pending import with a preview; these procedures re-preview,
 * start it with the confirmed mapping (a queue job written in the same transaction), cancel it, and
 * read its progress (polled while it runs, like runs).
 */
export const importRouter = router({
  list: tenantProcedure("import.read")
    .input(listImportsInput)
    .query(({ ctx, input }) => listImports(ctx.tx, { tenantId: ctx.tenant.id, limit: input.limit })),

  get: tenantProcedure("import.read")
    .input(getImportInput)
    .query(({ ctx, input }) =>
      getImport(ctx.tx, { tenantId: ctx.tenant.id, id: input.id, canSeePersonal: canSeePersonal(ctx.role) }),
    ),

  preview: tenantProcedure("import.preview")
    .input(previewImportInput)
    .query(({ ctx, input }) =>
      previewUpload(ctx.tx, {
        tenantId: ctx.tenant.id,
        id: input.id,
        ...(input.encoding ? { encoding: input.encoding } : {}),
        ...(input.delimiter ? { delimiter: input.delimiter } : {}),
        ...(input.sheet ? { sheet: input.sheet } : {}),
      }),
    ),

  start: tenantProcedure("import.start")
    .input(startImportInput)
    .mutation(async ({ ctx, input }) => {
      const params = {
        tenantId: ctx.tenant.id,
        importId: input.id,
        mapping: input.mapping,
        onInvalid: input.onInvalid,
        userId: ctx.user.id,
        ...(input.datasetName ? { datasetName: input.datasetName } : {}),
      };
      return queueImportFromRequest(ctx.tx, ctx.database, params);
    }),

  cancel: tenantProcedure("import.cancel")
    .input(cancelImportInput)
    .mutation(({ ctx, input }) =>
      cancelImport(ctx.tx, ctx.database, { tenantId: ctx.tenant.id, id: input.id, userId: ctx.user.id }),
    ),
});
