import { describe, expect, it } from "vitest";
import { type CostLineFields, costLinesFromRecords } from "../cost-to-serve/drivers.js";
import { CoreInputError } from "../errors.js";
import { productClasses } from "./product-classes.js";
import { isoWeekday, isoWeekIndex } from "./weeks.js";

const day = (iso: string) => Date.parse(`${iso}T10:00:00Z`);
// Four ISO weeks of 2024: W1 = Mon 1 Jan .. Sun 7 Jan, W2 = 8..14, W3 = 15..21, W4 = 22..28.
const W = ["2024-01-01", "2024-01-10", "2024-01-17", "2024-01-28"];

let order = 0;
const sale = (
  product: string,
  week: number,
  quantity: number,
  unitPrice: number,
  discount = 0,
): CostLineFields => ({
  customerId: "C1",
  orderId: `O${order++}`,
  product,
  quantity,
  unitPrice,
  discount,
  time: day(W[week]!),
});

// Worked by hand. Units per week (W1..W4), price, net sales:
//   P1  10 10 10 10 (W1 on two lines, 6 + 4)  x 15.00          = 600   mean 10, sd 0                 cv 0
//   P2  15  5 15  5                           x  5.00          = 200   mean 10, sd sqrt(4·25/3)=5.774 cv 0.577
//   P3   0  0  0 20                           x  5.00          = 100   mean 5,  sd sqrt(300/3)=10     cv 2
//   P4   8  8  8  8                           x  2.50 = 80, a 10.00 discount, a return of 4 x 2.50:
//                                                               80 - 10 - 10 = 60   mean 8, sd 0    cv 0
//   P5   4  0  4  0                           x  5.00          = 40    mean 2,  sd sqrt(16/3)=2.309  cv 1.155
// Total 1,000. Shares 60, 20, 10, 6, 4; cumulative before each: 0, 60, 80, 90, 96.
// ABC at 80/95: P1 A (0 < 80), P2 A (60 < 80), P3 B (80 is not below 80), P4 B (90 < 95), P5 C (96).
// XYZ at 0.5/1.0: P1 X, P2 Y, P3 Z, P4 X (the return is not demand), P5 Z.
const LINES: CostLineFields[] = [
  sale("P1", 0, 6, 15),
  sale("P1", 0, 4, 15),
  sale("P1", 1, 10, 15),
  sale("P1", 2, 10, 15),
  sale("P1", 3, 10, 15),
  sale("P2", 0, 15, 5),
  sale("P2", 1, 5, 5),
  sale("P2", 2, 15, 5),
  sale("P2", 3, 5, 5),
  sale("P3", 3, 20, 5),
  sale("P4", 0, 8, 2.5, 10),
  sale("P4", 1, 8, 2.5),
  sale("P4", 2, 8, 2.5),
  sale("P4", 3, 8, 2.5),
  sale("P4", 3, -4, 2.5),
  sale("P5", 0, 4, 5),
  sale("P5", 2, 4, 5),
  { customerId: "C1", orderId: "O-x", quantity: 3, unitPrice: 100, time: day("2024-01-05") },
];

