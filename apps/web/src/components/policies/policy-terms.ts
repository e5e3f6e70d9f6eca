import {
  DEFAULT_POLICY_TERMS,
  type INVENTORY_STRATEGIES,
  POLICY_FIELD_HELP,
  type PolicyTerms,
  policyTermsSchema,
} from "@strata/api/contract";

/**
 * The policy form's values, as typed: numbers stay strings until submit (so "0." can be typed) and
 * the service level is a percentage (95), while the terms store a share (0.95).
 */
export interface PolicyTermsForm {
  serviceLevelKind: PolicyTerms["serviceLevelKind"];
  serviceLevelPct: string;
  deliveryChannel: string;
  dropsPerWeek: string;
  leadTimeDays: string;
  minOrderValue: string;
  minOrderQuantity: string;
  inventoryStrategy: PolicyTerms["inventoryStrategy"];
  paymentTermsDays: string;
  allowancePct: string;
}

/** The channels a policy can name before the cost model says otherwise (the demo retailer's). */
export const BASE_CHANNELS = ["direct-to-store", "distribution centre", "parcel", "pickup"] as const;

export const INVENTORY_STRATEGY_LABELS: Record<(typeof INVENTORY_STRATEGIES)[number], string> = {
  "make-to-stock": "Make-to-stock",
  "make-to-order": "Make-to-order",
  "assemble-to-order": "Assemble-to-order",
};

/** A share as a percentage without float noise: 0.95 -> "95", 0.975 -> "97.5". */
function pct(share: number): string {
  return String(Number((share * 100).toPrecision(10)));
}

export function termsToForm(terms: PolicyTerms = DEFAULT_POLICY_TERMS): PolicyTermsForm {
  return {
    serviceLevelKind: terms.serviceLevelKind,
    serviceLevelPct: pct(terms.serviceLevel),
    deliveryChannel: terms.deliveryChannel,
    dropsPerWeek: String(terms.dropsPerWeek),
    leadTimeDays: String(terms.leadTimeDays),
    minOrderValue: String(terms.minOrderValue),
    minOrderQuantity: String(terms.minOrderQuantity),
    inventoryStrategy: terms.inventoryStrategy,
    paymentTermsDays: String(terms.paymentTermsDays),
    allowancePct: String(terms.allowancePct),
  };
}

/** A typed number, or NaN for empty or non-numeric text (so the schema names the field). */
function num(text: string): number {
  const t = text.trim().replace(",", ".");
  return t === "" ? Number.NaN : Number(t);
}

export type TermsFieldErrors = Partial<Record<keyof PolicyTerms, string>>;

/**
 * The form read back into terms, checked with the contract's schema (the api checks again); the
 * service level's messages speak in percent because that is what the field shows.
 */
export function formToTerms(
  form: PolicyTermsForm,
): { terms: PolicyTerms; errors: null } | { terms: null; errors: TermsFieldErrors } {
  const serviceLevelPct = num(form.serviceLevelPct);
  const errors: TermsFieldErrors = {};
  if (!Number.isFinite(serviceLevelPct)) errors.serviceLevel = "Enter the service level in percent, e.g. 95";
  else if (serviceLevelPct <= 0 || serviceLevelPct >= 100)
    errors.serviceLevel = "The service level must be above 0% and below 100% (100% needs infinite stock)";
  const candidate = {
    serviceLevelKind: form.serviceLevelKind,
    serviceLevel: serviceLevelPct / 100,
    deliveryChannel: form.deliveryChannel,
    dropsPerWeek: num(form.dropsPerWeek),
    leadTimeDays: num(form.leadTimeDays),
    minOrderValue: num(form.minOrderValue),
    minOrderQuantity: num(form.minOrderQuantity),
    inventoryStrategy: form.inventoryStrategy,
    paymentTermsDays: num(form.paymentTermsDays),
    allowancePct: num(form.allowancePct),
  };
  const parsed = policyTermsSchema.safeParse(candidate);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof PolicyTerms | undefined;
      if (!field || errors[field]) continue;
      errors[field] =
        issue.code === "invalid_type" && issue.expected === "number" ? "Enter a number" : issue.message;
    }
  if (Object.keys(errors).length > 0 || !parsed.success) return { terms: null, errors };
  return { terms: parsed.data, errors: null };
}

/** Server field errors (`terms.dropsPerWeek`) as the form's (`dropsPerWeek`). */
export function termsFieldErrors(fieldErrors: Record<string, string>): TermsFieldErrors {
  const out: TermsFieldErrors = {};
  for (const [key, message] of Object.entries(fieldErrors)) {
    const m = /^terms\.(\w+)/.exec(key);
    if (m) out[m[1] as keyof PolicyTerms] = message;
  }
  return out;
}

/** The few terms a list shows: "95% cycle · parcel · 1 drop/week · 2 days". */
export function termsSummary(terms: PolicyTerms): string {
  const parts = [
    `${pct(terms.serviceLevel)}% ${terms.serviceLevelKind === "cycle" ? "cycle service" : "fill rate"}`,
    terms.deliveryChannel,
    `${terms.dropsPerWeek} drop${terms.dropsPerWeek === 1 ? "" : "s"}/week`,
    `${terms.leadTimeDays} day${terms.leadTimeDays === 1 ? "" : "s"} lead time`,
  ];
  if (terms.minOrderValue > 0) parts.push(`min order ${terms.minOrderValue.toLocaleString("en-GB")}`);
  if (terms.allowancePct > 0) parts.push(`${terms.allowancePct}% allowance`);
  return parts.join(" · ");
}

/** Field labels, in the order the form shows them. */
export const TERM_LABELS: Record<keyof PolicyTerms, string> = {
  serviceLevelKind: "Service level stated as",
  serviceLevel: "Target service level (%)",
  deliveryChannel: "Delivery channel",
  dropsPerWeek: "Delivery frequency (drops per week)",
  leadTimeDays: "Lead-time promise (days)",
  minOrderValue: "Minimum order value",
  minOrderQuantity: "Minimum order quantity (units)",
  inventoryStrategy: "Inventory strategy",
  paymentTermsDays: "Payment terms (days)",
  allowancePct: "Price allowance (% of net sales)",
};

/** A term's value as the detail page shows it. */
export function formatTerm(key: keyof PolicyTerms, terms: PolicyTerms): string {
  switch (key) {
    case "serviceLevelKind":
      return terms.serviceLevelKind === "cycle" ? "Cycle service level" : "Fill rate";
    case "serviceLevel":
      return `${pct(terms.serviceLevel)}%`;
    case "inventoryStrategy":
      return INVENTORY_STRATEGY_LABELS[terms.inventoryStrategy];
    case "allowancePct":
      return `${terms.allowancePct}%`;
    default:
      return typeof terms[key] === "number" ? terms[key].toLocaleString("en-GB") : String(terms[key]);
  }
}

/**
 * A field's explanation as the form and the detail show it: the contract's text, with the service
 * level spoken of in percent, because that is how the page shows it.
 */
export function fieldHelp(key: keyof PolicyTerms): string {
  if (key === "serviceLevel")
    return POLICY_FIELD_HELP.serviceLevel.replace(
      "as a share between 0 and 1 (0.95 = 95%)",
      "in percent (e.g. 95)",
    );
  return POLICY_FIELD_HELP[key];
}
