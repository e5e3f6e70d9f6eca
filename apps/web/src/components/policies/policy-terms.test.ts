import { DEFAULT_POLICY_TERMS } from "@strata/api/contract";
import { describe, expect, it } from "vitest";
import { formToTerms, termsFieldErrors, termsSummary, termsToForm } from "./policy-terms";

describe("policy terms form", () => {
  it("shows the service level as a percentage and reads it back as a share", () => {
    const form = termsToForm({ ...DEFAULT_POLICY_TERMS, serviceLevel: 0.975 });
    expect(form.serviceLevelPct).toBe("97.5");
    const read = formToTerms(form);
    expect(read.terms?.serviceLevel).toBeCloseTo(0.975, 12);
  });

  it("round-trips the default terms unchanged", () => {
    expect(formToTerms(termsToForm(DEFAULT_POLICY_TERMS)).terms).toEqual(DEFAULT_POLICY_TERMS);
  });

  it("refuses 100% and 0% service with a message in percent", () => {
    expect(formToTerms({ ...termsToForm(), serviceLevelPct: "100" }).errors?.serviceLevel).toMatch(/100%/);
    expect(formToTerms({ ...termsToForm(), serviceLevelPct: "0" }).errors?.serviceLevel).toMatch(/above 0%/);
  });

  it("names each field that is empty or out of range", () => {
    const read = formToTerms({
      ...termsToForm(),
      dropsPerWeek: "",
      leadTimeDays: "-1",
      deliveryChannel: " ",
    });
    expect(read.errors).toEqual({
      dropsPerWeek: "Enter a number",
      leadTimeDays: "The lead-time promise cannot be negative",
      deliveryChannel: "Choose a delivery channel",
    });
  });

  it("accepts a decimal comma", () => {
    expect(formToTerms({ ...termsToForm(), dropsPerWeek: "0,5" }).terms?.dropsPerWeek).toBe(0.5);
  });

  it("maps the api's terms.<field> errors onto the form's fields", () => {
    expect(termsFieldErrors({ "terms.dropsPerWeek": "too many", scope: "taken" })).toEqual({
      dropsPerWeek: "too many",
    });
  });

  it("summarises the key terms in a line", () => {
    expect(termsSummary({ ...DEFAULT_POLICY_TERMS, allowancePct: 2 })).toBe(
      "95% cycle service · parcel · 1 drop/week · 2 days lead time · 2% allowance",
    );
  });
});
