import { CoreInputError } from "../errors.js";
import { normalCdf, normalLoss, normalQuantile, normalTail } from "./normal.js";

/**
 * Demand per period and the replenishment lead time in periods, both normally distributed and
 * independent (a day, a week: any period, as long as demand and lead time use the same one).
 */
export interface LeadTimeDemand {
  /** Mean demand per period, d. Default 0 (then lead-time variability adds nothing). */
  readonly demandMean?: number;
  /** Standard deviation of demand per period, σd. */
  readonly demandSd: number;
  /** Mean lead time in periods, L. Default 1. */
  readonly leadTime?: number;
  /** Standard deviation of the lead time in periods, σL. Default 0. */
  readonly leadTimeSd?: number;
}

/** What stock to hold: give a target cycle service level, or the reorder point in use. */
export interface SafetyStockInput extends LeadTimeDemand {
  /** Target cycle service level: the probability of no stockout in a replenishment cycle, in (0, 1). */
  readonly serviceLevel?: number;
  /** The reorder point in use, instead of a service level: the cycle service level it gives is returned. */
  readonly reorderPoint?: number;
  /** Order (lot) quantity Q; with it the fill rate is returned too. */
  readonly orderQuantity?: number;
}

export interface SafetyStockResult {
  /** Safety factor: safety stock in standard deviations of lead-time demand. */
  z: number;
  /** Mean demand over the lead time, d × L. */
  demandLeadTime: number;
  /** σ_LT = sqrt(L σd² + d² σL²), the standard deviation of demand over the lead time. */
  sigmaLeadTime: number;
  /** z × σ_LT (negative when a reorder point below mean lead-time demand was given). */
  safetyStock: number;
  /** d × L + safety stock. */
  reorderPoint: number;
  /** Φ(z): the probability that a replenishment cycle has no stockout. */
  cycleServiceLevel: number;
  /** Expected units short per cycle, σ_LT × G(z); null without an order quantity. */
  expectedShortage: number | null;
  /** Share of demand met from stock, 1 − σ_LT × G(z) / Q; null without an order quantity. */
  fillRate: number | null;
}

function fail(field: string, message: string): never {
  throw new CoreInputError(`${field}: ${message}`, { field });
}

function nonNegative(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(field, `must be a number, got ${value}`);
  if (value < 0) fail(field, `must not be negative, got ${value}`);
  return value;
}

function probability(field: string, value: number): number {
  if (typeof value !== "number" || !(value > 0 && value < 1))
    fail(field, `must be between 0 and 1 (exclusive), got ${value}`);
  return value;
}

/**
 * The safety factor z for a cycle service level: the standard normal quantile Φ⁻¹(serviceLevel)
 * (Wichura's AS 241, good to ~1e-16). 95% → 1.645, 97% → 1.881, 98% → 2.054, 99% → 2.326.
 */
export function zOf(serviceLevel: number): number {
  return normalQuantile(probability("serviceLevel", serviceLevel));
}

interface LeadTime {
  d: number;
  dL: number;
  sigma: number;
}

function leadTimeOf(input: LeadTimeDemand): LeadTime {
  const d = nonNegative("demandMean", input.demandMean, 0);
  const sd = nonNegative("demandSd", input.demandSd, Number.NaN);
  if (Number.isNaN(sd)) fail("demandSd", "is required");
  const L = nonNegative("leadTime", input.leadTime, 1);
  const sL = nonNegative("leadTimeSd", input.leadTimeSd, 0);
  // Demand summed over a random number of periods: Var = E[L] Var(d) + E[d]² Var(L), with
  // demand and lead time independent.
  return { d, dL: d * L, sigma: Math.sqrt(L * sd * sd + d * d * sL * sL) };
}

function orderQuantityOf(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    fail("orderQuantity", `must be a number, got ${value}`);
  if (value <= 0) fail("orderQuantity", `must be greater than 0, got ${value}`);
  return value;
}

