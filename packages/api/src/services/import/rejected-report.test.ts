import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatOriginalRow, parseCsv } from "@strata/core";
import { afterEach, describe, expect, it } from "vitest";
import { RejectedReport } from "./rejected-report.js";

describe("RejectedReport", () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  async function write(add: (report: RejectedReport) => void): Promise<string> {
    const folder = mkdtempSync(join(tmpdir(), "strata-rejected-"));
    folders.push(folder);
    const report = new RejectedReport(join(folder, "x.rejected.csv"));
    add(report);
    await report.close();
    return readFileSync(report.path, "utf8");
  }

  it("neutralises formula cells from the uploaded file and keeps a negative quantity a number", async () => {
    const rows = [
      ['=HYPERLINK("http://evil.example","x")', "2024-01-05", "1", "9.99"],
      ["@SUM(1)", "2024-01-05", "two", "9.99"],
      ["\t=1", "2024-01-05", "1", "=2+5"],
      ["C4", "2024-01-06", "-3", "9.99"],
    ];
    const csv = await write((report) => {
      report.add(
        [{ line: 2, column: "customer_id", value: rows[0]![0]!, reason: "customer id is too long" }],
        formatOriginalRow(rows[0]!),
      );
      report.add(
        [
          { line: 3, column: "customer_id", value: rows[1]![0]!, reason: "not allowed" },
          { line: 3, column: "qty", value: "two", reason: "quantity is not a number" },
        ],
        formatOriginalRow(rows[1]!),
      );
      report.add(
        [{ line: 4, column: "unit_price", value: "=2+5", reason: "price is not a number" }],
        formatOriginalRow(rows[2]!),
      );
      report.add(
        [{ line: 5, column: "qty", value: "-3", reason: "quantity is negative" }],
        formatOriginalRow(rows[3]!),
      );
    });
    const { header, records } = parseCsv(csv);
    // CONTRACT.md's four columns first.
    expect(header.slice(0, 4)).toEqual(["line", "column", "value", "reason"]);
    expect(records.map((r) => r.fields.slice(0, 3))).toEqual([
      ["2", "customer_id", `'=HYPERLINK("http://evil.example","x")`],
      ["3", "customer_id", "'@SUM(1)"],
      ["3", "qty", "two"],
      ["4", "unit_price", "'=2+5"],
      ["5", "qty", "-3"],
    ]);
    // An original row that starts like a formula is neutralised as a whole; one that starts with a
    // quote (its first field held a comma) is text to a spreadsheet already.
    expect(records[3]!.fields[4]).toBe(`'${formatOriginalRow(rows[2]!)}`);
    expect(records[0]!.fields[4]).toBe(formatOriginalRow(rows[0]!));
    expect(csv).toContain("\n5,qty,-3,quantity is negative,");
  });

  it("writes the header alone when nothing is rejected", async () => {
    expect(await write(() => {})).toBe("line,column,value,reason,original_row\n");
  });
});
