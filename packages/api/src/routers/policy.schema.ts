import { PRODUCT_CLASSES, policyScopeSchema } from "@strata/contract";
import { z } from "zod";

const id = (what: string) => z.uuid(`Not a ${what} id`);
const version = z.int("A version is a whole number").min(1).max(1_000_000);

// Terms are checked by the service with the contract's schema, so its message names the field.
const terms = z.record(z.string(), z.unknown());

export const createPolicyInput = z.object({
  name: z.string().trim().max(120).default(""),
  scope: policyScopeSchema,
  terms,
});
export const editPolicyInput = z.object({
  id: id("policy"),
  baseVersion: version,
  message: z.string().trim().max(500).default(""),
  name: z.string().trim().max(120).optional(),
  terms,
});
export const policyIdInput = z.object({ id: id("policy") });
export const reviewPolicyInput = z.object({ id: id("policy"), version });
export const sendBackPolicyInput = reviewPolicyInput.extend({
  reason: z.string().trim().min(1, "Say why the version goes back").max(2000),
});
export const explainPolicyInput = z.object({
  customerId: id("customer"),
  productClass: z.enum(PRODUCT_CLASSES).nullable().default(null),
  channel: z.string().trim().max(80).nullable().default(null),
});

const cut = z.tuple([z.number(), z.number()]);
export const productClassesInput = z.object({
  abcCutoffs: cut.optional(),
  xyzCutoffs: cut.optional(),
});
