import { getCostModel, updateCostModel } from "../services/cost-to-serve/cost-model.js";
import { queueCostToServeRun } from "../services/cost-to-serve/queue-cost-to-serve-run.js";
import {
  getCustomerCostToServe,
  getLatestCostToServe,
  listCostToServeCustomers,
} from "../services/cost-to-serve/read-cost-to-serve.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  computeInput,
  customerInput,
  customersInput,
  getModelInput,
  latestInput,
  updateModelInput,
} from "./cost-to-serve.schema.js";

/**
 * Cost-to-serve: the workspace's cost model, and runs that compute every customer's profit and loss
 * with it. A run is computed by the import consumer from its queue job, never in a request; the page
 * polls `latest` while a run is queued or running.
 */
export const costToServeRouter = router({
  getModel: tenantProcedure("costModel.read")
    .input(getModelInput)
    .query(({ ctx }) => getCostModel(ctx.tx, { tenantId: ctx.tenant.id })),

  updateModel: tenantProcedure("costModel.update")
    .input(updateModelInput)
    .mutation(({ ctx, input }) =>
      updateCostModel(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, model: input.model }),
    ),

  compute: tenantProcedure("costToServe.compute")
    .input(computeInput)
    .mutation(({ ctx, input }) =>
      queueCostToServeRun(ctx.tx, ctx.database, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        ...(input.segmentSetId ? { segmentSetId: input.segmentSetId } : {}),
        ...(input.periodDays !== undefined ? { periodDays: input.periodDays } : {}),
      }),
    ),

  latest: tenantProcedure("costToServe.read")
    .input(latestInput)
    .query(({ ctx }) => getLatestCostToServe(ctx.tx, { tenantId: ctx.tenant.id })),

  customers: tenantProcedure("costToServe.read")
    .input(customersInput)
    .query(({ ctx, input }) =>
      listCostToServeCustomers(ctx.tx, {
        tenantId: ctx.tenant.id,
        runId: input.runId,
        segment: input.segment,
        sort: input.sort,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),

  customer: tenantProcedure("costToServe.read")
    .input(customerInput)
    .query(({ ctx, input }) =>
      getCustomerCostToServe(ctx.tx, { tenantId: ctx.tenant.id, customerId: input.customerId }),
    ),
});