function result(lt: LeadTime, z: number, q: number | undefined, csl: number): SafetyStockResult {
  // With no variability at all the stock is exact: no safety stock, nothing short.
  const safetyStock = lt.sigma === 0 ? 0 : z * lt.sigma;
  const expectedShortage = q === undefined ? null : lt.sigma === 0 ? 0 : lt.sigma * normalLoss(z);
  return {
    z,
    demandLeadTime: lt.dL,
    sigmaLeadTime: lt.sigma,
    safetyStock,
    reorderPoint: lt.dL + safetyStock,
    cycleServiceLevel: csl,
    expectedShortage,
    fillRate: q === undefined || expectedShortage === null ? null : 1 - expectedShortage / q,
  };
}

/**
 * Safety stock and reorder point of a continuous-review (s, Q) policy under normal demand and
 * lead time (Chopra & Meindl, Supply Chain Management, ch. "Managing uncertainty in a supply
 * chain: safety inventory"; Silver, Pyke & Peterson, Inventory Management and Production
 * Planning and Scheduling, 3rd ed., ch. 7):
 *
 *   σ_LT = sqrt(L σd² + d² σL²),  SS = z σ_LT,  ROP = d L + SS.
 *
 * Given `serviceLevel` (cycle service level) z = Φ⁻¹(serviceLevel); given `reorderPoint` instead
 * z = (ROP − d L) / σ_LT and the cycle service level is Φ(z). With `orderQuantity` the fill rate is
 * 1 − σ_LT G(z) / Q, G the standard normal loss function: the fill rate and the cycle service
 * level are different numbers for the same stock (the fill rate is usually much higher).
 * Bad input throws a CoreInputError naming the field.
 */
export function safetyStock(input: SafetyStockInput): SafetyStockResult {
  const hasLevel = input.serviceLevel !== undefined;
  const hasPoint = input.reorderPoint !== undefined;
  if (hasLevel === hasPoint)
    fail("serviceLevel", "give either a service level or a reorder point (exactly one of them)");
  const lt = leadTimeOf(input);
  const q = orderQuantityOf(input.orderQuantity);
  if (hasLevel) {
    const level = probability("serviceLevel", input.serviceLevel!);
    return result(lt, normalQuantile(level), q, level);
  }
  const rop = input.reorderPoint!;
  if (typeof rop !== "number" || !Number.isFinite(rop)) fail("reorderPoint", `must be a number, got ${rop}`);
  if (lt.sigma === 0)
    fail(
      "demandSd",
      "with no demand or lead-time variability a reorder point implies no service level (give a demand sd)",
    );
  const z = (rop - lt.dL) / lt.sigma;
  return result(lt, z, q, normalCdf(z));
}

/**
 * The safety stock that meets a target fill rate with order quantity Q: the z whose expected
 * shortage per cycle σ_LT G(z) equals (1 − target) Q (Chopra & Meindl's "safety inventory given a
 * desired fill rate"; Silver, Pyke & Peterson's P2 service, G(k) = Q(1 − P2)/σ). G is decreasing
 * and convex, so Newton's method, kept inside a bracket by bisection, converges from any start.
 * The safety stock is negative when the order quantity alone already gives the target.
 */
export function stockForFillRate(
  target: number,
  input: LeadTimeDemand & { readonly orderQuantity: number },
): SafetyStockResult {
  probability("fillRate", target);
  const lt = leadTimeOf(input);
  const q = orderQuantityOf(input.orderQuantity);
  if (q === undefined) fail("orderQuantity", "is required for a fill rate");
  if (lt.sigma === 0)
    fail("demandSd", "with no demand or lead-time variability every stock level gives a fill rate of 1");
  const g = ((1 - target) * q) / lt.sigma;
  // G(z) ≥ −z, so G(−g − 1) > g; G(40) is 0 in double precision, below any g > 0.
  let lo = -g - 1;
  let hi = 40;
  let z = Math.min(Math.max(0, lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = normalLoss(z) - g;
    if (f > 0) lo = z;
    else hi = z;
    const slope = -normalTail(z);
    let next = slope < 0 ? z - f / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - z) <= 1e-15 * Math.max(1, Math.abs(z))) {
      z = next;
      break;
    }
    z = next;
  }
  return result(lt, z, q, normalCdf(z));
}
