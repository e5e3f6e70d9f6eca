import { z } from "zod";

/**
 * A supply-chain policy: how a customer segment (optionally for one product class and channel) is
 * served. Every field is explained where the UI shows it (`POLICY_FIELD_HELP`). Shared by the api,
 * the web and the scenario engine.
 */

export const INVENTORY_STRATEGIES = ["make-to-stock", "make-to-order", "assemble-to-order"] as const;
export const SERVICE_LEVEL_KINDS = ["cycle", "fill_rate"] as const;
export const PRODUCT_CLASSES = ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"] as const;
export type ProductClass = (typeof PRODUCT_CLASSES)[number];

const share = (what: string) =>
  z
    .number(`${what} must be a number`)
    .gt(0, `${what} must be above 0 (a share, e.g. 0.95)`)
    .lt(1, `${what} must be below 1 (100% needs infinite stock)`);

export const policyTermsSchema = z.object({
  serviceLevelKind: z.enum(SERVICE_LEVEL_KINDS),
  serviceLevel: share("The service level"),
  deliveryChannel: z.string().trim().min(1, "Choose a delivery channel").max(80),
  dropsPerWeek: z.number().gt(0, "Drops per week must be above 0").max(50),
  leadTimeDays: z.number().min(0, "The lead-time promise cannot be negative").max(365),
  minOrderValue: z.number().min(0, "A minimum order value cannot be negative").max(1_000_000),
  minOrderQuantity: z.number().min(0, "A minimum order quantity cannot be negative").max(1_000_000),
  inventoryStrategy: z.enum(INVENTORY_STRATEGIES),
  paymentTermsDays: z.number().min(0, "Payment terms cannot be negative").max(365),
  allowancePct: z
    .number()
    .min(0, "An allowance cannot be negative")
    .max(50, "An allowance above 50% is not a price tier"),
});
export type PolicyTerms = z.infer<typeof policyTermsSchema>;

/** Who a policy is for: a segment (or everyone: the workspace default), a product class, a channel. */
export const policyScopeSchema = z.object({
  segmentId: z.uuid("Not a segment id").nullable(),
  productClass: z.enum(PRODUCT_CLASSES).nullable(),
  channel: z.string().trim().min(1).max(80).nullable(),
});
export type PolicyScope = z.infer<typeof policyScopeSchema>;

/** What each field means, in the words the policy form shows beside it. */
export const POLICY_FIELD_HELP: Record<keyof PolicyTerms, string> = {
  serviceLevelKind:
    "Cycle service level: the chance of no stock-out in a replenishment cycle. Fill rate: the share of demand served from stock. The same stock gives two different numbers, so say which one you promise.",
  serviceLevel: "The target, as a share between 0 and 1 (0.95 = 95%). Higher needs more safety stock.",
  deliveryChannel: "How orders reach the customer: direct-to-store, distribution centre, parcel or pickup.",
  dropsPerWeek:
    "Deliveries per week: fewer, larger drops cost less to deliver and hold more stock at the customer.",
  leadTimeDays: "Days promised from order to delivery; with its variability it sets the safety stock.",
  minOrderValue:
    "Orders below this value wait for the next one (merged), so small drops stop costing a full delivery.",
  minOrderQuantity: "The same, in units.",
  inventoryStrategy:
    "Make-to-stock holds finished goods (safety stock applies); make- or assemble-to-order builds after the order.",
  paymentTermsDays: "Days the customer takes to pay: financing costs the annual capital rate for these days.",
  allowancePct:
    "Price concession or allowance, % of net sales (e.g. 2% for accepting distribution-centre delivery).",
};

/** A workspace's policy before anyone set one: what the demo and a new workspace start from. */
export const DEFAULT_POLICY_TERMS: PolicyTerms = {
  serviceLevelKind: "cycle",
  serviceLevel: 0.95,
  deliveryChannel: "parcel",
  dropsPerWeek: 1,
  leadTimeDays: 2,
  minOrderValue: 0,
  minOrderQuantity: 0,
  inventoryStrategy: "make-to-stock",
  paymentTermsDays: 30,
  allowancePct: 0,
};
