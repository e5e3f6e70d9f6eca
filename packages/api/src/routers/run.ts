import { cancelRunJob, dispatchRunJob } from "../jobs/dispatch.js";
import { cancelRun } from "../services/run/cancel-run.js";
import { createRun } from "../services/run/create-run.js";
import { getRunRow } from "../services/run/get-run.js";
import { listRuns } from "../services/run/list-runs.js";
import { retryRun } from "../services/run/retry-run.js";
import { getRunMap } from "../services/run/run-map.js";
import { toRunView } from "../services/run/run-view.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  cancelRunInput,
  createRunInput,
  getRunInput,
  getRunOutput,
  listRunsInput,
  listRunsOutput,
  retryRunInput,
  runMapInput,
  runMapOutput,
} from "./run.schema.js";

/**
 * Segmentation runs. The work happens in a worker (apps/worker, or the web process in embedded mode);
 * these procedures only record, read and steer runs.
 *
 * Progress reaches the browser by polling `run.get` about once a second while a run is active,
 * rather than a subscription: the worker writes progress to the run row anyway (so it survives
 * restarts and is shared by every process), a poll works through any proxy and in both deployment
 * modes (embedded or separate worker processes) without sticky sessions or long-lived connections,
 * and a second's delay is invisible next to runs that take seconds to minutes.
 */
export const runRouter = router({
  create: tenantProcedure("run.create")
    .input(createRunInput)
    .output(getRunOutput)
    .mutation(async ({ ctx, input }) => {
      const run = await createRun(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        name: input.name,
        config: input.config,
      });
      // Sent once this request's transaction has committed (see dispatchRunJob).
      dispatchRunJob(ctx.database, run);
      return toRunView(run);
    }),

  list: tenantProcedure("run.read")
    .input(listRunsInput)
    .output(listRunsOutput)
    .query(({ ctx, input }) =>
      listRuns(ctx.tx, { tenantId: ctx.tenant.id, limit: input.limit, cursor: input.cursor }),
    ),

  get: tenantProcedure("run.read")
    .input(getRunInput)
    .output(getRunOutput)
    .query(async ({ ctx, input }) =>
      toRunView(await getRunRow(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),
    ),

  /** One map of the run's sample of customers (PCA or t-SNE), which `get` leaves out. */
  map: tenantProcedure("run.read")
    .input(runMapInput)
    .output(runMapOutput)
    .query(({ ctx, input }) =>
      getRunMap(ctx.tx, { tenantId: ctx.tenant.id, id: input.id, method: input.method }),
    ),

  cancel: tenantProcedure("run.cancel")
    .input(cancelRunInput)
    .output(getRunOutput)
    .mutation(async ({ ctx, input }) => {
      const run = await cancelRun(ctx.tx, { tenantId: ctx.tenant.id, id: input.id, userId: ctx.user.id });
      cancelRunJob(ctx.database, run.jobId);
      return toRunView(run);
    }),

  retry: tenantProcedure("run.retry")
    .input(retryRunInput)
    .output(getRunOutput)
    .mutation(async ({ ctx, input }) => {
      const run = await retryRun(ctx.tx, { tenantId: ctx.tenant.id, id: input.id, userId: ctx.user.id });
      dispatchRunJob(ctx.database, run);
      return toRunView(run);
    }),
});
