import { compareRuns } from "../services/segment/compare-runs.js";
import { describeFeatures } from "../services/segment/describe-features.js";
import {
  exportSegmentMemberships,
  listSegmentCustomers,
} from "../services/segment/list-segment-customers.js";
import { getSegment, getSegmentSet, listSegmentSets } from "../services/segment/list-segment-sets.js";
import { publishSegmentSet } from "../services/segment/publish-segment-set.js";
import { getRunInsights } from "../services/segment/run-insights.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  compareRunsInput,
  exportSegmentInput,
  getSegmentInput,
  getSegmentSetInput,
  listSegmentCustomersInput,
  publishSegmentSetInput,
  runInsightsInput,
} from "./segment.schema.js";

/**
 * Segments: what the analyst does with a finished run. Publishing turns it into a named segment set
 * with a membership for every customer; the rest reads sets, segments and their customers, and the
 * numbers the result and new-run pages show beside a run (feature statistics, revenue share, run
 * comparison).
 */
export const segmentRouter = router({
  publish: tenantProcedure("segmentSet.publish")
    .input(publishSegmentSetInput)
    .mutation(({ ctx, input }) =>
      publishSegmentSet(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        runId: input.runId,
        name: input.name,
        description: input.description,
        segments: input.segments,
      }),
    ),

  listSets: tenantProcedure("segmentSet.read").query(({ ctx }) =>
    listSegmentSets(ctx.tx, { tenantId: ctx.tenant.id }),
  ),

  getSet: tenantProcedure("segmentSet.read")
    .input(getSegmentSetInput)
    .query(({ ctx, input }) => getSegmentSet(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),

  get: tenantProcedure("segmentSet.read")
    .input(getSegmentInput)
    .query(({ ctx, input }) => getSegment(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),

  customers: tenantProcedure("segmentSet.read")
    .input(listSegmentCustomersInput)
    .query(({ ctx, input }) =>
      listSegmentCustomers(ctx.tx, {
        tenantId: ctx.tenant.id,
        segmentId: input.segmentId,
        search: input.search,
        sort: input.sort,
        direction: input.direction,
        page: input.page,
        pageSize: input.pageSize,
      }),
    ),

  exportPage: tenantProcedure("segmentSet.export")
    .input(exportSegmentInput)
    .query(({ ctx, input }) =>
      exportSegmentMemberships(ctx.tx, {
        tenantId: ctx.tenant.id,
        segmentId: input.segmentId,
        after: input.after,
        limit: input.limit,
      }),
    ),

  compareRuns: tenantProcedure("run.read")
    .input(compareRunsInput)
    .query(({ ctx, input }) =>
      compareRuns(ctx.tx, { tenantId: ctx.tenant.id, runA: input.runA, runB: input.runB }),
    ),

  runInsights: tenantProcedure("run.read")
    .input(runInsightsInput)
    .query(({ ctx, input }) => getRunInsights(ctx.tx, { tenantId: ctx.tenant.id, runId: input.runId })),

  features: tenantProcedure("segmentSet.read").query(({ ctx }) =>
    describeFeatures(ctx.tx, { tenantId: ctx.tenant.id }),
  ),
});
