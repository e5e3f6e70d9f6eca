import { describe, expect, it } from "vitest";
import { matrix } from "../matrix/matrix.js";
import { prepare, toOriginalUnits } from "./prepare.js";
import { tableFromRows } from "./table.js";

const header = ["CustomerID", "Genre", "Age", "Income", "Country", "Since"];
const rows = [
  ["0001", "Male", "19", "15", "UK", "2020-01-01"],
  ["0002", "Male", "21", "", "UK", "2020-06-01"],
  ["0003", "Female", "20", "16", "UK", "2021-01-01"],
  ["0004", "Female", "23", "16", "UK", "2021-01-01"],
  ["0005", "Female", "31", "17", "UK", "2019-01-01"],
  ["0006", "Female", "31", "17", "UK", "2019-01-01"],
];

describe("prepare", () => {
  it("drops ids and constant columns with a reason and reports the types", () => {
    const out = prepare(tableFromRows(header, rows), { dropDuplicates: false, log1p: false });
    expect(out.report.columnTypes).toEqual({
      CustomerID: "id",
      Genre: "categorical",
      Age: "numeric",
      Income: "numeric",
      Country: "categorical",
      Since: "date",
    });
    expect(out.report.droppedColumns).toEqual([
      { column: "CustomerID", reason: "identifier: named like one, a different value on every row" },
      { column: "Country", reason: 'constant: every row is "UK"' },
    ]);
    expect(out.features).toEqual(["Genre=Female", "Age", "Income", "days since Since"]);
  });

  it("clusters columns whose names only contain the letters id and reports every column left out", () => {
    const wine = Array.from({ length: 12 }, (_, i) => [
      String(i + 1),
      `W-${String(i).padStart(3, "0")}`,
      String(1.5 + (i % 5) * 0.3),
      String(20 + ((i * 7) % 11)),
      String(i % 3),
      "same",
      i % 4 === 0 ? String(i) : "",
    ]);
    const table = tableFromRows(
      ["ID", "client-id", "malic_acid", "amount_paid", "Kidhome", "batch", "fluid"],
      wine,
    );
    const out = prepare(table, { dropDuplicates: false, log1p: false });
    expect(out.features).toEqual(["malic_acid", "amount_paid", "Kidhome"]);
    expect(out.report.columnTypes.malic_acid).toBe("numeric");
    expect(out.report.columnTypes.ID).toBe("id");
    const reasons = Object.fromEntries(out.report.droppedColumns.map((c) => [c.column, c.reason]));
    expect(Object.keys(reasons).sort()).toEqual(["ID", "batch", "client-id", "fluid"]);
    expect(reasons.ID).toMatch(/^identifier: /);
    expect(reasons["client-id"]).toMatch(/^identifier: /);
    expect(reasons.batch).toBe('constant: every row is "same"');
    expect(reasons.fluid).toBe("75% missing (more than 50%)");
  });

  it("finds identifiers among columns that arrive as numbers", () => {
    const ids = Float64Array.from({ length: 10 }, (_, i) => 17850 + 3 * i);
    const spend = Float64Array.from({ length: 10 }, (_, i) => (i * 37) % 11);
    const out = prepare(
      {
        columns: [
          { name: "CustomerID", values: ids },
          { name: "amount_paid", values: spend },
        ],
      },
      { log1p: false },
    );
    expect(out.features).toEqual(["amount_paid"]);
    expect(out.report.droppedColumns).toEqual([
      { column: "CustomerID", reason: "identifier: named like one, a different value on every row" },
    ]);
  });

  it("imputes the median and can add a missing indicator", () => {
    const out = prepare(tableFromRows(header, rows), {
      dropDuplicates: false,
      log1p: false,
      missingIndicator: true,
      scale: "none",
    });
    const j = out.features.indexOf("Income");
    // median of 15,16,16,17,17 is 16
    expect(out.original.data[1 * out.original.d + j]).toBe(16);
    const flag = out.features.indexOf("Income missing");
    expect(Array.from({ length: 6 }, (_, r) => out.original.data[r * out.original.d + flag])).toEqual([
      0, 1, 0, 0, 0, 0,
    ]);
    expect(out.report.steps.find((s) => s.step === "missing")?.detail).toBe(
      "1 missing value(s) set to the median 16",
    );
  });

  it("drops duplicate and incomplete rows when asked and says how many", () => {
    const out = prepare(
      tableFromRows(
        header.slice(1),
        rows.map((r) => r.slice(1)),
      ),
      {
        missing: "drop",
        log1p: false,
      },
    );
    expect(out.report.droppedRows).toEqual([
      { reason: "duplicate of an earlier row", count: 1, examples: [5] },
      { reason: "missing value", count: 1, examples: [1] },
    ]);
    expect(Array.from(out.rowIndex)).toEqual([0, 2, 3, 4]);
    expect(out.report.rowsOut).toBe(4);
  });

  it("turns dates into days before the latest date", () => {
    const out = prepare(tableFromRows(["Since"], [["2021-01-01"], ["2020-12-01"], ["2020-01-01"]]), {
      scale: "none",
      log1p: false,
    });
    expect(Array.from(out.original.data)).toEqual([0, 31, 366]);
  });

  it("turns a birth-year column into age at the reference date", () => {
    const out = prepare(tableFromRows(["Year_Birth"], [["1957"], ["1990"], ["2000"]]), {
      scale: "none",
      log1p: false,
      referenceDate: Date.UTC(2014, 5, 30),
    });
    expect(out.features).toEqual(["age"]);
    expect(Array.from(out.original.data)).toEqual([57, 24, 14]);
  });

  it("one-hot encodes the most frequent categories and folds the rest into other", () => {
    const values = ["a", "a", "a", "b", "b", "c", "d"];
    const out = prepare(
      tableFromRows(
        ["k"],
        values.map((v) => [v]),
      ),
      {
        maxCategories: 2,
        dropDuplicates: false,
        scale: "none",
      },
    );
    expect(out.features).toEqual(["k=a", "k=b", "k=other"]);
    expect(Array.from(out.original.data.subarray(15, 21))).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it("frequency-encodes categories as their share of rows", () => {
    const out = prepare(tableFromRows(["k"], [["a"], ["a"], ["b"], ["a"]]), {
      categorical: "frequency",
      dropDuplicates: false,
      scale: "none",
      log1p: false,
    });
    expect(Array.from(out.original.data)).toEqual([0.75, 0.75, 0.25, 0.75]);
  });

  it("takes log1p of skewed non-negative features and inverts it for centroids", () => {
    const values = [1, 2, 2, 3, 3, 3, 4, 1000].map((v) => [String(v)]);
    const out = prepare(tableFromRows(["spend"], values), { dropDuplicates: false });
    expect(out.log1p[0]).toBe(1);
    expect(out.x.data[0]).toBeCloseTo(
      (Math.log1p(1) - mean(values.map((v) => Math.log1p(+v[0]!)))) /
        sd(values.map((v) => Math.log1p(+v[0]!))),
      12,
    );
    const back = toOriginalUnits(matrix(out.x.data.slice(7, 8), 1, 1), out.scaler, out.log1p);
    expect(back.data[0]).toBeCloseTo(1000, 9);
  });

  it("caps outliers at the requested quantiles", () => {
    const values = Array.from({ length: 101 }, (_, i) => [String(i)]);
    const out = prepare(tableFromRows(["v"], values), {
      winsorize: { lower: 0.05, upper: 0.95 },
      log1p: false,
      scale: "none",
    });
    expect(out.original.data[0]).toBe(0);
    expect(Math.min(...out.x.data)).toBe(5);
    expect(Math.max(...out.x.data)).toBe(95);
    expect(out.report.steps.find((s) => s.step === "winsorize")?.detail).toBe(
      "10 value(s) capped to the 5%-95% quantiles",
    );
  });

  it("names a selected column that does not exist", () => {
    expect(() => prepare(tableFromRows(["a"], [["1"]]), { columns: ["b"] })).toThrow(
      /column "b" is not in the table/,
    );
  });
});

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
function sd(v: number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}
