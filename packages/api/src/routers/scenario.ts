import type { ScenarioChange } from "@strata/db";
import { warmScenarioBase } from "../services/policy/scenario-base.js";
import {
  applyScenario,
  createScenario,
  evaluateScenario,
  getScenarioView,
  listScenarios,
  updateScenario,
} from "../services/policy/scenarios.js";
import { router, tenantProcedure } from "../trpc.js";
import {
  createScenarioInput,
  evaluateScenarioInput,
  scenarioIdInput,
  updateScenarioInput,
} from "./scenario.schema.js";

/**
 * What-if scenarios: the live policies copied and changed, the period's order lines re-priced under
 * them, compared with what happened; applying one turns its changes into policy versions in review.
 */
export const scenarioRouter = router({
  list: tenantProcedure("scenario.read").query(({ ctx }) =>
    listScenarios(ctx.tx, { tenantId: ctx.tenant.id }),
  ),

  create: tenantProcedure("scenario.edit")
    .input(createScenarioInput)
    .mutation(({ ctx, input }) =>
      createScenario(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, name: input.name }),
    ),

  get: tenantProcedure("scenario.read")
    .input(scenarioIdInput)
    .query(async ({ ctx, input }) => {
      const view = await getScenarioView(ctx.tx, { tenantId: ctx.tenant.id, id: input.id });
      // The analyst is about to evaluate: read the lines now rather than when they click.
      if (!view.scenario.appliedAt) warmScenarioBase(ctx.database, ctx.tenant.id);
      return view;
    }),

  update: tenantProcedure("scenario.edit")
    .input(updateScenarioInput)
    .mutation(({ ctx, input }) =>
      updateScenario(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        id: input.id,
        name: input.name,
        changes: input.changes as unknown as ScenarioChange[],
      }),
    ),

  evaluate: tenantProcedure("scenario.edit")
    .input(evaluateScenarioInput)
    .mutation(({ ctx, input }) =>
      evaluateScenario(ctx.tx, {
        tenantId: ctx.tenant.id,
        userId: ctx.user.id,
        id: input.id,
        holdingRate: input.holdingRate,
      }),
    ),

  // ("apply" is a name tRPC reserves.)
  applyChanges: tenantProcedure("scenario.edit")
    .input(scenarioIdInput)
    .mutation(({ ctx, input }) =>
      applyScenario(ctx.tx, { tenantId: ctx.tenant.id, userId: ctx.user.id, id: input.id }),
    ),
});
