import type { Role } from "@strata/auth";
import { can } from "../permissions.js";
import { checkFairness } from "../services/privacy/fairness-check.js";
import { canSeePersonal } from "../services/privacy/personal-columns.js";
import { assignByModel } from "../services/segment/assign-by-model.js";
import { compareRuns } from "../services/segment/compare-runs.js";
import { describeFeatures } from "../services/segment/describe-features.js";
import {
  exportSegmentMemberships,
  listSegmentCustomers,
} from "../services/segment/list-segment-customers.js";
import { getSegment, getSegmentSet, listSegmentSets } from "../services/segment/list-segment-sets.js";
import { publishSegmentSet } from "../services/segment/publish-segment-set.js";
import { republishSegmentSet, suggestRepublish } from "../services/segment/republish-segment-set.js";
import { createRuleSegment, editRuleSegment, ruleFromSurrogate } from "../services/segment/rule-segments.js";
import { getRunInsights } from "../services/segment/run-insights.js";
import {
  approveSegmentSet,
  sendBackSegmentSet,
  submitForReview,
} from "../services/segment/segment-review.js";
import {
  editSegmentSet,
  listSegmentSetVersions,
  restoreSegmentSetVersion,
} from "../services/segment/segment-versions.js";
import { buildFieldCatalogue } from "../services/segment-rules/build-field-catalogue.js";
import { cachedForLivePreview } from "../services/segment-rules/live-preview-cache.js";
import { previewRule } from "../services/segment-rules/preview-rule.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  assignByModelInput,
  compareRunsInput,
  createRuleSegmentInput,
  editRuleSegmentInput,
  editSegmentSetInput,
  exportSegmentInput,
  fairnessInput,
  getSegmentInput,
  getSegmentSetInput,
  listSegmentCustomersInput,
  previewRuleInput,
  publishSegmentSetInput,
  republishInput,
  republishPreviewInput,
  restoreSegmentSetInput,
  reviewSegmentSetInput,
  ruleFromSurrogateInput,
  runInsightsInput,
  segmentSetHistoryInput,
  sendBackSegmentSetInput,
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
        role: ctx.role,
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
        canSeePersonal: canSeePersonal(ctx.role),
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

  // Before a policy treats segments differently: how each splits by an attribute against everyone.
  fairness: tenantProcedure("segmentSet.read")
    .input(fairnessInput)
    .query(({ ctx, input }) =>
      checkFairness(ctx.tx, {
        tenantId: ctx.tenant.id,
        segmentSetId: input.segmentSetId,
        runId: input.runId,
        attribute: input.attribute,
        canSeePersonal: canSeePersonal(ctx.role),
      }),
    ),

  features: tenantProcedure("segmentSet.read").query(({ ctx }) =>
    describeFeatures(ctx.tx, { tenantId: ctx.tenant.id, canSeePersonal: canSeePersonal(ctx.role) }),
  ),

  // Segment definitions the team owns: draft versions, review, history and restore.
  edit: tenantProcedure("segmentSet.edit")
    .input(editSegmentSetInput)
    .mutation(({ ctx, input }) =>
      editSegmentSet(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        setId: input.id,
        baseVersion: input.baseVersion,
        message: input.message,
        name: input.name,
        description: input.description,
        segments: input.segments,
      }),
    ),

  history: tenantProcedure("segmentSet.read")
    .input(segmentSetHistoryInput)
    .query(({ ctx, input }) => listSegmentSetVersions(ctx.tx, { tenantId: ctx.tenant.id, setId: input.id })),

  restore: tenantProcedure("segmentSet.edit")
    .input(restoreSegmentSetInput)
    .mutation(({ ctx, input }) =>
      restoreSegmentSetVersion(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        setId: input.id,
        version: input.version,
        baseVersion: input.baseVersion,
      }),
    ),

  requestReview: tenantProcedure("segmentSet.review")
    .input(reviewSegmentSetInput)
    .mutation(({ ctx, input }) => submitForReview(ctx.tx, reviewParams(ctx, input))),

  approve: tenantProcedure("segmentSet.review")
    .input(reviewSegmentSetInput)
    .mutation(({ ctx, input }) => approveSegmentSet(ctx.tx, reviewParams(ctx, input))),

  sendBack: tenantProcedure("segmentSet.review")
    .input(sendBackSegmentSetInput)
    .mutation(({ ctx, input }) =>
      sendBackSegmentSet(ctx.tx, { ...reviewParams(ctx, input), reason: input.reason }),
    ),

  republishPreview: tenantProcedure("segmentSet.read")
    .input(republishPreviewInput)
    .query(({ ctx, input }) =>
      suggestRepublish(ctx.tx, { tenantId: ctx.tenant.id, setId: input.id, runId: input.runId }),
    ),

  republish: tenantProcedure("segmentSet.edit")
    .input(republishInput)
    .mutation(({ ctx, input }) =>
      republishSegmentSet(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        setId: input.id,
        runId: input.runId,
        baseVersion: input.baseVersion,
        message: input.message,
        mapping: input.mapping,
      }),
    ),

  assignByModel: tenantProcedure("segmentSet.edit")
    .input(assignByModelInput)
    .mutation(({ ctx, input }) => assignByModel(ctx.tx, { tenantId: ctx.tenant.id, setId: input.id })),

  ruleFields: tenantProcedure("segmentSet.read").query(({ ctx }) =>
    buildFieldCatalogue(ctx.tx, ctx.tenant.id, canSeePersonal(ctx.role)),
  ),

  previewRule: tenantProcedure("segmentSet.read")
    .input(previewRuleInput)
    .query(async ({ ctx, input }) => {
      // An id of another workspace is "not found" before the rule is read against this one's fields.
      if (input.segmentSetId)
        await getSegmentSet(ctx.tx, { tenantId: ctx.tenant.id, id: input.segmentSetId });
      if (input.baseSegmentId) await getSegment(ctx.tx, { tenantId: ctx.tenant.id, id: input.baseSegmentId });
      const canSeePersonal = can(ctx.role, "customer.readPersonal");
      return previewRule(ctx.tx, {
        tenantId: ctx.tenant.id,
        rule: input.rule,
        segmentSetId: input.segmentSetId,
        baseSegmentId: input.baseSegmentId,
        // While the user types: big workspaces are counted on a sample (saving counts exactly), and
        // the fields and the workspace size are those read up to a minute ago.
        mode: "auto",
        catalogue: await cachedForLivePreview(`catalogue:${ctx.tenant.id}:${canSeePersonal}`, () =>
          buildFieldCatalogue(ctx.tx, ctx.tenant.id, canSeePersonal),
        ),
      });
    }),

  createRuleSegment: tenantProcedure("segmentSet.edit")
    .input(createRuleSegmentInput)
    .mutation(({ ctx, input }) =>
      createRuleSegment(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        name: input.name,
        description: input.description,
        color: input.color,
        rule: input.rule,
        baseSegmentId: input.baseSegmentId,
      }),
    ),

  editRuleSegment: tenantProcedure("segmentSet.edit")
    .input(editRuleSegmentInput)
    .mutation(({ ctx, input }) =>
      editRuleSegment(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        setId: input.id,
        baseVersion: input.baseVersion,
        message: input.message,
        name: input.name,
        rule: input.rule,
        baseSegmentId: input.baseSegmentId,
      }),
    ),

  ruleFromSurrogate: tenantProcedure("segmentSet.read")
    .input(ruleFromSurrogateInput)
    .query(({ ctx, input }) =>
      ruleFromSurrogate(ctx.tx, { tenantId: ctx.tenant.id, segmentId: input.segmentId }),
    ),
});

function reviewParams(
  ctx: { tenant: { id: string }; user: { id: string }; role: Role },
  input: { id: string; version: number },
) {
  return {
    tenantId: ctx.tenant.id,
    userId: ctx.user.id,
    role: ctx.role,
    setId: input.id,
    version: input.version,
  };
}
