import { zodResolver } from "@hookform/resolvers/zod";
import { RUN_CONFIG_DEFAULTS, RUN_FORM_DEFAULTS, runConfigSchema, runFormSchema } from "@strata/api/contract";
import { describe, expect, it } from "vitest";

// The run form (new-run-form.tsx) validates through this resolver; these check it without a browser.
const resolve = (values: unknown) =>
  zodResolver(runFormSchema)(values as never, undefined, { fields: {}, shouldUseNativeValidation: false });

describe("the run form's schema", () => {
  it("starts from the defaults the api applies to an empty config", () => {
    expect(RUN_FORM_DEFAULTS.config).toEqual(runConfigSchema.parse({}));
    expect(RUN_FORM_DEFAULTS.config).toEqual(RUN_CONFIG_DEFAULTS);
  });

  it("accepts the defaults as they are, so one click starts a run", async () => {
    const result = await resolve(RUN_FORM_DEFAULTS);
    expect(result.errors).toEqual({});
    expect(result.values).toMatchObject({ config: { algorithm: "kmeans", k: "auto", kMin: 3, kMax: 8 } });
  });

  it("puts each error on the field that caused it, in the form's own words", async () => {
    const result = await resolve({
      name: "",
      config: { ...RUN_CONFIG_DEFAULTS, kMin: 9, kMax: 4, minSegmentShare: 0.4, seed: Number.NaN },
    });
    const config = (result.errors as { config?: Record<string, { message?: string }> }).config;
    expect(config?.minSegmentShare?.message).toBe("The smallest segment can be at most 25%");
    expect(config?.seed?.message).toBe("Enter a whole number");
    expect(result.values).toEqual({});
  });

  it("explains a fixed k out of range rather than the union it belongs to", async () => {
    const result = await resolve({ name: "", config: { ...RUN_CONFIG_DEFAULTS, k: 1 } });
    const config = (result.errors as { config?: Record<string, { message?: string }> }).config;
    expect(config?.k?.message).toBe("At least 2 segments");
  });

  it("names From k when the range is upside down", async () => {
    const result = await resolve({ name: "", config: { ...RUN_CONFIG_DEFAULTS, kMin: 9, kMax: 4 } });
    const config = (result.errors as { config?: Record<string, { message?: string }> }).config;
    expect(config?.kMin?.message).toBe("From k must not exceed To k");
  });
});
