import { CoreInputError, type CostModel, type CostModelJson, parseCostModel } from "@strata/core";
import { costModels, type Tx } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

export type { CostModelActivityJson, CostModelJson } from "@strata/core";

export interface CostModelView {
  model: CostModelJson;
  updatedAt: Date | null;
  /** True when the workspace has not saved a model yet and sees the default. */
  isDefault: boolean;
}

/** What a workspace without a saved model sees: nothing is charged until someone writes the model. */
export function emptyCostModel(): CostModelJson {
  return { currency: "EUR", activities: [] };
}

/**
 * A realistic model for the demo retailer (its channels and events, core's demo/): what a
 * distributor of its size might pay per order, pick, drop and km, per returned line, per account
 * manager year, per visit, statement and expedite, and for the capital its payment terms tie up.
 */
export function demoCostModel(): CostModelJson {
  return {
    currency: "EUR",
    activities: [
      {
        name: "order handling",
        driver: "order",
        rate: 2.5,
        note: "Entering, checking and invoicing an order",
      },
      { name: "picking", driver: "order_line", rate: 0.85, note: "One pick per order line" },
      {
        name: "delivery",
        driver: "delivery",
        rate: 8,
        // A drop at a chain's distribution centre is one dock and one unload for many stores' goods:
        // cheaper than a store run (the policies' example move to DC delivery relies on it).
        note: "A drop, by channel: a store run costs more than a drop at the customer's distribution centre or a parcel, a pickup nothing",
        by: { channel: { "direct-to-store": 12, "distribution centre": 8, parcel: 4.5, pickup: 0 } },
      },
      {
        name: "transport distance",
        driver: "distance",
        rate: 0.07,
        note: "Road km of each drop, a drop's share of a shared route; a parcel carrier charges by zone (a little per km), a pickup travels nowhere",
        by: { channel: { parcel: 0.005, pickup: 0 } },
      },
      {
        name: "returns handling",
        driver: "returned_line",
        rate: 9,
        note: "Receiving, checking and restocking a returned line",
      },
      {
        name: "account management",
        driver: "customer_year",
        rate: 30,
        note: "Keeping an account per customer and year: master data, credit checks, service calls",
      },
      { name: "sales visits", driver: "event:sales_visit", rate: 85, note: "A field sales visit" },
      {
        name: "statements",
        driver: "event:statement",
        rate: 2.5,
        note: "A monthly statement for an account customer",
      },
      {
        name: "expedites",
        driver: "event:expedite",
        rate: 35,
        note: "Re-planning and rushing an expedited order",
      },
    ],
    financing: { annual_rate: 0.08, default_days: 0, name: "financing of payment terms" },
  };
}

/** Validates model.json with core's parser; a bad one is BAD_REQUEST naming the field. */
export function validateCostModel(json: unknown): CostModel {
  try {
    return parseCostModel(json);
  } catch (error) {
    if (error instanceof CoreInputError)
      throw new AppError("BAD_REQUEST", error.message, error.field ?? "model");
    throw error;
  }
}

export async function getCostModel(tx: Tx, params: { tenantId: string }): Promise<CostModelView> {
  const [row] = await tx
    .select({ model: costModels.model, updatedAt: costModels.updatedAt })
    .from(costModels)
    .where(eq(costModels.tenantId, params.tenantId))
    .limit(1);
  if (!row) return { model: emptyCostModel(), updatedAt: null, isDefault: true };
  return { model: row.model as unknown as CostModelJson, updatedAt: row.updatedAt, isDefault: false };
}

/** Validates and stores a workspace's model (as given); nothing is stored when it is not valid. */
export async function updateCostModel(
  tx: Tx,
  params: { tenantId: string; userId: string | null; model: unknown },
): Promise<CostModelView> {
  validateCostModel(params.model);
  const model = params.model as Record<string, unknown>;
  const now = new Date();
  const [row] = await tx
    .insert(costModels)
    .values({ tenantId: params.tenantId, model, updatedAt: now, updatedBy: params.userId })
    .onConflictDoUpdate({
      target: costModels.tenantId,
      set: { model, updatedAt: now, updatedBy: params.userId },
    })
    .returning({ model: costModels.model, updatedAt: costModels.updatedAt });
  return { model: row!.model as unknown as CostModelJson, updatedAt: row!.updatedAt, isDefault: false };
}

/** Gives the demo workspace its model, unless one was saved already. */
export async function seedDemoCostModel(tx: Tx, params: { tenantId: string }): Promise<void> {
  const model = demoCostModel();
  validateCostModel(model);
  await tx
    .insert(costModels)
    .values({ tenantId: params.tenantId, model: model as unknown as Record<string, unknown> })
    .onConflictDoNothing();
}
