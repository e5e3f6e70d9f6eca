import { getDataset } from "../services/dataset/get-dataset.js";
import { listDatasets } from "../services/dataset/list-datasets.js";
import { canSeePersonal } from "../services/privacy/personal-columns.js";
import { router, tenantProcedure } from "../trpc.js";
import { getDatasetInput } from "./dataset.schema.js";

/** Datasets of a workspace and their profiles (column statistics and feature correlations). */
export const datasetRouter = router({
  list: tenantProcedure("dataset.read").query(({ ctx }) => listDatasets(ctx.tx, { tenantId: ctx.tenant.id })),

  get: tenantProcedure("dataset.read")
    .input(getDatasetInput)
    .query(({ ctx, input }) =>
      getDataset(ctx.tx, { tenantId: ctx.tenant.id, id: input.id, canSeePersonal: canSeePersonal(ctx.role) }),
    ),
});
