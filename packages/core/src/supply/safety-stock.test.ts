import { describe, expect, it } from "vitest";
import { CoreInputError } from "../errors.js";
import reference from "./fixtures/normal-reference.json" with { type: "json" };
import { erfc, normalCdf, normalLoss, normalQuantile } from "./normal.js";
import { type SafetyStockInput, safetyStock, stockForFillRate, zOf } from "./safety-stock.js";

// fixtures/normal-reference.json is written by fixtures/make-normal-reference.py (SciPy).
interface Case {
  demandMean: number;
  demandSd: number;
  leadTime: number;
  leadTimeSd: number;
  serviceLevel?: number;
  reorderPoint?: number;
  orderQuantity?: number;
  z: number;
  sigmaLeadTime: number;
  safetyStock: number;
  cycleServiceLevel?: number;
  fillRate?: number;
}
const ref = reference as unknown as {
  quantiles: [number, number][];
  cdf: [number, number][];
  loss: [number, number][];
  cases: Case[];
  fillRate: Array<Case & { fillRate: number }>;
};

const close = (actual: number, expected: number, tol: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));

describe("the standard normal distribution", () => {
  it("gives the textbook safety factors for 95, 97, 98 and 99% cycle service levels", () => {
    expect(zOf(0.95).toFixed(3)).toBe("1.645");
    expect(zOf(0.97).toFixed(3)).toBe("1.881");
    expect(zOf(0.98).toFixed(3)).toBe("2.054");
    expect(zOf(0.99).toFixed(3)).toBe("2.326");
    expect(zOf(0.5)).toBe(0);
  });

  it("inverts the normal CDF within 1e-12 of SciPy's norm.ppf, deep in both tails too", () => {
    for (const [p, z] of ref.quantiles) close(normalQuantile(p), z, 1e-12);
    for (const [p] of ref.quantiles) if (p > 0.01 && p < 0.99) close(normalCdf(normalQuantile(p)), p, 1e-15);
  });

  it("matches SciPy's norm.cdf and the loss function G(z) = φ(z) − z(1 − Φ(z))", () => {
    for (const [x, p] of ref.cdf)
      expect(Math.abs(normalCdf(x) - p)).toBeLessThanOrEqual(1e-15 * Math.max(p, 1e-300) + 1e-17);
    for (const [x, g] of ref.loss)
      expect(Math.abs(normalLoss(x) - g)).toBeLessThanOrEqual(1e-14 * Math.max(1, g));
    expect(erfc(0)).toBe(1);
    expect(erfc(-30)).toBe(2);
  });
});

describe("safetyStock", () => {
  it("combines demand and lead-time variability: Chopra & Meindl's Dell example", () => {
    // Chopra & Meindl, Supply Chain Management: Strategy, Planning, and Operation, 6th ed. (2016),
    // ch. 12, Example 12-6 "Impact of lead time uncertainty on safety inventory": daily demand
    // 2,500 (sd 500), lead time 7 days (sd 7 days), CSL 90%. The book: σ_L = 17,550 and
    // ss = NORMSINV(0.90) × 17,550 = 22,491 components; with the lead time's sd cut to 0,
    // σ_L = 1,323 and ss = 1,695.
    const r = safetyStock({ serviceLevel: 0.9, demandMean: 2500, demandSd: 500, leadTime: 7, leadTimeSd: 7 });
    expect(Math.round(r.sigmaLeadTime)).toBe(17_550);
    expect(Math.round(r.safetyStock)).toBe(22_491);
    expect(Math.round(r.reorderPoint)).toBe(17_500 + 22_491);
    expect(r.cycleServiceLevel).toBe(0.9);
    expect(r.fillRate).toBeNull();
    const steady = safetyStock({ serviceLevel: 0.9, demandMean: 2500, demandSd: 500, leadTime: 7 });
    expect(Math.round(steady.sigmaLeadTime)).toBe(1_323);
    expect(Math.round(steady.safetyStock)).toBe(1_695);
  });

  it("gives a different cycle service level and fill rate for one reorder point: Chopra & Meindl's Palms", () => {
    // Chopra & Meindl, 6th ed., ch. 12, Examples 12-2 "Evaluating cycle service level given a
    // replenishment policy" and 12-3 "Evaluating fill rate given a replenishment policy": weekly
    // demand 2,500 (sd 500), lead time 2 weeks, reorder point 6,000, lot size 10,000. The book:
    // ss = 1,000, σ_L = 707, CSL = NORMDIST(6,000, 5,000, 707, 1) = 0.92; ESC = 25.13 and
    // fill rate = 1 − 25.13 / 10,000 = 0.9975.
    const r = safetyStock({
      reorderPoint: 6000,
      demandMean: 2500,
      demandSd: 500,
      leadTime: 2,
      orderQuantity: 10_000,
    });
    expect(r.safetyStock).toBeCloseTo(1000, 9);
    expect(Math.round(r.sigmaLeadTime)).toBe(707);
    expect(r.cycleServiceLevel.toFixed(2)).toBe("0.92");
    expect(r.expectedShortage!.toFixed(2)).toBe("25.13");
    expect(r.fillRate!.toFixed(4)).toBe("0.9975");
    expect(r.fillRate! - r.cycleServiceLevel).toBeGreaterThan(0.07);
  });

  it("agrees with SciPy on every reference case", () => {
    for (const c of ref.cases) {
      const input: SafetyStockInput = {
        demandMean: c.demandMean,
        demandSd: c.demandSd,
        leadTime: c.leadTime,
        leadTimeSd: c.leadTimeSd,
        ...(c.serviceLevel !== undefined
          ? { serviceLevel: c.serviceLevel }
          : { reorderPoint: c.reorderPoint! }),
        ...(c.orderQuantity !== undefined ? { orderQuantity: c.orderQuantity } : {}),
      };
      const r = safetyStock(input);
      close(r.z, c.z, 1e-12);
      close(r.sigmaLeadTime, c.sigmaLeadTime, 1e-13);
      close(r.safetyStock, c.safetyStock, 1e-12);
      if (c.cycleServiceLevel !== undefined) close(r.cycleServiceLevel, c.cycleServiceLevel, 1e-14);
      if (c.fillRate !== undefined) close(r.fillRate!, c.fillRate, 1e-13);
    }
  });

  it("defaults to a lead time of one period with no lead-time variability", () => {
    const r = safetyStock({ serviceLevel: 0.95, demandSd: 10 });
    expect(r.sigmaLeadTime).toBe(10);
    expect(r.safetyStock).toBeCloseTo(16.448536269514722, 12);
    expect(r.reorderPoint).toBe(r.safetyStock);
  });

  it("holds no safety stock and shorts nothing when nothing varies", () => {
    const r = safetyStock({
      serviceLevel: 0.99,
      demandMean: 10,
      demandSd: 0,
      leadTime: 3,
      orderQuantity: 50,
    });
    expect(r).toMatchObject({ safetyStock: 0, reorderPoint: 30, expectedShortage: 0, fillRate: 1 });
  });
});

