import { z } from "zod";
import { CUSTOMER_SORTS } from "../services/cost-to-serve/read-cost-to-serve.js";
import { workspaceInput } from "../trpc.js";

export type {
  CostModelActivityJson,
  CostModelJson,
  CostModelView,
} from "../services/cost-to-serve/cost-model.js";
export type {
  CostToServeCustomerItem,
  CostToServeResultView,
  CostToServeRunView,
  CustomerCostToServeView,
  Figures,
  LatestCostToServe,
} from "../services/cost-to-serve/read-cost-to-serve.js";

export const getModelInput = workspaceInput;

/** The model is checked by core's parseCostModel (errors name the field), not by zod. */
export const updateModelInput = workspaceInput.extend({ model: z.unknown() });

export const computeInput = workspaceInput.extend({
  segmentSetId: z.uuid().optional(),
  periodDays: z.int().min(1).max(3660).optional(),
});

export const latestInput = workspaceInput;

export const customersInput = workspaceInput.extend({
  runId: z.uuid(),
  segment: z.string().max(200).optional(),
  sort: z.enum(CUSTOMER_SORTS).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.int().min(1).max(100).default(50),
});

export const customerInput = workspaceInput.extend({ customerId: z.uuid() });
