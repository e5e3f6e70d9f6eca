import { PRODUCT_CLASSES } from "@strata/contract";
import { z } from "zod";

const id = (what: string) => z.uuid(`Not a ${what} id`);

export const scenarioIdInput = z.object({ id: id("scenario") });
export const createScenarioInput = z.object({
  name: z.string().trim().min(1, "Give the scenario a name").max(120),
});
export const updateScenarioInput = z.object({
  id: id("scenario"),
  name: z.string().trim().max(120).optional(),
  changes: z
    .array(
      z.object({
        policyId: id("policy").nullable(),
        name: z.string().trim().max(120).default(""),
        segmentId: id("segment").nullable(),
        productClass: z.enum(PRODUCT_CLASSES).nullable(),
        channel: z.string().trim().max(80).nullable(),
        // Checked by the service with the contract's schema, so the message names the field.
        terms: z.record(z.string(), z.unknown()),
        salesLostShare: z.number().default(0),
      }),
    )
    .max(200),
});
export const evaluateScenarioInput = z.object({
  id: id("scenario"),
  holdingRate: z.number().min(0).max(5).optional(),
});