describe("stockForFillRate", () => {
  it("finds the safety stock for a 97.5% fill rate: Chopra & Meindl's Lego example", () => {
    // Chopra & Meindl, 6th ed., ch. 12, Example 12-5 "Evaluating safety inventory given a desired
    // fill rate": weekly demand 2,500 (sd 500), lead time 2 weeks, lot size 10,000, fill rate
    // 97.5%. The book: ESC = (1 − 0.975) × 10,000 = 250, and Goal Seek gives ss = 67.
    const r = stockForFillRate(0.975, {
      demandMean: 2500,
      demandSd: 500,
      leadTime: 2,
      orderQuantity: 10_000,
    });
    expect(Math.round(r.safetyStock)).toBe(67);
    expect(r.expectedShortage).toBeCloseTo(250, 9);
    expect(r.fillRate).toBeCloseTo(0.975, 12);
    // The same stock gives a cycle service level of only about 54%.
    expect(r.cycleServiceLevel).toBeGreaterThan(0.53);
    expect(r.cycleServiceLevel).toBeLessThan(0.54);
  });

  it("agrees with SciPy's root of σ_LT G(z) = (1 − target) Q, negative safety stock included", () => {
    for (const c of ref.fillRate) {
      const r = stockForFillRate(c.fillRate, {
        demandMean: c.demandMean,
        demandSd: c.demandSd,
        leadTime: c.leadTime,
        leadTimeSd: c.leadTimeSd,
        orderQuantity: c.orderQuantity!,
      });
      close(r.z, c.z, 1e-10);
      close(r.safetyStock, c.safetyStock, 1e-10);
      close(r.fillRate!, c.fillRate, 1e-12);
    }
    expect(ref.fillRate.some((c) => c.safetyStock < 0)).toBe(true);
  });
});

describe("bad input", () => {
  const base = { demandMean: 10, demandSd: 2, leadTime: 2 };
  const fieldOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CoreInputError);
      return (e as CoreInputError).field;
    }
    return undefined;
  };

  it("refuses a service level outside (0, 1), naming it", () => {
    for (const serviceLevel of [0, 1, -0.2, 1.5, Number.NaN])
      expect(fieldOf(() => safetyStock({ ...base, serviceLevel }))).toBe("serviceLevel");
    expect(fieldOf(() => zOf(1))).toBe("serviceLevel");
    expect(() => safetyStock({ ...base, serviceLevel: 1 })).toThrow(
      "serviceLevel: must be between 0 and 1 (exclusive), got 1",
    );
  });

  it("refuses negative lead times, deviations and quantities, naming the field", () => {
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, leadTime: -1 }))).toBe("leadTime");
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, leadTimeSd: -1 }))).toBe("leadTimeSd");
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, demandSd: -2 }))).toBe("demandSd");
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, demandMean: -10 }))).toBe("demandMean");
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, orderQuantity: -5 }))).toBe(
      "orderQuantity",
    );
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, orderQuantity: 0 }))).toBe(
      "orderQuantity",
    );
    expect(fieldOf(() => stockForFillRate(1, { ...base, orderQuantity: 5 }))).toBe("fillRate");
  });

  it("wants exactly one of a service level and a reorder point", () => {
    expect(fieldOf(() => safetyStock({ ...base }))).toBe("serviceLevel");
    expect(fieldOf(() => safetyStock({ ...base, serviceLevel: 0.9, reorderPoint: 30 }))).toBe("serviceLevel");
    expect(fieldOf(() => safetyStock({ ...base, demandSd: 0, reorderPoint: 30 }))).toBe("demandSd");
  });
});
