import {
  approvePolicy,
  createPolicy,
  editPolicy,
  explainPolicyFor,
  listPolicies,
  policyHistory,
  requestPolicyReview,
  sendBackPolicy,
} from "../services/policy/policies.js";
import { workspaceProductClasses } from "../services/policy/product-classes.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  createPolicyInput,
  editPolicyInput,
  explainPolicyInput,
  policyIdInput,
  productClassesInput,
  reviewPolicyInput,
  sendBackPolicyInput,
} from "./policy.schema.js";

/**
 * Supply-chain policies per segment (and product class, channel): drafts, versions and review like
 * segment definitions; which policy applies to a customer and why.
 */
export const policyRouter = router({
  list: tenantProcedure("policy.read").query(({ ctx }) => listPolicies(ctx.tx, { tenantId: ctx.tenant.id })),

  create: tenantProcedure("policy.edit")
    .input(createPolicyInput)
    .mutation(({ ctx, input }) =>
      createPolicy(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        name: input.name,
        scope: input.scope,
        terms: input.terms,
      }),
    ),

  edit: tenantProcedure("policy.edit")
    .input(editPolicyInput)
    .mutation(({ ctx, input }) =>
      editPolicy(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        id: input.id,
        baseVersion: input.baseVersion,
        message: input.message,
        name: input.name,
        terms: input.terms,
      }),
    ),

  history: tenantProcedure("policy.read")
    .input(policyIdInput)
    .query(({ ctx, input }) => policyHistory(ctx.tx, { tenantId: ctx.tenant.id, id: input.id })),

  requestReview: tenantProcedure("policy.review")
    .input(reviewPolicyInput)
    .mutation(({ ctx, input }) => requestPolicyReview(ctx.tx, review(ctx, input))),

  approve: tenantProcedure("policy.review")
    .input(reviewPolicyInput)
    .mutation(({ ctx, input }) => approvePolicy(ctx.tx, review(ctx, input))),

  sendBack: tenantProcedure("policy.review")
    .input(sendBackPolicyInput)
    .mutation(({ ctx, input }) => sendBackPolicy(ctx.tx, { ...review(ctx, input), reason: input.reason })),

  productClasses: tenantProcedure("policy.read")
    .input(productClassesInput)
    .query(({ ctx, input }) =>
      workspaceProductClasses(ctx.tx, {
        tenantId: ctx.tenant.id,
        abcCutoffs: input.abcCutoffs,
        xyzCutoffs: input.xyzCutoffs,
      }),
    ),

  explain: tenantProcedure("policy.read")
    .input(explainPolicyInput)
    .query(({ ctx, input }) =>
      explainPolicyFor(ctx.tx, {
        tenantId: ctx.tenant.id,
        customerId: input.customerId,
        productClass: input.productClass,
        channel: input.channel,
      }),
    ),
});

function review(
  ctx: { tenant: { id: string }; user: { id: string }; role: "viewer" | "editor" | "admin" | "owner" },
  input: { id: string; version: number },
) {
  return {
    tenantId: ctx.tenant.id,
    userId: ctx.user.id,
    role: ctx.role,
    id: input.id,
    version: input.version,
  };
}