describe("productClasses", () => {
  const result = productClasses(costLinesFromRecords(LINES));

  it("ranks products by net sales and classes them ABC by the cumulative share before each", () => {
    expect(result.weeks).toBe(4);
    expect(result.totalNetSales).toBe(1000);
    expect(result.linesWithoutProduct).toBe(1);
    expect(result.products.map((p) => [p.product, p.netSales, p.sharePct, p.cumulativePct, p.abc])).toEqual([
      ["P1", 600, 60, 60, "A"],
      ["P2", 200, 20, 80, "A"],
      ["P3", 100, 10, 90, "B"],
      ["P4", 60, 6, 96, "B"],
      ["P5", 40, 4, 100, "C"],
    ]);
  });

  it("classes XYZ by the weekly demand's coefficient of variation, weeks without sales as 0", () => {
    const byName = Object.fromEntries(result.products.map((p) => [p.product, p]));
    expect(byName.P1).toMatchObject({ units: 40, weeklyMean: 10, weeklySd: 0, cv: 0, class: "AX" });
    expect(byName.P2!.weeklySd).toBeCloseTo(Math.sqrt(100 / 3), 12);
    expect(byName.P2!.cv).toBeCloseTo(0.57735, 5);
    expect(byName.P2!.class).toBe("AY");
    expect(byName.P3).toMatchObject({ units: 20, weeklyMean: 5, weeklySd: 10, cv: 2, class: "BZ" });
    expect(byName.P4).toMatchObject({ units: 32, weeklyMean: 8, weeklySd: 0, class: "BX" });
    expect(byName.P5!.cv).toBeCloseTo(Math.sqrt(16 / 3) / 2, 12);
    expect(byName.P5!.class).toBe("CZ");
  });

  it("fills the 3 x 3 matrix with counts and net sales per cell", () => {
    expect(result.matrix.map((c) => [c.class, c.products, c.netSales, c.sharePct])).toEqual([
      ["AX", 1, 600, 60],
      ["AY", 1, 200, 20],
      ["AZ", 0, 0, 0],
      ["BX", 1, 60, 6],
      ["BY", 0, 0, 0],
      ["BZ", 1, 100, 10],
      ["CX", 0, 0, 0],
      ["CY", 0, 0, 0],
      ["CZ", 1, 40, 4],
    ]);
  });

  it("takes other cut-offs", () => {
    // ABC at 70/90: P1 A (0), P2 A (60), P3 B (80), P4 C (90 is not below 90), P5 C.
    // XYZ at 0.6/1.5: P2 X (0.577), P5 Y (1.155), P3 Z (2).
    const other = productClasses(costLinesFromRecords(LINES), {
      abcCutoffs: [70, 90],
      xyzCutoffs: [0.6, 1.5],
    });
    expect(other.products.map((p) => `${p.product}:${p.class}`)).toEqual([
      "P1:AX",
      "P2:AX",
      "P3:BZ",
      "P4:CX",
      "P5:CY",
    ]);
  });

  it("counts the weeks of a given period, sold or not", () => {
    // Eight weeks from Mon 1 Jan to Sun 25 Feb: P1's 40 units are 5 a week on average.
    const longer = productClasses(costLinesFromRecords(LINES), {
      from: Date.parse("2024-01-01T00:00:00Z"),
      to: Date.parse("2024-02-25T23:59:59Z"),
    });
    expect(longer.weeks).toBe(8);
    expect(longer.products[0]).toMatchObject({ product: "P1", weeklyMean: 5 });
    // Weeks 1-4 at 10, weeks 5-8 at 0: deviations all ±5, sample sd sqrt(8 · 25 / 7).
    expect(longer.products[0]!.weeklySd).toBeCloseTo(Math.sqrt(200 / 7), 12);
  });

  it("refuses cut-offs out of order and lines without a date, naming them", () => {
    const lines = costLinesFromRecords(LINES);
    expect(() => productClasses(lines, { abcCutoffs: [95, 80] })).toThrow(CoreInputError);
    expect(() => productClasses(lines, { xyzCutoffs: [-1, 1] })).toThrow(/^xyzCutoffs: /);
    const undated = costLinesFromRecords([
      ...LINES,
      { customerId: "C1", orderId: "Z", quantity: 1, unitPrice: 1 },
    ]);
    expect(() => productClasses(undated)).toThrow(
      expect.objectContaining({ row: LINES.length, field: "ordered_at" }) as unknown as Error,
    );
  });
});

describe("ISO weeks", () => {
  it("start on Monday, in UTC", () => {
    const monday = Date.parse("2024-01-01T00:00:00Z");
    const sunday = Date.parse("2024-01-07T23:59:59Z");
    expect(isoWeekIndex(monday)).toBe(isoWeekIndex(sunday));
    expect(isoWeekIndex(sunday + 1000)).toBe(isoWeekIndex(monday) + 1);
    expect(isoWeekday(monday)).toBe(0);
    expect(isoWeekday(sunday)).toBe(6);
    expect(isoWeekday(Date.parse("1969-12-31T12:00:00Z"))).toBe(2);
  });
});
